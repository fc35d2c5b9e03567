import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KeyPool } from '../../../../main/engine/pki/keys';
import { issueLeaf } from '../../../../main/engine/pki/issue';
import { ensureProjectCert, loadProjectCert, removeProjectCert, writeProjectCert } from '../../../../main/engine/pki/project-certs';
import { PorticoError } from '../../../../main/engine/errors';
import { DAY_MS, makeTempHome, makeTestCa, type TempHome, type TestCa } from './fixture';

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const exists = (path: string) => access(path).then(() => true, () => false);
const web = { name: 'web', domains: ['web.localhost', '*.web.localhost'] };

let root: TestCa;
let otherRoot: TestCa;
let pool: KeyPool;
let home: TempHome;

beforeAll(async () => {
  [root, otherRoot] = await Promise.all([makeTestCa(), makeTestCa()]);
  pool = new KeyPool({ size: 2 });
  pool.start();
});
afterAll(() => pool.close());
beforeEach(async () => {
  home = await makeTempHome();
});
afterEach(() => home.cleanup());

describe('ensureProjectCert', () => {
  it('issues and writes a certificate when there is none', async () => {
    const result = await ensureProjectCert(home.paths, root.ca, web, { keyPool: pool });
    expect(result).toMatchObject({ renewed: true, reason: 'missing' });
    expect(result.info.sans).toEqual(web.domains);
    expect(await readFile(home.paths.cert('web'), 'utf8')).toBe(result.certPem);
    expect(await readFile(home.paths.key('web'), 'utf8')).toBe(result.keyPem);
  });

  it.skipIf(process.platform === 'win32')('writes the directory 0700, the key 0600 and the certificate 0644', async () => {
    await ensureProjectCert(home.paths, root.ca, web, { keyPool: pool });
    expect(await mode(home.paths.certDir('web'))).toBe(0o700);
    expect(await mode(home.paths.key('web'))).toBe(0o600);
    expect(await mode(home.paths.cert('web'))).toBe(0o644);
  });

  it('reuses a certificate that is still good', async () => {
    const first = await ensureProjectCert(home.paths, root.ca, web, { keyPool: pool });
    const second = await ensureProjectCert(home.paths, root.ca, { name: 'web', domains: ['*.WEB.localhost', 'web.localhost'] }, { keyPool: pool, now: new Date(Date.now() + 30 * DAY_MS) });
    expect(second).toMatchObject({ renewed: false, reason: null });
    expect(second.info.serialNumber).toBe(first.info.serialNumber);
    expect(second.keyPem).toBe(first.keyPem);
  });

  it.each([
    { name: 'a third of its life left', next: () => ({ ca: root, project: web, now: new Date(Date.now() + 61 * DAY_MS) }), reason: 'lifetime' },
    { name: 'expired', next: () => ({ ca: root, project: web, now: new Date(Date.now() + 91 * DAY_MS) }), reason: 'expired' },
    { name: 'the project gained a domain', next: () => ({ ca: root, project: { name: 'web', domains: [...web.domains, 'web.test'] }, now: new Date() }), reason: 'domains' },
    { name: 'the CA was rotated', next: () => ({ ca: otherRoot, project: web, now: new Date() }), reason: 'issuer' },
  ])('renews when $name', async ({ next, reason }) => {
    const first = await ensureProjectCert(home.paths, root.ca, web, { keyPool: pool });
    const { ca, project, now } = next();
    const second = await ensureProjectCert(home.paths, ca.ca, project, { keyPool: pool, now });
    expect(second).toMatchObject({ renewed: true, reason });
    expect(second.info.serialNumber).not.toBe(first.info.serialNumber);
    expect(second.info.authorityKeyId).toBe(ca.ca.subjectKeyId);
    expect(await readFile(home.paths.cert('web'), 'utf8')).toBe(second.certPem);
  });

  it('renews a certificate whose AKI names the CA but whose signature does not verify', async () => {
    // Same key identifier label, different signer: only the signature check catches it.
    const impostor = { ...otherRoot.ca, subjectKeyId: root.ca.subjectKeyId };
    const forged = await issueLeaf(impostor, { domains: web.domains, keyPool: pool });
    expect(forged.info.authorityKeyId).toBe(root.ca.subjectKeyId);
    await writeProjectCert(home.paths, 'web', forged);
    const result = await ensureProjectCert(home.paths, root.ca, web, { keyPool: pool });
    expect(result).toMatchObject({ renewed: true, reason: 'issuer' });
  });

  it('replaces a damaged certificate file', async () => {
    await ensureProjectCert(home.paths, root.ca, web, { keyPool: pool });
    await writeFile(home.paths.cert('web'), '-----BEGIN CERTIFICATE-----\ntruncated');
    const result = await ensureProjectCert(home.paths, root.ca, web, { keyPool: pool });
    expect(result).toMatchObject({ renewed: true, reason: 'missing' });
  });

  it('refuses a domain outside the CA before writing anything', async () => {
    const action = ensureProjectCert(home.paths, root.ca, { name: 'evil', domains: ['evil.com'] }, { keyPool: pool });
    await expect(action).rejects.toMatchObject({ code: 'E_DOMAIN_NOT_PERMITTED' });
    expect(await exists(home.paths.certDir('evil'))).toBe(false);
    expect(await exists(home.paths.certsDir)).toBe(false);
  });
});

