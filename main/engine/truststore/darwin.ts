import { join } from 'node:path';
import { mustSucceed } from '../system/exec';
import { thumbprints } from './root';
import { settled } from './state';
import type { RootCert, TrustState, TrustStore, TrustStoreDeps } from './types';

export const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain';

export interface MacosStoreOptions {
  /**
   * `system` (default, mkcert's approach): the System keychain in the admin trust domain, so
   * every user and every app trusts it; needs one administrator prompt. `login`: the user's login
   * keychain with user trust settings (puma-dev's approach): no admin rights, but macOS still asks
   * for the user's password to change trust, and only this user's apps trust it (TS-2).
   */
  keychain?: 'system' | 'login';
}

/**
 * `-r trustRoot` with `-p ssl -p basic` writes trust settings limited to the SSL and basic X.509
 * policies directly, which is what mkcert reaches by exporting, patching and re-importing the
 * trust-settings plist (TS-2; security(1) add-trusted-cert). UNVERIFIED on a macOS VM here.
 */
function addArgv(root: RootCert, keychain: string, admin: boolean): string[] {
  return ['security', 'add-trusted-cert', ...(admin ? ['-d'] : []), '-r', 'trustRoot', '-p', 'ssl', '-p', 'basic', '-k', keychain, root.certPath];
}

/** SHA-1 and SHA-256 hashes `security find-certificate -Z` prints, one `SHA-…hash: HEX` line per certificate. */
export function listedHashes(output: string): Set<string> {
  return new Set([...output.matchAll(/SHA-(?:1|256) hash:\s*([0-9A-Fa-f]+)/g)].map((match) => (match[1] ?? '').toUpperCase()));
}

export function createMacosStore(deps: TrustStoreDeps, options: MacosStoreOptions = {}): TrustStore {
  const id = 'macos';
  const admin = (options.keychain ?? 'system') === 'system';
  const keychain = admin ? SYSTEM_KEYCHAIN : join(deps.home, 'Library', 'Keychains', 'login.keychain-db');
  const where = admin ? 'the System keychain' : 'the login keychain';

  const inspect = async (root: RootCert) => {
    const { sha1, sha256 } = thumbprints(root);
    const listed = mustSucceed(await deps.exec(['security', 'find-certificate', '-a', '-Z', keychain]), `listing ${where}`);
    const hashes = listedHashes(listed.stdout);
    const present = hashes.has(sha1) || hashes.has(sha256);
    // verify-cert builds a chain with the current trust settings: success means really trusted.
    const verified = present && (await deps.exec(['security', 'verify-cert', '-c', root.certPath])).exitCode === 0;
    return { present, verified, sha1 };
  };

  const check = async (root: RootCert): Promise<TrustState> => {
    const { present, verified } = await inspect(root);
    if (!present) return { store: id, status: 'not-installed', detail: `not in ${where}` };
    return {
      store: id,
      status: 'installed',
      verified,
      detail: verified ? `trusted in ${where}` : `in ${where} but not trusted; reinstall to set its trust`,
      locations: [keychain],
    };
  };

  const store: TrustStore = {
    id,
    label: 'macOS Keychain',
    async detect() {
      try {
        await deps.exec(['security', 'help']);
        return { available: true };
      } catch {
        return { available: false, reason: 'the macOS `security` tool is missing' };
      }
    },
    check,
    async install(root) {
      const { verified } = await inspect(root);
      if (verified) return check(root);
      const argv = addArgv(root, keychain, admin);
      const result = admin ? await deps.elevator.run(argv, { reason: 'trust the Portico CA in the System keychain' }) : await deps.exec(argv);
      // Judged by the keychain itself: in a batch (consent.ts) a failure may have been another step's.
      const after = await check(root);
      if (after.verified !== true) mustSucceed(result, `adding the Portico CA to ${where}`);
      return { ...after, hint: 'Restart the browser so it picks up the new trust setting.' };
    },
    async uninstall(root) {
      const { present, verified, sha1 } = await inspect(root);
      if (!present) return check(root);
      // Removing trust alone leaves the certificate behind (TS-2; Caddy `untrust` help), so delete
      // it by hash too. remove-trusted-cert fails when no trust setting exists: only run it when trusted.
      const commands = [
        ...(verified ? [['security', 'remove-trusted-cert', ...(admin ? ['-d'] : []), root.certPath]] : []),
        ['security', 'delete-certificate', '-Z', sha1, keychain],
      ];
      if (admin) {
        const result = await deps.elevator.runAll(commands, { reason: 'remove the Portico CA from the System keychain' });
        const after = await check(root);
        if (after.status === 'installed') mustSucceed(result, `removing the Portico CA from ${where}`);
        return after;
      }
      for (const argv of commands) mustSucceed(await deps.exec(argv), `removing the Portico CA from ${where}`);
      return check(root);
    },
  };
  return settled(store);
}
