/**
 * Assembling and signing a certificate. forge lays out the parts it encodes well (Names,
 * extensions); the subject key comes from Node (spki.ts: forge encodes RSA keys only), and
 * Node's `crypto.sign` signs natively in about a millisecond where forge takes ~25–70 ms per RSA
 * signature in JavaScript (platform-facts.md "Certificates"). forge is loaded here, on the first
 * certificate built, never at start-up (forge.ts).
 *
 *   TBSCertificate ::= SEQUENCE { [0] version, serialNumber, signature, issuer, validity,
 *                                 subject, subjectPublicKeyInfo, [3] extensions }   (RFC 5280 §4.1)
 */
import { sign, X509Certificate, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import { loadForge, type Forge } from './forge';
import { subjectPublicKeyInfo } from './spki';

/** sha256WithRSAEncryption (RFC 4055 §5): PKCS#1 v1.5 with SHA-256, what every client accepts. */
export const SHA256_WITH_RSA_OID = '1.2.840.113549.1.1.11';

/** X.509 v3, encoded as INTEGER 2 (RFC 5280 §4.1.2.1). */
const VERSION_3 = 2;

/** UTF8String's universal tag number (X.680 §8.4, Table 1), forge's `asn1.Type.UTF8`. */
const UTF8_STRING = 12;

export interface CertificateContent {
  /** Serial number, validity, subject, issuer and extensions, laid out with forge (its `publicKey` is not used). */
  layout: forge.pki.Certificate;
  /** The certified key, RSA or EC. */
  subjectPublicKey: KeyObject;
  /**
   * The issuer Name exactly as the CA certificate encodes its subject (DER, der.ts `subjectName`).
   * forge re-encodes names it parses into a Certificate (and double-encodes UTF-8 ones), so
   * leaves copy the CA's bytes. Default: `layout.issuer`.
   */
  issuerName?: Uint8Array;
}

export interface SignedCertificate {
  der: Buffer;
  pem: string;
  x509: X509Certificate;
}

/** The ASN.1 pieces of a certificate, with forge's encoder. */
function builder({ asn1, pki, util }: Forge) {
  // forge exports certificateExtensionsToAsn1 at run time; @types/node-forge does not declare it.
  const extensionsToAsn1 = (pki as unknown as { certificateExtensionsToAsn1(extensions: unknown[]): forge.asn1.Asn1 }).certificateExtensionsToAsn1;
  const node = (type: number, constructed: boolean, value: string | forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, type, constructed, value);

  /** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
  const time = (date: Date): forge.asn1.Asn1 =>
    date.getUTCFullYear() < 2050 ? node(asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date)) : node(asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));

  /** sha256WithRSAEncryption with its NULL parameters (RFC 4055 §5: "MUST be present"). */
  const sha256WithRsa = (): forge.asn1.Asn1 =>
    node(asn1.Type.SEQUENCE, true, [node(asn1.Type.OID, false, asn1.oidToDer(SHA256_WITH_RSA_OID).getBytes()), node(asn1.Type.NULL, false, '')]);

  const issuer = (content: CertificateContent): forge.asn1.Asn1 =>
    content.issuerName ? asn1.fromDer(Buffer.from(content.issuerName).toString('binary')) : pki.distinguishedNameToAsn1(content.layout.issuer);

  const tbsCertificate = (content: CertificateContent, spki: forge.asn1.Asn1): forge.asn1.Asn1 => {
    const { layout } = content;
    const fields = [
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [node(asn1.Type.INTEGER, false, asn1.integerToDer(VERSION_3).getBytes())]),
      node(asn1.Type.INTEGER, false, util.hexToBytes(layout.serialNumber)),
      sha256WithRsa(),
      issuer(content),
      node(asn1.Type.SEQUENCE, true, [time(layout.validity.notBefore), time(layout.validity.notAfter)]),
      pki.distinguishedNameToAsn1(layout.subject),
      spki,
    ];
    if (layout.extensions.length > 0) fields.push(extensionsToAsn1(layout.extensions));
    return node(asn1.Type.SEQUENCE, true, fields);
  };

  return { node, sha256WithRsa, tbsCertificate };
}

/**
 * Sign `content` with `signer`, an RSA private key (the root's: the signature algorithm follows
 * the issuer's key, so even an ECDSA leaf is sha256WithRSAEncryption), and return the finished
 * certificate, parsed back by OpenSSL.
 */
export async function signCertificate(content: CertificateContent, signer: KeyObject): Promise<SignedCertificate> {
  if (signer.type !== 'private' || signer.asymmetricKeyType !== 'rsa') {
    throw new Error('certificates are signed with an RSA private key');
  }
  const forgeLibrary = await loadForge();
  const { asn1 } = forgeLibrary;
  const { node, sha256WithRsa, tbsCertificate } = builder(forgeLibrary);
  const tbs = tbsCertificate(content, await subjectPublicKeyInfo(content.subjectPublicKey));
  const tbsDer = asn1.toDer(tbs).getBytes();
  const signature = sign('sha256', Buffer.from(tbsDer, 'binary'), signer).toString('binary');
  const certificate = node(asn1.Type.SEQUENCE, true, [
    tbs,
    sha256WithRsa(),
    // signatureValue: a BIT STRING with no unused bits (RFC 5280 §4.1.1.3).
    node(asn1.Type.BITSTRING, false, `\x00${signature}`),
  ]);
  const der = Buffer.from(asn1.toDer(certificate).getBytes(), 'binary');
  const x509 = new X509Certificate(der);
  return { der, pem: x509.toString(), x509 };
}

/**
 * A Name attribute encoded as UTF8String (RFC 5280 §4.1.2.4 "MUST use UTF8String" for new
 * certificates); forge's default, PrintableString, cannot hold `@` or `_`. @types/node-forge
 * types `valueTagClass` as a tag class, but forge reads it as the universal type.
 */
export function utf8Field(name: string, value: string): forge.pki.CertificateField {
  return { name, value, valueTagClass: UTF8_STRING as unknown as forge.asn1.Class };
}
