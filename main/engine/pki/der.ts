/**
 * Reading the few parts of a DER certificate that Node's `X509Certificate` does not expose
 * (extension bytes, the exact subject Name), with forge's ASN.1 parser. Structure per
 * RFC 5280 §4.1:
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 *   TBSCertificate ::= SEQUENCE { [0] version, serialNumber, signature, issuer, validity,
 *                                 subject, subjectPublicKeyInfo, [1] …, [2] …, [3] extensions }
 */
import forge from 'node-forge';

const { asn1 } = forge;

/** One extension as stored: its criticality and the DER inside its OCTET STRING (a binary string). */
export interface RawExtension {
  critical: boolean;
  value: string;
}

/** The index of `subject` inside a v3 TBSCertificate (after version, serial, signature, issuer, validity). */
const SUBJECT_INDEX = 5;

function children(node: forge.asn1.Asn1 | undefined, what: string): forge.asn1.Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new Error(`malformed certificate: ${what} is not a constructed value`);
  return node.value;
}

function toBinary(der: Uint8Array): string {
  return Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('binary');
}

function tbsOf(der: Uint8Array): forge.asn1.Asn1[] {
  const certificate = asn1.fromDer(toBinary(der));
  return children(children(certificate, 'Certificate')[0], 'TBSCertificate');
}

/** The extensions of a certificate by OID. Throws on a malformed certificate. */
export function readExtensions(der: Uint8Array): Map<string, RawExtension> {
  const found = new Map<string, RawExtension>();
  const wrapper = tbsOf(der).find((node) => node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 3);
  if (!wrapper) return found;
  for (const extension of children(children(wrapper, 'extensions')[0], 'Extensions')) {
    const parts = children(extension, 'Extension');
    const [oidNode, second, third] = parts;
    const valueNode = third ?? second;
    if (!oidNode || typeof oidNode.value !== 'string' || !valueNode || typeof valueNode.value !== 'string') {
      throw new Error('malformed certificate: an extension lacks its OID or value');
    }
    const critical = third !== undefined && second?.type === asn1.Type.BOOLEAN && second.value === '\xff';
    found.set(asn1.derToOid(oidNode.value), { critical, value: valueNode.value });
  }
  return found;
}

/**
 * The subject Name of a certificate, exactly as encoded. A leaf's issuer must match its CA's
 * subject (RFC 5280 §4.1.2.4); copying the bytes avoids forge re-encoding string types.
 */
export function subjectName(der: Uint8Array): forge.asn1.Asn1 {
  const subject = tbsOf(der)[SUBJECT_INDEX];
  if (!subject || subject.type !== asn1.Type.SEQUENCE) throw new Error('malformed certificate: no subject');
  return subject;
}

/** The key identifier inside a subjectKeyIdentifier extension value (OCTET STRING), as lower-case hex. */
export function decodeSubjectKeyId(value: string): string {
  const node = asn1.fromDer(value);
  if (node.type !== asn1.Type.OCTETSTRING || typeof node.value !== 'string') throw new Error('malformed subjectKeyIdentifier');
  return forge.util.bytesToHex(node.value);
}

/** The keyIdentifier `[0]` inside an authorityKeyIdentifier extension value, as lower-case hex. */
export function decodeAuthorityKeyId(value: string): string | undefined {
  const node = asn1.fromDer(value);
  const keyId = children(node, 'authorityKeyIdentifier').find((part) => part.tagClass === asn1.Class.CONTEXT_SPECIFIC && part.type === 0);
  return keyId && typeof keyId.value === 'string' ? forge.util.bytesToHex(keyId.value) : undefined;
}
