import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateEcKeyPair, generateRsaKeyPair, type KeyPair } from '../../../../main/engine/pki/keys';
import { signCertificate, utf8Field } from '../../../../main/engine/pki/sign';

let issuer: KeyPair;
let subject: KeyPair;

beforeAll(async () => {
  [issuer, subject] = await Promise.all([generateRsaKeyPair(2048), generateEcKeyPair()]);
});

function layout(notBefore: Date, notAfter: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.serialNumber = '01';
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([utf8Field('commonName', 'subject')]);
  cert.setIssuer([utf8Field('commonName', 'issuer')]);
  return cert;
}

/** The ASN.1 types of notBefore and notAfter, straight from the DER (TBSCertificate field 4). */
function validityTypes(der: Buffer): number[] {
  const certificate = forge.asn1.fromDer(der.toString('binary'));
  const tbs = (certificate.value as forge.asn1.Asn1[])[0];
  const validity = (tbs?.value as forge.asn1.Asn1[])[4];
  return (validity?.value as forge.asn1.Asn1[]).map((time) => time.type);
}

describe('signCertificate', () => {
  it('certifies an EC key with the issuer’s RSA signature (sha256WithRSAEncryption)', async () => {
    const signed = await signCertificate({ layout: layout(new Date('2026-01-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z')), subjectPublicKey: subject.publicKey }, issuer.privateKey);
    expect(signed.x509.publicKey.export({ type: 'spki', format: 'der' })).toEqual(subject.publicKey.export({ type: 'spki', format: 'der' }));
    expect(signed.x509.verify(issuer.publicKey)).toBe(true);
    expect(signed.x509.subject).toBe('CN=subject');
    expect(signed.x509.issuer).toBe('CN=issuer');
    expect(new X509Certificate(signed.pem).raw).toEqual(signed.der);
  });

  it.each([
    { name: 'up to 2049: UTCTime', notAfter: '2049-12-31T23:59:59Z', types: [forge.asn1.Type.UTCTIME, forge.asn1.Type.UTCTIME] },
    { name: 'from 2050: GeneralizedTime', notAfter: '2050-01-01T00:00:00Z', types: [forge.asn1.Type.UTCTIME, forge.asn1.Type.GENERALIZEDTIME] },
  ])('encodes validity per RFC 5280 §4.1.2.5, $name', async ({ notAfter, types }) => {
    const signed = await signCertificate({ layout: layout(new Date('2026-01-01T00:00:00Z'), new Date(notAfter)), subjectPublicKey: subject.publicKey }, issuer.privateKey);
    expect(validityTypes(signed.der)).toEqual(types);
    expect(new Date(signed.x509.validTo).toISOString()).toBe(new Date(notAfter).toISOString());
  });

  it.each([
    { name: 'an EC private key', signer: () => subject.privateKey },
    { name: 'a public key', signer: () => issuer.publicKey },
  ])('refuses to sign with $name', async ({ signer }) => {
    const content = { layout: layout(new Date('2026-01-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z')), subjectPublicKey: subject.publicKey };
    await expect(signCertificate(content, signer())).rejects.toThrow('RSA private key');
  });
});