describe('an RSA leaf written before leaves became ECDSA (issue #7)', () => {
  /** What the RSA-only versions wrote: an RSA-2048 leaf with keyEncipherment, same paths. */
  async function writeOldRsaLeaf(now = new Date()) {
    const old = await issueLeaf(root.ca, { domains: web.domains, keyType: 'rsa', now, keyPool: pool });
    await writeProjectCert(home.paths, 'web', old);
    return old;
  }

  it('still loads, key and certificate matched', async () => {
    const old = await writeOldRsaLeaf();
    const loaded = await loadProjectCert(home.paths, 'web');
    expect(loaded).toEqual(old);
    expect(loaded?.info).toMatchObject({ keyType: 'RSA', keyBits: 2048 });
  });

  it('is kept, not reissued, while it is still good', async () => {
    const old = await writeOldRsaLeaf();
    const result = await ensureProjectCert(home.paths, root.ca, web, { keyPool: pool, now: new Date(Date.now() + 30 * DAY_MS) });
    expect(result).toMatchObject({ renewed: false, reason: null });
    expect(result.certPem).toBe(old.certPem);
    expect(result.info.keyType).toBe('RSA');
  });

  it('is replaced by an ECDSA P-256 leaf when it is renewed', async () => {
    await writeOldRsaLeaf();
    const result = await ensureProjectCert(home.paths, root.ca, web, { keyPool: pool, now: new Date(Date.now() + 61 * DAY_MS) });
    expect(result).toMatchObject({ renewed: true, reason: 'lifetime' });
    expect(result.info).toMatchObject({ keyType: 'EC', keyBits: 256, keyCurve: 'P-256' });
    expect(await loadProjectCert(home.paths, 'web')).toMatchObject({ certPem: result.certPem, keyPem: result.keyPem });
  });

  it.each([
    { name: 'an EC key next to the RSA certificate', certType: 'rsa' as const, keyType: 'ecdsa' as const },
    { name: 'an RSA key next to the EC certificate', certType: 'ecdsa' as const, keyType: 'rsa' as const },
  ])('is not paired with $name', async ({ certType, keyType }) => {
    const cert = await issueLeaf(root.ca, { domains: ['a.localhost'], keyType: certType, keyPool: pool });
    const key = await issueLeaf(root.ca, { domains: ['b.localhost'], keyType, keyPool: pool });
    await writeProjectCert(home.paths, 'web', { certPem: cert.certPem, keyPem: key.keyPem });
    expect(await loadProjectCert(home.paths, 'web')).toBeNull();
  });
});

describe('loadProjectCert / writeProjectCert / removeProjectCert', () => {
  it('returns null when nothing is there', async () => {
    expect(await loadProjectCert(home.paths, 'web')).toBeNull();
  });

  it('returns null when the key does not belong to the certificate', async () => {
    const a = await issueLeaf(root.ca, { domains: ['a.localhost'], keyPool: pool });
    const b = await issueLeaf(root.ca, { domains: ['b.localhost'], keyPool: pool });
    await writeProjectCert(home.paths, 'web', { certPem: a.certPem, keyPem: b.keyPem });
    expect(await loadProjectCert(home.paths, 'web')).toBeNull();
  });

  it('loads what was written, and removes it', async () => {
    const leaf = await issueLeaf(root.ca, { domains: ['web.localhost'], keyPool: pool });
    await writeProjectCert(home.paths, 'web', leaf);
    expect(await loadProjectCert(home.paths, 'web')).toEqual(leaf);
    await removeProjectCert(home.paths, 'web');
    expect(await exists(home.paths.certDir('web'))).toBe(false);
    await removeProjectCert(home.paths, 'web');
  });

  it.each([
    { name: 'a path escape', project: '../ca' },
    { name: 'a nested path', project: 'a/b' },
    { name: 'upper case', project: 'Web' },
    { name: 'surrounding spaces', project: ' web ' },
  ])('refuses $name as a project name', async ({ project }) => {
    const error = await removeProjectCert(home.paths, project).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PorticoError);
    expect((error as PorticoError).code).toBe('E_INVALID_NAME');
    await expect(loadProjectCert(home.paths, project)).rejects.toMatchObject({ code: 'E_INVALID_NAME' });
  });
});
