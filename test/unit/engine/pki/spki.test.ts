import { createHash, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '../../../../main/engine/pki/cert-info';
import { generateEcKeyPair, generateRsaKeyPair, privateKeyToPem, type KeyPair } from '../../../../main/engine/pki/keys';
import { subjectKeyIdentifier, subjectKeyIdentifierExtension, subjectPublicKeyInfo } from '../../../../main/engine/pki/spki';
import { makeTempHome, openssl, type TempHome } from './fixture';

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest();

/** The subjectPublicKey bits computed without any ASN.1 parsing: the EC point from the JWK, or PKCS#1 RSAPublicKey. */
function publicKeyBits(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType === 'rsa') return publicKey.export({ type: 'pkcs1', format: 'der' });
  const jwk = publicKey.export({ format: 'jwk' });
  // Uncompressed point, SEC 1 §2.3.3: 0x04 || X || Y, as OpenSSL encodes it in an SPKI.
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
}

let home: TempHome;
let keys: Record<string, KeyPair>;

beforeAll(async () => {
  home = await makeTempHome();
  const [p256, p384, rsa] = await Promise.all([generateEcKeyPair('P-256'), generateEcKeyPair('P-384'), generateRsaKeyPair(2048)]);
  keys = { p256, p384, rsa };
});
afterAll(() => home.cleanup());

const cases = [
  { name: 'an ECDSA P-256 key', key: 'p256' },
  { name: 'an ECDSA P-384 key', key: 'p384' },
  { name: 'an RSA-2048 key', key: 'rsa' },
];

describe('subjectPublicKeyInfo', () => {
  it.each(cases)('re-encodes $name exactly as Node exported it', async ({ key }) => {
    const { publicKey } = keys[key] as KeyPair;
    const der = Buffer.from(forge.asn1.toDer(await subjectPublicKeyInfo(publicKey)).getBytes(), 'binary');
    expect(der).toEqual(publicKey.export({ type: 'spki', format: 'der' }));
  });

  it('refuses a private key', async () => {
    await expect(subjectPublicKeyInfo((keys.p256 as KeyPair).privateKey)).rejects.toThrow('public key');
    expect(() => subjectKeyIdentifier((keys.p256 as KeyPair).privateKey)).toThrow('public key');
  });
});

describe('subjectKeyIdentifier (RFC 5280 §4.2.1.2 method 1)', () => {
  it.each(cases)('is the SHA-1 of the key bits of $name', ({ key }) => {
    const { publicKey } = keys[key] as KeyPair;
    expect(subjectKeyIdentifier(publicKey)).toEqual(sha1(publicKeyBits(publicKey)));
  });

  it.each(cases)('matches what openssl puts in a certificate it makes for $name', async ({ key }) => {
    const pair = keys[key] as KeyPair;
    const keyFile = join(home.dir, `${key}.pem`);
    const certFile = join(home.dir, `${key}-cert.pem`);
    await writeFile(keyFile, privateKeyToPem(pair.privateKey), { mode: 0o600 });
    const made = await openssl(['req', '-x509', '-new', '-key', keyFile, '-subj', '/CN=ski', '-days', '1', '-addext', 'subjectKeyIdentifier=hash', '-out', certFile]);
    expect(made.code).toBe(0);
    const fromOpenssl = describeCertificate(await readFile(certFile, 'utf8')).subjectKeyId;
    expect(fromOpenssl?.replace(/:/g, '').toLowerCase()).toBe(subjectKeyIdentifier(pair.publicKey).toString('hex'));
  });

  it('is wrapped as an OCTET STRING extension forge leaves alone', async () => {
    const { publicKey } = keys.p256 as KeyPair;
    const extension = await subjectKeyIdentifierExtension(publicKey);
    expect(extension.name).toBe('subjectKeyIdentifier');
    expect(extension.value.type).toBe(forge.asn1.Type.OCTETSTRING);
    expect(Buffer.from(extension.value.value as string, 'binary')).toEqual(subjectKeyIdentifier(publicKey));
  });
});
