import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureCa, loadCa } from '../../../main/engine/pki';
import { PorticoError } from '../../../main/engine/errors';
import { dataPaths } from '../../../main/engine/system/data-dir';
import { detectKeyProtection, safeStorageProtector, sealKeyFile } from '../../../main/shell/key-protector';
import type { SafeStorageLike } from '../../../main/shell/key-protector';
import { decodeSealedKey, encodeSealedKey, isSealedKeyFile, sealedKeyLockedMessage } from '../../../main/engine/pki/sealed-key';
import { tempHome } from '../../helpers/portico-home';

type Backend = ReturnType<SafeStorageLike['getSelectedStorageBackend']>;

/**
 * A stand-in for Electron's safeStorage (which needs the Electron runtime): a reversible keyed
 * transform, so the stored form never contains the plaintext, behind a version prefix like
 * Chromium's "v10", with switches for the cases a keyring produces.
 */
function fakeSafeStorage(options: { available?: boolean; backend?: Backend; reEncrypt?: boolean; refuse?: boolean } = {}) {
  const key = 0x5a;
  const xor = (bytes: Buffer) => Buffer.from(bytes.map((b) => b ^ key));
  const calls: string[] = [];
  const storage: SafeStorageLike = {
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptStringAsync: async (plain) => {
      calls.push('encrypt');
      return Buffer.concat([Buffer.from('v10'), xor(Buffer.from(plain, 'utf8'))]);
    },
    decryptStringAsync: async (encrypted) => {
      calls.push('decrypt');
      if (options.refuse) throw new Error('user denied keychain access');
      if (encrypted.subarray(0, 3).toString() !== 'v10') throw new Error('bad ciphertext');
      return { result: xor(encrypted.subarray(3)).toString('utf8'), shouldReEncrypt: options.reEncrypt ?? false };
    },
  };
  return { storage, calls };
}

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

