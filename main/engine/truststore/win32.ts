import { mustSucceed } from '../system/exec';
import { thumbprints } from './root';
import { settled } from './state';
import type { RootCert, TrustState, TrustStore, TrustStoreDeps } from './types';

export interface WindowsStoreOptions {
  /** `certutil` natively; `certutil.exe` through WSL interop. */
  certutil?: string;
  /** Maps our certificate path to one Windows can open (WSL: `wslpath -w`). */
  windowsPath?: (path: string) => Promise<string>;
}

/**
 * The current user's Root store, like mkcert (TS-5): no administrator rights, every Chromium-based
 * browser, Edge and (through enterprise roots) Firefox trust it. Windows shows a security warning
 * that the user must accept; it cannot be suppressed, so unattended runs would wait forever
 * (FiloSottile/mkcert#358, #286).
 */
export function createWindowsStore(deps: TrustStoreDeps, options: WindowsStoreOptions = {}): TrustStore {
  const id = 'windows';
  const certutil = options.certutil ?? 'certutil';

  const check = async (root: RootCert): Promise<TrustState> => {
    const { sha1 } = thumbprints(root);
    // -verifystore selects by thumbprint and builds the chain; the hash line appears only when found.
    const result = await deps.exec([certutil, '-user', '-verifystore', 'Root', sha1]);
    const found = result.exitCode === 0 && result.stdout.replace(/\s/g, '').toUpperCase().includes(sha1);
    if (!found) return { store: id, status: 'not-installed', detail: 'not in the Windows user root store' };
    return { store: id, status: 'installed', verified: true, detail: 'trusted in the Windows user root store', locations: ['CurrentUser\\Root'] };
  };

  const store: TrustStore = {
    id,
    label: 'Windows certificate store',
    async detect() {
      try {
        await deps.exec([certutil, '-?']);
        return { available: true };
      } catch {
        return { available: false, reason: `${certutil} is not reachable` };
      }
    },
    check,
    async install(root) {
      const before = await check(root);
      if (before.status === 'installed') return before;
      const path = options.windowsPath ? await options.windowsPath(root.certPath) : root.certPath;
      mustSucceed(await deps.exec([certutil, '-user', '-addstore', 'Root', path]), 'adding the Portico CA to the Windows user root store (was the security warning declined?)');
      return { ...(await check(root)), hint: 'Restart the browser so it picks up the new root.' };
    },
    async uninstall(root) {
      const before = await check(root);
      if (before.status !== 'installed') return before;
      // By SHA-1 thumbprint: exactly this certificate, never "every certificate with this serial" (TS-5).
      mustSucceed(await deps.exec([certutil, '-user', '-delstore', 'Root', thumbprints(root).sha1]), 'removing the Portico CA from the Windows user root store');
      return check(root);
    },
  };
  return settled(store);
}
