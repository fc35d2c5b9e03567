/**
 * A certificate's subject key as Node encodes it. forge can only encode RSA keys
 * (`publicKeyToAsn1`, platform-facts.md "Certificates"), so the SubjectPublicKeyInfo comes from
 * OpenSSL (`KeyObject.export({type: 'spki'})`, RFC 5280 §4.1.2.7) for RSA and EC keys alike,
 * and the key identifier is computed from it here rather than by forge. Only the forge ASN.1
 * nodes for building a certificate need forge, loaded on demand (forge.ts).
 */
import { createHash, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import { subjectPublicKeyBits } from './der';
import { loadForge } from './forge';

function spkiDer(publicKey: KeyObject): Buffer {
  if (publicKey.type !== 'public') throw new Error('a SubjectPublicKeyInfo is made from a public key');
  return publicKey.export({ type: 'spki', format: 'der' });
}

/**
 * The SubjectPublicKeyInfo of `publicKey` as a forge ASN.1 node, for a TBSCertificate. BIT
 * STRINGs are kept as bytes (`decodeBitStrings: false`), so the key re-encodes exactly as
 * OpenSSL wrote it.
 */
export async function subjectPublicKeyInfo(publicKey: KeyObject): Promise<forge.asn1.Asn1> {
  const der = spkiDer(publicKey);
  const { asn1 } = await loadForge();
  // forge's fromDer takes an options object at run time; @types/node-forge declares only the `strict` flag.
  const fromDer = asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => forge.asn1.Asn1;
  return fromDer(der.toString('binary'), { decodeBitStrings: false });
}

/**
 * The subjectKeyIdentifier of `publicKey`: RFC 5280 §4.2.1.2 method (1), the SHA-1 of the
 * subjectPublicKey BIT STRING's value (tag, length and unused-bits octet excluded). For an RSA
 * key this is the SHA-1 of the RSAPublicKey, what forge and OpenSSL compute; for an EC key, of
 * the uncompressed point. SHA-1 here is an identifier, not a signature (TLS-9 concerns signatures).
 */
export function subjectKeyIdentifier(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(spkiDer(publicKey))).digest();
}

/** The subjectKeyIdentifier extension for `publicKey`, value filled in so forge does not compute it from an RSA key. */
export async function subjectKeyIdentifierExtension(publicKey: KeyObject): Promise<{ name: 'subjectKeyIdentifier'; value: forge.asn1.Asn1 }> {
  const identifier = subjectKeyIdentifier(publicKey);
  const { asn1 } = await loadForge();
  return {
    name: 'subjectKeyIdentifier',
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, identifier.toString('binary')),
  };
}
