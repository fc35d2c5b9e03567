/**
 * A certificate's subject key as Node encodes it. forge can only encode RSA keys
 * (`publicKeyToAsn1`, platform-facts.md "Certificates"), so the SubjectPublicKeyInfo comes from
 * OpenSSL (`KeyObject.export({type: 'spki'})`, RFC 5280 §4.1.2.7) for RSA and EC keys alike,
 * and the key identifier is computed from it here rather than by forge.
 */
import { createHash, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;

// forge's fromDer takes an options object at run time; @types/node-forge declares only the `strict` flag.
const fromDer = asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => forge.asn1.Asn1;

/**
 * The SubjectPublicKeyInfo of `publicKey` as an ASN.1 node, for a TBSCertificate. BIT STRINGs
 * are kept as bytes (`decodeBitStrings: false`), so the key re-encodes exactly as OpenSSL wrote it.
 */
export function subjectPublicKeyInfo(publicKey: KeyObject): forge.asn1.Asn1 {
  if (publicKey.type !== 'public') throw new Error('a SubjectPublicKeyInfo is made from a public key');
  return fromDer(publicKey.export({ type: 'spki', format: 'der' }).toString('binary'), { decodeBitStrings: false });
}

/** The subjectPublicKey BIT STRING's bytes, without the leading unused-bits octet. */
function subjectPublicKeyBits(spki: forge.asn1.Asn1): Buffer {
  const bits = Array.isArray(spki.value) ? spki.value[1] : undefined;
  if (!bits || bits.type !== asn1.Type.BITSTRING || typeof bits.value !== 'string') throw new Error('malformed SubjectPublicKeyInfo: no subjectPublicKey');
  return Buffer.from(bits.value, 'binary').subarray(1);
}

/**
 * The subjectKeyIdentifier of `publicKey`: RFC 5280 §4.2.1.2 method (1), the SHA-1 of the
 * subjectPublicKey BIT STRING's value (tag, length and unused-bits octet excluded). For an RSA
 * key this is the SHA-1 of the RSAPublicKey, what forge and OpenSSL compute; for an EC key, of
 * the uncompressed point. SHA-1 here is an identifier, not a signature (TLS-9 concerns signatures).
 */
export function subjectKeyIdentifier(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(subjectPublicKeyInfo(publicKey))).digest();
}

/** The subjectKeyIdentifier extension for `publicKey`, value filled in so forge does not compute it from an RSA key. */
export function subjectKeyIdentifierExtension(publicKey: KeyObject): { name: 'subjectKeyIdentifier'; value: forge.asn1.Asn1 } {
  return {
    name: 'subjectKeyIdentifier',
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, subjectKeyIdentifier(publicKey).toString('binary')),
  };
}
