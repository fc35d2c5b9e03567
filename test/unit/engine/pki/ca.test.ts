import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caFromPem, generateRoot, ROOT_LIFETIME_DAYS, uncoveredSuffixes } from '../../../../main/engine/pki/ca';
import { loadForge } from '../../../../main/engine/pki/forge';
import { signLeafUnchecked } from '../../../../main/engine/pki/issue';
import { signCertificate, utf8Field } from '../../../../main/engine/pki/sign';
import { isPorticoError } from '../../../../main/engine/errors';
import { DAY_MS, makeTempHome, opensslText, opensslVerify, serialDerBytes, type TempHome, type TestCa } from './fixture';

const NOW = new Date('2026-03-01T12:00:00.500Z');
let root: TestCa;
let home: TempHome;

beforeAll(async () => {
  home = await makeTempHome();
  const pem = await generateRoot({ suffixes: ['localhost', '.localhost', '.test', '.internal'], now: NOW, label: 'alice@laptop' });
  root = { pem, ca: caFromPem(pem, { caCert: 'root.pem', caKey: 'root-key.pem' }) };
});
afterAll(() => home.cleanup());

/** A CA certificate OpenSSL parses but the DER reader refuses: basicConstraints twice (RFC 5280 §4.2). */
async function rootWithRepeatedExtension(test: TestCa): Promise<string> {
  const forge = await loadForge();
  const layout = forge.pki.createCertificate();
  layout.serialNumber = '01';
  layout.validity.notBefore = new Date('2026-01-01T00:00:00Z');
  layout.validity.notAfter = new Date('2036-01-01T00:00:00Z');
  layout.setSubject([utf8Field('commonName', 'twice')]);
  layout.setIssuer([utf8Field('commonName', 'twice')]);
  layout.setExtensions([
    { name: 'basicConstraints', critical: true, cA: true },
    { name: 'basicConstraints', critical: true, cA: true },
  ]);
  return (await signCertificate({ layout, subjectPublicKey: test.ca.x509.publicKey }, test.ca.privateKey)).pem;
}

describe('generateRoot', () => {
  it('is a self-signed RSA-3072 CA named after the user, host and its serial', () => {
    const x509 = new X509Certificate(root.pem.certPem);
    expect(x509.ca).toBe(true);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkIssued(x509)).toBe(true);
    const serialPrefix = x509.serialNumber.slice(0, 8).toLowerCase();
    expect(x509.subject).toBe(`CN=Portico Development CA alice@laptop ${serialPrefix}\nO=Portico`);
    expect(x509.issuer).toBe(x509.subject);
  });

  it('lasts ten years from a minute before now, in whole seconds', () => {
    const { info } = root.ca;
    expect(info.notBefore).toBe('2026-03-01T11:59:00.000Z');
    expect(Date.parse(info.notAfter) - Date.parse('2026-03-01T12:00:00Z')).toBe(ROOT_LIFETIME_DAYS * DAY_MS);
  });

  it('has a positive 128-bit serial whose first DER byte is below 0x80', () => {
    const serial = serialDerBytes(root.pem.certPem);
    expect(serial.length).toBe(16);
    expect(serial[0]).toBeGreaterThan(0);
    expect(serial[0]).toBeLessThan(0x80);
  });

  it('carries critical pathlen:0, critical keyCertSign+cRLSign, an SKI and critical name constraints (openssl)', async () => {
    const text = await opensslText(home.dir, root.pem.certPem);
    expect(text).toContain('Public-Key: (3072 bit)');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    expect(text).toMatch(/X509v3 Subject Key Identifier: \s*\n\s+[0-9A-F:]{59}\n/);
    expect(text).toMatch(
      /X509v3 Name Constraints: critical\s+Permitted:\s+DNS:localhost\s+DNS:test\s+DNS:internal\s+IP:127\.0\.0\.0\/255\.0\.0\.0\s+IP:0:0:0:0:0:0:0:1\/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF\n/,
    );
    expect(text).not.toContain('Excluded');
  });

  it('makes a different subject and serial every time (Firefox SEC_ERROR_REUSED_ISSUER_AND_SERIAL)', async () => {
    const again = await generateRoot({ suffixes: ['.localhost'], now: NOW, label: 'alice@laptop' });
    const first = new X509Certificate(root.pem.certPem);
    const second = new X509Certificate(again.certPem);
    expect(second.subject).not.toBe(first.subject);
    expect(second.serialNumber).not.toBe(first.serialNumber);
    expect(second.publicKey.export({ type: 'spki', format: 'der' })).not.toEqual(first.publicKey.export({ type: 'spki', format: 'der' }));
  });

  it('keeps the common name within 64 characters and printable ASCII', async () => {
    const long = await generateRoot({ suffixes: ['.localhost'], label: `Zoë-${'x'.repeat(80)}@host`, keyBits: 2048 });
    const cn = /CN=([^\n]*)/.exec(new X509Certificate(long.certPem).subject)?.[1] ?? '';
    expect(cn.length).toBeLessThanOrEqual(64);
    expect(cn).toMatch(/^Portico Development CA Zo_-x+ [0-9a-f]{8}$/);
  });

  it('refuses an empty or invalid suffix list before generating anything', async () => {
    await expect(generateRoot({ suffixes: [] })).rejects.toMatchObject({ code: 'E_INVALID_INPUT' });
    await expect(generateRoot({ suffixes: ['.bad suffix'] })).rejects.toMatchObject({ code: 'E_INVALID_DOMAIN' });
  });
});

