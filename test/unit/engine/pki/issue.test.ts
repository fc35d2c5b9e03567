import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLeaf, MAX_LEAF_LIFETIME_DAYS, signLeafUnchecked, type IssuedLeaf } from '../../../../main/engine/pki/issue';
import { generateLeafKeyPair, KeyPool, type KeyPair, type LeafKeyType } from '../../../../main/engine/pki/keys';
import { PorticoError } from '../../../../main/engine/errors';
import { subjectName } from '../../../../main/engine/pki/der';
import { childrenOf, parseDer } from '../../../../main/engine/pki/der-reader';
import { DAY_MS, makeTempHome, makeTestCa, opensslText, opensslVerify, serialDerBytes, type TempHome, type TestCa } from './fixture';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/**
 * The SKI computed without the product's ASN.1 code: SHA-1 of the EC point 0x04 || X || Y
 * (SEC 1 §2.3.3) taken from the key's JWK, or of the PKCS#1 RSAPublicKey.
 */
function expectedSki(certPem: string): string {
  const key = new X509Certificate(certPem).publicKey;
  let bits: Buffer;
  if (key.asymmetricKeyType === 'rsa') bits = key.export({ type: 'pkcs1', format: 'der' });
  else {
    const jwk = key.export({ format: 'jwk' });
    bits = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  }
  return (createHash('sha1').update(bits).digest('hex').toUpperCase().match(/../g) ?? []).join(':');
}
/** The real clock (openssl verifies at it), in whole seconds like X.509 times. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);

let root: TestCa;
let home: TempHome;
let pool: KeyPool;
let leaf: IssuedLeaf;

beforeAll(async () => {
  home = await makeTempHome();
  root = await makeTestCa();
  pool = new KeyPool({ size: 3 });
  pool.start();
  leaf = await issueLeaf(root.ca, { domains: ['web.localhost', '*.web.localhost'], ipAddresses: ['127.0.0.1', '::1'], now: NOW, keyPool: pool });
});
afterAll(async () => {
  await pool.close();
  await home.cleanup();
});

async function refusal(action: Promise<unknown>): Promise<PorticoError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof PorticoError) return error;
    throw error;
  }
  throw new Error('expected a PorticoError');
}

describe('issueLeaf: the leaf profile (CA-3)', () => {
  it('names every domain and loopback IP in the SAN, the first domain as CN', () => {
    const x509 = new X509Certificate(leaf.certPem);
    expect(leaf.info.sans).toEqual(['web.localhost', '*.web.localhost', '127.0.0.1', '::1']);
    expect(x509.subjectAltName).toBe('DNS:web.localhost, DNS:*.web.localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x509.subject).toBe('CN=web.localhost\nO=Portico');
    expect(x509.issuer).toBe(root.ca.x509.subject);
  });

  it('copies the root’s subject Name bytes as its issuer (RFC 5280 §4.1.2.4)', () => {
    const der = new X509Certificate(leaf.certPem).raw;
    expect(root.ca.subjectName).toEqual(subjectName(root.ca.x509.raw));
    // TBSCertificate: [0] version, serial, signature, then the issuer Name.
    const [, , , issuer] = childrenOf(childrenOf(parseDer(der), 'Certificate')[0]!, 'TBSCertificate');
    expect(issuer?.der).toEqual(root.ca.subjectName);
  });

  it('is an ECDSA P-256 end-entity certificate for serverAuth, signed by the RSA root with SHA-256', () => {
    const x509 = new X509Certificate(leaf.certPem);
    expect(x509.ca).toBe(false);
    expect(x509.publicKey.asymmetricKeyType).toBe('ec');
    expect(x509.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(leaf.info).toMatchObject({ keyType: 'EC', keyBits: 256, keyCurve: 'P-256', isCa: false });
    expect(x509.keyUsage).toEqual([SERVER_AUTH]);
    expect(x509.checkIssued(root.ca.x509)).toBe(true);
    expect(x509.verify(root.ca.x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
  });

  it('points its AKI at the root’s SKI and has its own SKI: SHA-1 of its EC key bits', () => {
    expect(leaf.info.authorityKeyId).toBe(root.ca.subjectKeyId);
    expect(leaf.info.subjectKeyId).toBe(expectedSki(leaf.certPem));
    expect(leaf.info.subjectKeyId).not.toBe(root.ca.subjectKeyId);
  });

  it('keeps its key as PKCS#8 PEM', () => {
    expect(leaf.keyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(createPrivateKey(leaf.keyPem).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  });

  it('has a positive serial whose first DER byte is below 0x80', () => {
    const serial = serialDerBytes(leaf.certPem);
    expect(serial.length).toBe(16);
    expect(serial[0]).toBeGreaterThan(0);
    expect(serial[0]).toBeLessThan(0x80);
  });

  it('is valid from a minute before now for 90 days (the default)', () => {
    expect(leaf.info.notBefore).toBe(new Date(NOW.getTime() - 60_000).toISOString());
    expect(leaf.info.notAfter).toBe(new Date(NOW.getTime() + 90 * DAY_MS).toISOString());
  });

  it('shows every extension as expected in openssl', async () => {
    const text = await opensslText(home.dir, leaf.certPem);
    expect(text).toContain('Public Key Algorithm: id-ecPublicKey');
    expect(text).toContain('Public-Key: (256 bit)');
    expect(text).toContain('ASN1 OID: prime256v1');
    expect(text).toContain('NIST CURVE: P-256');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).not.toMatch(/sha1|ecdsa-with/i);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE\n/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage: \s*\n\s+TLS Web Server Authentication\n/);
    expect(text).toContain(`X509v3 Subject Key Identifier: \n                ${expectedSki(leaf.certPem)}\n`);
    expect(text).toContain(`X509v3 Authority Key Identifier: \n                ${root.ca.subjectKeyId}`);
    expect(text).not.toContain('Name Constraints');
  });

  it.each([
    { name: 'a long lifetime is capped at 397 days, skew included', lifetimeDays: 1000, span: MAX_LEAF_LIFETIME_DAYS * DAY_MS },
    { name: 'exactly 397 days stays within 397 days', lifetimeDays: 397, span: MAX_LEAF_LIFETIME_DAYS * DAY_MS },
    { name: 'a short lifetime is kept', lifetimeDays: 7, span: 7 * DAY_MS + 60_000 },
  ])('$name', async ({ lifetimeDays, span }) => {
    const issued = await issueLeaf(root.ca, { domains: ['web.localhost'], lifetimeDays, now: NOW, keyPool: pool });
    expect(Date.parse(issued.info.notAfter) - Date.parse(issued.info.notBefore)).toBe(span);
  });
});

describe('issueLeaf: the RSA-2048 option', () => {
  it('issues an RSA-2048 leaf with keyEncipherment when asked, from an ECDSA pool too', async () => {
    const rsa = await issueLeaf(root.ca, { domains: ['web.localhost'], keyType: 'rsa', keyPool: pool });
    expect(rsa.info).toMatchObject({ keyType: 'RSA', keyBits: 2048, isCa: false, authorityKeyId: root.ca.subjectKeyId });
    expect(rsa.info.keyCurve).toBeUndefined();
    expect(rsa.info.subjectKeyId).toBe(expectedSki(rsa.certPem));
    expect(new X509Certificate(rsa.certPem).checkPrivateKey(createPrivateKey(rsa.keyPem))).toBe(true);
    const text = await opensslText(home.dir, rsa.certPem);
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    const verified = await opensslVerify(home.dir, root.pem.certPem, rsa.certPem, ['-purpose', 'sslserver', '-verify_hostname', 'web.localhost']);
    expect(verified.code).toBe(0);
  });

  it('takes its keys from an RSA pool without being asked', async () => {
    const rsaPool = new KeyPool({ size: 1, keyType: 'rsa' });
    try {
      const issued = await issueLeaf(root.ca, { domains: ['web.localhost'], keyPool: rsaPool });
      expect(issued.info).toMatchObject({ keyType: 'RSA', keyBits: 2048 });
    } finally {
      await rsaPool.close();
    }
  });

  it.each([
    { name: 'an ECDSA pool is not used for an RSA leaf', poolType: 'ecdsa' as const, keyType: 'rsa' as const, fromPool: 0, info: { keyType: 'RSA', keyBits: 2048 } },
    { name: 'an RSA pool is not used for an ECDSA leaf', poolType: 'rsa' as const, keyType: 'ecdsa' as const, fromPool: 0, info: { keyType: 'EC', keyBits: 256 } },
    { name: 'a pool of the asked type is used', poolType: 'ecdsa' as const, keyType: 'ecdsa' as const, fromPool: 1, info: { keyType: 'EC', keyBits: 256 } },
  ])('$name', async ({ poolType, keyType, fromPool, info }) => {
    const asked: LeafKeyType[] = [];
    const watched = new KeyPool({ keyType: poolType, generate: (type): Promise<KeyPair> => (asked.push(type), generateLeafKeyPair(type)) });
    const issued = await issueLeaf(root.ca, { domains: ['web.localhost'], keyType, keyPool: watched });
    expect(issued.info).toMatchObject(info);
    expect(asked).toHaveLength(fromPool);
  });
});

describe('issueLeaf verifies with openssl against the root', () => {
  it.each([
    { name: 'web.localhost', domains: ['web.localhost'], host: 'web.localhost' },
    { name: 'api.test', domains: ['api.test'], host: 'api.test' },
    { name: '*.web.localhost', domains: ['*.web.localhost'], host: 'app.web.localhost' },
    { name: 'a user suffix under .internal', domains: ['db.dev.internal'], host: 'db.dev.internal' },
  ])('$name', async ({ domains, host }) => {
    const issued = await issueLeaf(root.ca, { domains, keyPool: pool });
    const result = await opensslVerify(home.dir, root.pem.certPem, issued.certPem, ['-purpose', 'sslserver', '-verify_hostname', host]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('a loopback IP SAN verifies by IP', async () => {
    const result = await opensslVerify(home.dir, root.pem.certPem, leaf.certPem, ['-verify_ip', '127.0.0.1']);
    expect(result.code).toBe(0);
  });

  it('a name outside the SANs fails the hostname check', async () => {
    const result = await opensslVerify(home.dir, root.pem.certPem, leaf.certPem, ['-verify_hostname', 'other.localhost']);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('hostname mismatch');
  });
});

describe('the root’s name constraints bind even a leaf it signs (CA-5, test-only signer)', () => {
  it.each([
    { name: 'evil.com', request: { domains: ['evil.com'] } },
    { name: 'a public name hidden among good ones', request: { domains: ['web.localhost', 'www.example.com'] } },
    { name: 'a private IP SAN 10.0.0.1', request: { domains: ['web.localhost'], ipAddresses: ['10.0.0.1'] } },
    { name: 'an RSA leaf for evil.com', request: { domains: ['evil.com'], keyType: 'rsa' as const } },
  ])('openssl rejects $name (permitted subtree violation)', async ({ request }) => {
    const rogue = await signLeafUnchecked(root.ca, { ...request, keyPool: pool });
    expect(rogue.info.keyType).toBe('keyType' in request ? 'RSA' : 'EC');
    const result = await opensslVerify(home.dir, root.pem.certPem, rogue.certPem);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('permitted subtree violation');
  });
});

describe('issueLeaf refuses before signing', () => {
  /** A pool whose generator records every key it is asked for: a refusal must not take one. */
  function watchedPool() {
    const asked: LeafKeyType[] = [];
    const watched = new KeyPool({ generate: (keyType): Promise<KeyPair> => (asked.push(keyType), generateLeafKeyPair(keyType)) });
    return { asked, watched };
  }

  it.each([
    { name: 'evil.com', request: { domains: ['evil.com'] }, code: 'E_DOMAIN_NOT_PERMITTED', text: '`portico ca rotate --suffix evil.com`' },
    { name: 'a name under an unknown suffix', request: { domains: ['web.localhost', 'app.example.org'] }, code: 'E_DOMAIN_NOT_PERMITTED', text: '`portico ca rotate --suffix .example.org`' },
    { name: 'a look-alike of a suffix', request: { domains: ['mytest'] }, code: 'E_DOMAIN_NOT_PERMITTED', text: 'portico ca rotate --suffix' },
    { name: 'a private IP', request: { domains: ['web.localhost'], ipAddresses: ['10.0.0.1'] }, code: 'E_DOMAIN_NOT_PERMITTED', text: '127.0.0.0/8, ::1/128' },
    { name: 'a second-level wildcard', request: { domains: ['*.test'] }, code: 'E_INVALID_DOMAIN', text: 'whole suffix' },
    { name: 'a bare suffix', request: { domains: ['localhost'] }, code: 'E_INVALID_DOMAIN', text: 'whole suffix' },
    { name: 'a malformed name', request: { domains: ['we b.localhost'] }, code: 'E_INVALID_DOMAIN', text: 'not a valid domain' },
    { name: 'no domains', request: { domains: [] }, code: 'E_INVALID_INPUT', text: 'at least one domain' },
    { name: 'a zero lifetime', request: { domains: ['web.localhost'], lifetimeDays: 0 }, code: 'E_INVALID_INPUT', text: 'from 1 to 397' },
    { name: 'a fractional lifetime', request: { domains: ['web.localhost'], lifetimeDays: 1.5 }, code: 'E_INVALID_INPUT', text: 'from 1 to 397' },
  ])('$name → $code', async ({ request, code, text }) => {
    const { asked, watched } = watchedPool();
    const error = await refusal(issueLeaf(root.ca, { ...request, keyPool: watched }));
    expect(error.code).toBe(code);
    expect(error.message).toContain(text);
    expect(asked).toEqual([]);
  });

  it('normalizes case and drops duplicates', async () => {
    const issued = await issueLeaf(root.ca, { domains: ['Web.LOCALHOST', 'web.localhost', 'API.test'], keyPool: pool });
    expect(issued.info.sans).toEqual(['web.localhost', 'api.test']);
  });
});
