import type { LabelledTrustState, TrustStoreId } from '../truststore';
import { porticoCommand, type TrustService } from '../trust';
import { check, type DoctorCheck } from './types';

/** The store the platform's default browser reads: missing there means a certificate warning. */
export function primaryStores(platform: NodeJS.Platform, wsl: boolean): TrustStoreId[] {
  if (platform === 'darwin') return ['macos'];
  if (platform === 'win32') return ['windows'];
  return wsl ? ['nss', 'windows'] : ['nss'];
}

function stateCheck(state: LabelledTrustState, primary: boolean, env: Record<string, string | undefined>): DoctorCheck {
  const id = `trust.${state.store}`;
  const title = `Trust: ${state.label}`;
  const install = porticoCommand(['trust', 'install', '--store', state.store], env);
  switch (state.status) {
    case 'installed':
      return state.verified === false
        ? check(id, title, 'warn', `${state.detail}`, install)
        : check(id, title, 'ok', `${state.detail}${state.verified ? ' (verified by the store)' : ''}`);
    case 'not-installed':
      return check(id, title, primary ? 'fail' : 'warn', primary ? `${state.detail}: browsers show a certificate warning for every project` : state.detail, install);
    case 'unavailable':
      // A missing tool for the browser's own store is worth a warning with the install hint; anything else is not here.
      return state.hint && primary ? check(id, title, 'warn', state.detail, state.hint) : check(id, title, 'skip', state.detail, state.hint);
    case 'error':
      return check(id, title, 'fail', state.detail, state.hint ?? install);
  }
}

/** One check per store, plus rotated-out roots still trusted somewhere. */
export async function trustChecks(trust: Pick<TrustService, 'status' | 'currentRoot' | 'ledger'>, env: Record<string, string | undefined>, primary: readonly TrustStoreId[]): Promise<DoctorCheck[]> {
  const root = await trust.currentRoot();
  if (!root) return [check('trust', 'Trust stores', 'skip', 'no local CA yet, so nothing to trust')];
  const checks = (await trust.status()).map((state) => stateCheck(state, primary.includes(state.store), env));
  const older = (await trust.ledger.read()).trust.filter((r) => r.fingerprint256 !== root.fingerprint256);
  if (older.length > 0) {
    const where = older.map((r) => `${r.nickname} in ${r.store}`).join(', ');
    checks.push(
      check('trust.older-roots', 'Trust: older Portico roots', 'warn', `still trusted: ${where}. A rotated-out root is removed once no certificate it signed is left`, `${porticoCommand(['trust', 'install'], env)} retires the unused ones`),
    );
  }
  return checks;
}