describe('caFromPem', () => {
  it('exposes the root, its key id, permitted names and suffixes', () => {
    const { ca } = root;
    expect(ca.subjectKeyId).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(ca.permitted).toEqual({ dns: ['localhost', 'test', 'internal'], ip: ['127.0.0.0/8', '::1/128'] });
    expect(ca.suffixes).toEqual(['localhost', '.localhost', 'test', '.test', 'internal', '.internal']);
    expect(ca.info.isCa).toBe(true);
    expect(ca.privateKey.type).toBe('private');
  });

  it('never shows the key when inspected or serialized', () => {
    const shown = `${JSON.stringify(root.ca)} ${inspect(root.ca, { depth: 5 })}`;
    const keyBody = root.pem.keyPem.split('\n')[1] ?? 'unreachable';
    expect(shown).not.toContain(keyBody);
    expect(shown).not.toContain('PRIVATE KEY');
  });

  it.each([
    { name: 'a leaf instead of a CA', make: async (test: TestCa) => ({ certPem: (await signLeafUnchecked(test.ca, { domains: ['web.localhost'] })).certPem, keyPem: test.pem.keyPem }), file: 'root.pem', text: /not a Portico root/ },
    { name: 'an RSA leaf instead of a CA', make: async (test: TestCa) => ({ certPem: (await signLeafUnchecked(test.ca, { domains: ['web.localhost'], keyType: 'rsa' })).certPem, keyPem: test.pem.keyPem }), file: 'root.pem', text: /not a Portico root/ },
    { name: 'a certificate that is not PEM', make: async (test: TestCa) => ({ certPem: 'hello', keyPem: test.pem.keyPem }), file: 'root.pem', text: /not a readable PEM certificate/ },
    { name: 'a certificate the DER reader refuses', make: async (test: TestCa) => ({ certPem: await rootWithRepeatedExtension(test), keyPem: test.pem.keyPem }), file: 'root.pem', text: /is damaged \(malformed certificate: extension 2\.5\.29\.19 appears twice\)/ },
    { name: 'a truncated key', make: async (test: TestCa) => ({ certPem: test.pem.certPem, keyPem: test.pem.keyPem.slice(0, 400) }), file: 'root-key.pem', text: /not a readable private key/ },
    { name: 'the key of another root', make: async (test: TestCa) => ({ certPem: test.pem.certPem, keyPem: (await generateRoot({ suffixes: ['.test'], keyBits: 2048 })).keyPem }), file: 'root-key.pem', text: /does not belong to the CA certificate/ },
  ])('refuses $name with E_CA_CORRUPT naming the file', async ({ make, file, text }) => {
    const files = await make(root);
    let error: unknown;
    try {
      caFromPem(files, { caCert: '/data/ca/root.pem', caKey: '/data/ca/root-key.pem' });
    } catch (caught) {
      error = caught;
    }
    expect(isPorticoError(error, 'E_CA_CORRUPT')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(`/data/ca/${file}`);
    expect(message).toMatch(text);
    expect(message).toContain('portico ca rotate');
    expect(message).not.toContain(root.pem.keyPem.split('\n')[1]);
  });
});

describe('uncoveredSuffixes', () => {
  it.each([
    { name: 'all covered', wanted: ['localhost', '.localhost', '.test'], missing: [] },
    { name: 'a deeper suffix is covered by its parent', wanted: ['.dev.test'], missing: [] },
    { name: 'a new suffix is not', wanted: ['.test', '.example'], missing: ['.example'] },
    { name: 'a look-alike is not', wanted: ['.mytest'], missing: ['.mytest'] },
  ])('$name', ({ wanted, missing }) => {
    expect(uncoveredSuffixes(root.ca, wanted)).toEqual(missing);
  });
});

describe('the root verifies itself with openssl', () => {
  it('is accepted as a trust anchor', async () => {
    const result = await opensslVerify(home.dir, root.pem.certPem, root.pem.certPem, ['-attime', String(Math.floor(NOW.getTime() / 1000) + 3600)]);
    expect(result.stdout).toContain('OK');
    expect(result.code).toBe(0);
  });
});
