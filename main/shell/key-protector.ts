/**
 * The CA key encrypted at rest with Electron `safeStorage` (security-requirements CA-6, EL-9):
 * Keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux.
 *
 * - Only after `app` is ready: before it, `getSelectedStorageBackend()` answers `unknown` and
 *   encryption is unavailable (electronjs.org/docs/latest/api/safe-storage).
 * - On Linux, the `basic_text` backend "encrypts" with a hard-coded password: the key is then NOT
 *   called protected — no protector is returned, the engine keeps the 0600 PEM file and its status
 *   says `keyProtection: 'file'`, with the reason shown in the tray.
 * - The async API is used: the sync pair is deprecated in Electron 45, and a Keychain prompt must
 *   not freeze the main process (EL-9). The engine decrypts the key once and keeps it in memory.
 *
 * `safeStorage` is injected (a stand-in in tests); only the type comes from Electron.
 */
import type { SafeStorage } from 'electron';
import { readFile } from 'node:fs/promises';
import { PorticoError } from '../engine/errors';
import type { KeyProtector } from '../engine/pki';
import { writeFileAtomic } from '../engine/system/atomic-file';
import { decodeSealedKey, encodeSealedKey, isSealedKeyFile } from '../engine/pki/sealed-key';

export type SafeStorageLike = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;

/** How the CA key is kept, as the tray and the status explain it. */
export type KeyProtection =
  | { protected: true; protector: KeyProtector; backend: string; summary: string }
  | { protected: false; reason: string; summary: string };

const PEM_START = '-----BEGIN';

const BACKEND_NAMES: Record<string, string> = {
  darwin: 'macOS Keychain',
  win32: 'Windows DPAPI',
  gnome_libsecret: 'the Secret Service keyring (libsecret)',
  kwallet: 'KWallet',
  kwallet5: 'KWallet 5',
  kwallet6: 'KWallet 6',
};

function lockedError(detail: string, cause?: unknown): PorticoError {
  return new PorticoError(
    'E_CA_LOCKED',
    `the CA key could not be decrypted by the system keyring (${detail}). Unlock your keyring or Keychain (or allow Portico in its prompt) and restart Portico.`,
    { cause },
  );
}

/** A KeyProtector over `safeStorage`. Plain PEM keys written before encryption was available still load, and are sealed by `sealKeyFile`. */
export function safeStorageProtector(safeStorage: SafeStorageLike): KeyProtector {
  return {
    async seal(keyPem) {
      return encodeSealedKey(await safeStorage.encryptStringAsync(keyPem));
    },
    async unseal(stored) {
      if (isSealedKeyFile(stored)) {
        const sealed = decodeSealedKey(stored);
        if (!sealed) throw new PorticoError('E_CA_CORRUPT', 'the CA key file has a Portico header this version cannot read (damaged, or written by a newer Portico). Update Portico, or restore the key from a backup.');
        try {
          return (await safeStorage.decryptStringAsync(sealed.ciphertext)).result;
        } catch (error) {
          throw lockedError(error instanceof Error ? error.message : String(error), error);
        }
      }
      const text = stored.toString('utf8');
      if (text.startsWith(PEM_START)) return text;
      throw new PorticoError('E_CA_CORRUPT', 'the CA key file is neither a PEM key nor a key sealed by Portico. Restore it from a backup, or make a new CA with `portico ca rotate`.');
    },
  };
}

/**
 * Decides whether the key can be protected here. Call after `app.whenReady()`.
 * `platform` is `process.platform`; `getSelectedStorageBackend` exists only on Linux.
 */
export async function detectKeyProtection(safeStorage: SafeStorageLike, platform: NodeJS.Platform): Promise<KeyProtection> {
  let available: boolean;
  try {
    available = await safeStorage.isAsyncEncryptionAvailable();
  } catch {
    available = false;
  }
  if (!available) {
    const reason = 'the operating system offers no key store to Portico';
    return { protected: false, reason, summary: `CA key: 0600 file (${reason})` };
  }
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      // A hard-coded password is obfuscation, not protection (CA-6); `unknown` means "before ready".
      const reason =
        backend === 'basic_text'
          ? 'no Secret Service or KWallet keyring was found (safeStorage would use a hard-coded password)'
          : 'the keyring backend is not known yet';
      return { protected: false, reason, summary: `CA key: 0600 file, not encrypted — ${reason}` };
    }
    const name = BACKEND_NAMES[backend] ?? backend;
    return { protected: true, protector: safeStorageProtector(safeStorage), backend, summary: `CA key: encrypted with ${name}` };
  }
  const name = BACKEND_NAMES[platform] ?? 'the system key store';
  return { protected: true, protector: safeStorageProtector(safeStorage), backend: platform, summary: `CA key: encrypted with ${name}` };
}

export type SealOutcome = 'no-key' | 'sealed' | 'already-sealed' | 'resealed';

/**
 * Brings an existing key file to rest encrypted: a plain PEM left by the CLI or an earlier run is
 * sealed, and a sealed one whose keyring key rotated (`shouldReEncrypt`) is sealed anew. Run it
 * under the data-dir lock (`withLock`) before the engine starts, so no one reads a half-changed file.
 */
export async function sealKeyFile(keyPath: string, safeStorage: SafeStorageLike, withLock: <T>(work: () => Promise<T>) => Promise<T>): Promise<SealOutcome> {
  return withLock(async () => {
    let stored: Buffer;
    try {
      stored = await readFile(keyPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'no-key';
      throw error;
    }
    const protector = safeStorageProtector(safeStorage);
    if (!isSealedKeyFile(stored)) {
      const pem = await protector.unseal(stored);
      await writeFileAtomic(keyPath, await protector.seal(pem), { mode: 0o600, dirMode: 0o700 });
      return 'sealed';
    }
    const sealed = decodeSealedKey(stored);
    if (!sealed) return 'already-sealed';
    let opened;
    try {
      opened = await safeStorage.decryptStringAsync(sealed.ciphertext);
    } catch (error) {
      throw lockedError(error instanceof Error ? error.message : String(error), error);
    }
    if (!opened.shouldReEncrypt) return 'already-sealed';
    await writeFileAtomic(keyPath, await protector.seal(opened.result), { mode: 0o600, dirMode: 0o700 });
    return 'resealed';
  });
}
