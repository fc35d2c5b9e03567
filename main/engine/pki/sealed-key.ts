/**
 * The on-disk format of a CA key sealed by the desktop app, and how anything — the CLI, the
 * engine in `portico serve` — recognises one without Electron (security-requirements CA-6).
 *
 * A sealed key file is text: one header line, then the ciphertext in base64.
 *
 *     PORTICO-SEALED-KEY v1 safeStorage
 *     djEwAAAA…
 *
 * The header is what makes "locked" detectable: a process without `safeStorage` (plain Node has
 * none) cannot decrypt the key, and must answer E_CA_LOCKED instead of misreading the ciphertext as a
 * damaged PEM (E_CA_CORRUPT). It lives in the engine, which must recognise it; the desktop shell
 * writes it (main/shell/key-protector.ts).
 */

/** The first bytes of every sealed key file. */
export const SEALED_KEY_MAGIC = 'PORTICO-SEALED-KEY';
/** The format version this build writes and reads. */
export const SEALED_KEY_VERSION = 1;

/** Who can open a sealed key: today only Electron `safeStorage` (Keychain, DPAPI, libsecret/kwallet). */
export type SealMethod = 'safeStorage';

export interface SealedKey {
  version: number;
  method: SealMethod;
  ciphertext: Buffer;
}

const HEADER = new RegExp(`^${SEALED_KEY_MAGIC} v(\\d+) ([a-zA-Z]+)\\r?\\n`);

/** True when `stored` (the key file's bytes) is a sealed key rather than a plain PEM. */
export function isSealedKeyFile(stored: Uint8Array | string): boolean {
  const head = typeof stored === 'string' ? stored.slice(0, SEALED_KEY_MAGIC.length) : Buffer.from(stored.subarray(0, SEALED_KEY_MAGIC.length)).toString('latin1');
  return head === SEALED_KEY_MAGIC;
}

/** The file content for `ciphertext`. */
export function encodeSealedKey(ciphertext: Uint8Array, method: SealMethod = 'safeStorage'): string {
  return `${SEALED_KEY_MAGIC} v${SEALED_KEY_VERSION} ${method}\n${Buffer.from(ciphertext).toString('base64')}\n`;
}

/**
 * The parts of a sealed key file, or null when `stored` is not one this build understands (not
 * sealed, a newer version, an unknown method, or a damaged body).
 */
export function decodeSealedKey(stored: Uint8Array | string): SealedKey | null {
  const text = typeof stored === 'string' ? stored : Buffer.from(stored).toString('latin1');
  const header = HEADER.exec(text);
  if (!header) return null;
  const version = Number(header[1]);
  const method = header[2];
  if (version !== SEALED_KEY_VERSION || method !== 'safeStorage') return null;
  const body = text.slice(header[0].length).trim();
  if (body === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  return { version, method, ciphertext: Buffer.from(body, 'base64') };
}

/**
 * What to tell a user whose command needs the CA key while only the desktop app can open it
 * (the text of E_CA_LOCKED).
 */
export function sealedKeyLockedMessage(keyPath: string): string {
  return (
    `the CA key ${keyPath} is encrypted by the Portico desktop app (Electron safeStorage), so this process cannot sign with it. ` +
    'Start the Portico app and run the command again: the CLI then goes through the running app. ' +
    '(`portico status` shows whether an engine runs.)'
  );
}
