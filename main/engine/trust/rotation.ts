import type { CaManager } from '../ca-manager';
import type { TrustService } from './service';

/**
 * `ca` whose `rotate` also carries trust over to the new root (`portico ca rotate`, issue 4): the
 * new root is trusted in every store the ledger says held the old one, and the old root is removed
 * from them once no certificate it signed is left. The rotation itself has already succeeded when
 * trust is carried over, so a trust failure is reported through `onTrustError`, never thrown:
 * `portico trust status` and `portico doctor` show what is left to do.
 */
export function followRotation(ca: CaManager, trust: Pick<TrustService, 'afterRotate' | 'currentRoot'>, onTrustError: (error: unknown) => void = () => undefined): CaManager {
  return {
    ...ca,
    async rotate(addSuffixes) {
      const before = await trust.currentRoot().catch(() => null);
      const view = await ca.rotate(addSuffixes);
      const after = await trust.currentRoot().catch(() => null);
      if (before && after && before.fingerprint256 !== after.fingerprint256) {
        await trust.afterRotate(before, after).catch(onTrustError);
      }
      return view;
    },
  };
}