describe('sealed key format', () => {
  it('round-trips and is recognisable by its header', () => {
    const sealed = encodeSealedKey(Buffer.from([0, 1, 2, 255]));
    expect(sealed.startsWith('PORTICO-SEALED-KEY v1 safeStorage\n')).toBe(true);
    expect(isSealedKeyFile(Buffer.from(sealed))).toBe(true);
    expect(isSealedKeyFile(sealed)).toBe(true);
    expect(decodeSealedKey(Buffer.from(sealed))?.ciphertext).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it.each([
    ['a plain PEM', PEM],
    ['an empty file', ''],
    ['a newer version', 'PORTICO-SEALED-KEY v2 safeStorage\nAAAA\n'],
    ['an unknown method', 'PORTICO-SEALED-KEY v1 rot13\nAAAA\n'],
    ['a damaged body', 'PORTICO-SEALED-KEY v1 safeStorage\n!!!\n'],
    ['no body', 'PORTICO-SEALED-KEY v1 safeStorage\n'],
  ])('decodeSealedKey(%s) is null', (_name, text) => {
    expect(decodeSealedKey(Buffer.from(text))).toBeNull();
  });

  it('only the header decides "sealed", so a newer format is still reported as locked, not corrupt', () => {
    expect(isSealedKeyFile('PORTICO-SEALED-KEY v2 keychain\n')).toBe(true);
    expect(isSealedKeyFile(PEM)).toBe(false);
  });

  it('the locked message says how to proceed', () => {
    expect(sealedKeyLockedMessage('/d/ca/root-key.pem')).toMatch(/\/d\/ca\/root-key\.pem.*Start the Portico app/);
  });
});

describe('safeStorage key protector', () => {
  it('round-trips a key; the sealed form holds no PEM', async () => {
    const { storage } = fakeSafeStorage();
    const protector = safeStorageProtector(storage);
    const sealed = await protector.seal(PEM);
    expect(String(sealed)).not.toContain('PRIVATE KEY');
    expect(await protector.unseal(Buffer.from(sealed))).toBe(PEM);
  });

  it('still reads a plain PEM key written before encryption was available', async () => {
    expect(await safeStorageProtector(fakeSafeStorage().storage).unseal(Buffer.from(PEM))).toBe(PEM);
  });

  it('a keyring that refuses is E_CA_LOCKED with what to do', async () => {
    const sealed = await safeStorageProtector(fakeSafeStorage().storage).seal(PEM);
    const refusing = safeStorageProtector(fakeSafeStorage({ refuse: true }).storage);
    await expect(refusing.unseal(Buffer.from(sealed))).rejects.toMatchObject({ code: 'E_CA_LOCKED', message: expect.stringMatching(/Unlock your keyring/) });
  });

  it.each([
    ['garbage', 'hello'],
    ['a sealed header this version cannot read', 'PORTICO-SEALED-KEY v9 safeStorage\nAAAA\n'],
  ])('%s is E_CA_CORRUPT', async (_name, text) => {
    await expect(safeStorageProtector(fakeSafeStorage().storage).unseal(Buffer.from(text))).rejects.toMatchObject({ code: 'E_CA_CORRUPT' });
  });
});

describe('detectKeyProtection', () => {
  it.each([
    ['macOS Keychain', 'darwin', {}, true, 'macOS Keychain'],
    ['Windows DPAPI', 'win32', {}, true, 'Windows DPAPI'],
    ['Linux libsecret', 'linux', { backend: 'gnome_libsecret' }, true, 'libsecret'],
    ['Linux KWallet 6', 'linux', { backend: 'kwallet6' }, true, 'KWallet 6'],
    ['Linux basic_text', 'linux', { backend: 'basic_text' }, false, 'hard-coded password'],
    ['Linux before ready', 'linux', { backend: 'unknown' }, false, 'not known yet'],
    ['no encryption at all', 'darwin', { available: false }, false, 'no key store'],
  ] as const)('%s', async (_name, platform, options, isProtected, words) => {
    const protection = await detectKeyProtection(fakeSafeStorage(options).storage, platform);
    expect(protection.protected).toBe(isProtected);
    expect(protection.summary).toContain(words);
    if (!protection.protected) expect(protection.summary).toMatch(/0600 file/);
  });
});

describe('the CA key at rest (CA-6)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  beforeEach(async () => {
    home = await tempHome('portico-shell-key-');
  });
  afterEach(async () => {
    await home.cleanup();
  });

  it('a CA created with the protector has a sealed 0600 key that reloads only through it', async () => {
    const paths = dataPaths(home.dir);
    const { storage } = fakeSafeStorage();
    const keyProtector = safeStorageProtector(storage);
    const { ca } = await ensureCa(paths, ['.localhost'], { keyProtector });
    const stored = await readFile(paths.caKey);
    expect(stored.toString('utf8').startsWith('-----BEGIN PRIVATE KEY-----')).toBe(false);
    expect(stored.toString('utf8')).not.toContain('PRIVATE KEY');
    expect(isSealedKeyFile(stored)).toBe(true);
    if (process.platform !== 'win32') {
      expect((await stat(paths.caKey)).mode & 0o777).toBe(0o600);
      expect((await stat(paths.caDir)).mode & 0o777).toBe(0o700);
    }
    const reloaded = await loadCa(paths, { keyProtector });
    expect(reloaded.info.fingerprint256).toBe(ca.info.fingerprint256);
    // Without the app's protector (the CLI in plain Node) the key cannot be used.
    const error = await loadCa(paths).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(PorticoError);
    expect(['E_CA_LOCKED', 'E_CA_CORRUPT']).toContain((error as PorticoError).code);
  });

  it('sealKeyFile seals a plain key, leaves a sealed one, reseals on request, and skips a missing one', async () => {
    const paths = dataPaths(home.dir);
    const lock = <T>(work: () => Promise<T>) => work();
    expect(await sealKeyFile(paths.caKey, fakeSafeStorage().storage, lock)).toBe('no-key');

    await ensureCa(paths, ['.localhost']);
    const plain = await readFile(paths.caKey, 'utf8');
    expect(plain.startsWith('-----BEGIN')).toBe(true);
    const { storage } = fakeSafeStorage();
    expect(await sealKeyFile(paths.caKey, storage, lock)).toBe('sealed');
    const sealed = await readFile(paths.caKey, 'utf8');
    expect(isSealedKeyFile(sealed)).toBe(true);
    if (process.platform !== 'win32') expect((await stat(paths.caKey)).mode & 0o777).toBe(0o600);
    expect(await safeStorageProtector(storage).unseal(Buffer.from(sealed))).toBe(plain);

    expect(await sealKeyFile(paths.caKey, storage, lock)).toBe('already-sealed');
    expect(await readFile(paths.caKey, 'utf8')).toBe(sealed);
    expect(await sealKeyFile(paths.caKey, fakeSafeStorage({ reEncrypt: true }).storage, lock)).toBe('resealed');
    await expect(sealKeyFile(paths.caKey, fakeSafeStorage({ refuse: true }).storage, lock)).rejects.toBeInstanceOf(PorticoError);
  });

  it('runs under the caller-supplied lock', async () => {
    const order: string[] = [];
    await writeFile(join(home.dir, 'root-key.pem'), PEM, { mode: 0o600 });
    await sealKeyFile(join(home.dir, 'root-key.pem'), fakeSafeStorage().storage, async (work) => {
      order.push('locked');
      const result = await work();
      order.push('released');
      return result;
    });
    expect(order).toEqual(['locked', 'released']);
  });
});
