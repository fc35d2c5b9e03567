/**
 * Signing a certificate forge has laid out. forge signs in JavaScript (~25–70 ms per RSA
 * signature); Node's `crypto.sign` does it natively in about a millisecond (platform-facts.md
 * "Certificates"), so forge only builds the TBSCertificate and assembles the result.
 */
import { sign, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const { asn1, pki } = forge;

/** sha256WithRSAEncryption (RFC 4055 §5): PKCS#1 v1.5 with SHA-256, what every client accepts. */
export const SHA256_WITH_RSA_OID = '1.2.840.113549.1.1.11';

/** TBSCertificate field index of `issuer` (after version, serialNumber, signature; RFC 5280 §4.1). */
const ISSUER_INDEX = 3;

// forge exports getTBSCertificate at run time; @types/node-forge does not declare it.
const getTbsCertificate = (pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate;

export interface SignOptions {
  /**
   * The issuer Name exactly as the CA certificate encodes its subject. forge re-encodes parsed
   * names (and double-encodes UTF-8 ones), so leaves copy the CA's bytes instead.
   */
  issuerName?: forge.asn1.Asn1;
}

export interface SignedCertificate {
  der: Buffer;
  pem: string;
  x509: X509Certificate;
}

/**
 * Sign `cert` (subject, issuer, validity, serial, public key and extensions already set) with
 * `signer`, an RSA private key, and return the finished certificate.
 */
export function signCertificate(cert: forge.pki.Certificate, signer: KeyObject, options: SignOptions = {}): SignedCertificate {
  if (signer.type !== 'private' || signer.asymmetricKeyType !== 'rsa') {
    throw new Error('certificates are signed with an RSA private key');
  }
  cert.signatureOid = SHA256_WITH_RSA_OID;
  cert.siginfo.algorithmOid = SHA256_WITH_RSA_OID;
  cert.siginfo.parameters = undefined;
  cert.signatureParameters = undefined;

  const tbs = getTbsCertificate(cert);
  if (options.issuerName && Array.isArray(tbs.value)) tbs.value[ISSUER_INDEX] = options.issuerName;
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');

  cert.tbsCertificate = tbs;
  cert.signature = sign('sha256', tbsDer, signer).toString('binary');
  const der = Buffer.from(asn1.toDer(pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const x509 = new X509Certificate(der);
  return { der, pem: x509.toString(), x509 };
}

/**
 * A Name attribute encoded as UTF8String (RFC 5280 §4.1.2.4 "MUST use UTF8String" for new
 * certificates); forge's default, PrintableString, cannot hold `@` or `_`. @types/node-forge
 * types `valueTagClass` as a tag class, but forge reads it as the universal type.
 */
export function utf8Field(name: string, value: string): forge.pki.CertificateField {
  return { name, value, valueTagClass: asn1.Type.UTF8 as unknown as forge.asn1.Class };
}
