import { readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureCa, loadCa, writeCa, type KeyProtector } from '../../../../main/engine/pki/ca-store';
import { isPorticoError, PorticoError } from '../../../../main/engine/errors';
import { makeTempHome, makeTestCa, type TempHome, type TestCa } from './fixture';

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const SUFFIXES = ['localhost', '.localhost', '.test'];

let root: TestCa;
let home: TempHome;

beforeAll(async () => {
  root = await makeTestCa(SUFFIXES);
});
beforeEach(async () => {
  home = await makeTempHome();
});
afterEach(() => home.cleanup());

async function caError(action: Promise<unknown>): Promise<PorticoError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof PorticoError) return error;
    throw error;
  }
  throw new Error('expected a PorticoError');
}

describe('writeCa / loadCa', () => {
  it.skipIf(process.platform === 'win32')('writes the directory 0700, the key 0600 and the certificate 0644', async () => {
    await writeCa(home.paths, root.pem);
    expect(await mode(home.paths.caDir)).toBe(0o700);
    expect(await mode(home.paths.caKey)).toBe(0o600);
    expect(await mode(home.paths.caCert)).toBe(0o644);
  });

  it('loads back the same root and key', async () => {
    await writeCa(home.paths, root.pem);
    const ca = await loadCa(home.paths);
    expect(ca.info.fingerprint256).toBe(root.ca.info.fingerprint256);
    expect(ca.subjectKeyId).toBe(root.ca.subjectKeyId);
    expect(ca.permitted).toEqual(root.ca.permitted);
    expect(ca.x509.checkPrivateKey(ca.privateKey)).toBe(true);
  });

  it.each([
    { name: 'a truncated key file', file: 'caKey' as const, damage: (path: string) => truncate(path, 200) },
    { name: 'an empty key file', file: 'caKey' as const, damage: (path: string) => writeFile(path, '') },
    { name: 'a missing key file', file: 'caKey' as const, damage: (path: string) => rm(path) },
    { name: 'a missing certificate', file: 'caCert' as const, damage: (path: string) => rm(path) },
    { name: 'a truncated certificate', file: 'caCert' as const, damage: (path: string) => truncate(path, 300) },
  ])('reports $name as E_CA_CORRUPT naming the file', async ({ file, damage }) => {
    await writeCa(home.paths, root.pem);
    await damage(home.paths[file]);
    const error = await caError(loadCa(home.paths));
    expect(error.code).toBe('E_CA_CORRUPT');
    expect(error.message).toContain(home.paths[file]);
    expect(error.message).toContain('portico ca rotate');
    expect(error.message).not.toContain(root.pem.keyPem.split('\n')[1]);
  });
});

describe('key protection at rest', () => {
  // A reversible stand-in for Electron safeStorage: what matters is that the engine stores
  // whatever `seal` returns and reads through `unseal`.
  const protector: KeyProtector = {
    seal: async (pem) => Buffer.from(`sealed:${Buffer.from(pem).toString('base64')}`),
    unseal: async (stored) => {
      const text = stored.toString('utf8');
      if (!text.startsWith('sealed:')) throw new PorticoError('E_CA_LOCKED', 'the CA key is sealed by the desktop app: run this from the app.');
      return Buffer.from(text.slice('sealed:'.length), 'base64').toString('utf8');
    },
  };

  it('stores the sealed form and loads through unseal', async () => {
    await writeCa(home.paths, root.pem, { keyProtector: protector });
    const stored = await readFile(home.paths.caKey, 'utf8');
    expect(stored.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(false);
    const ca = await loadCa(home.paths, { keyProtector: protector });
    expect(ca.info.fingerprint256).toBe(root.ca.info.fingerprint256);
  });

  it('passes the protector’s own error code through', async () => {
    await writeCa(home.paths, root.pem);
    const error = await caError(loadCa(home.paths, { keyProtector: protector }));
    expect(error.code).toBe('E_CA_LOCKED');
  });

  it('reports a failing unseal without its own code as E_CA_CORRUPT naming the key', async () => {
    await writeCa(home.paths, root.pem);
    const broken: KeyProtector = { seal: protector.seal, unseal: async () => Promise.reject(new Error('bad padding')) };
    const error = await caError(loadCa(home.paths, { keyProtector: broken }));
    expect(error.code).toBe('E_CA_CORRUPT');
    expect(error.message).toContain(home.paths.caKey);
  });
});

describe('ensureCa', () => {
  it('creates a root once, then loads the same one', async () => {
    const first = await ensureCa(home.paths, SUFFIXES, { label: 'ci@runner', keyBits: 2048 });
    expect(first.created).toBe(true);
    expect(first.ca.permitted.dns).toEqual(['localhost', 'test']);
    expect(first.ca.info.subject).toContain('ci@runner');

    const second = await ensureCa(home.paths, SUFFIXES);
    expect(second.created).toBe(false);
    expect(second.ca.info.fingerprint256).toBe(first.ca.info.fingerprint256);
    expect(second.ca.certPem).toBe(first.ca.certPem);
  });

  it('replaces an unfinished CA (a key written, the certificate never was)', async () => {
    await writeCa(home.paths, root.pem);
    await rm(home.paths.caCert);
    const result = await ensureCa(home.paths, SUFFIXES, { keyBits: 2048 });
    expect(result.created).toBe(true);
    expect(result.ca.info.fingerprint256).not.toBe(root.ca.info.fingerprint256);
    expect((await loadCa(home.paths)).info.fingerprint256).toBe(result.ca.info.fingerprint256);
  });

  it('never replaces a root whose key is missing: it may be trusted already', async () => {
    await writeCa(home.paths, root.pem);
    await rm(home.paths.caKey);
    const error = await caError(ensureCa(home.paths, SUFFIXES));
    expect(isPorticoError(error, 'E_CA_CORRUPT')).toBe(true);
    expect(error.message).toContain(home.paths.caKey);
    expect(await readFile(home.paths.caCert, 'utf8')).toBe(root.pem.certPem);
  });
});
