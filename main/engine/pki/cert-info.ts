/**
 * What a certificate says, read with Node's `X509Certificate` (OpenSSL's parser), never with
 * forge's chain verifier (security-requirements.md CA-7). The few extensions Node does not
 * expose (SANs as a list, key identifiers, name constraints) are read from the DER by der.ts,
 * never by node-forge, so describing a certificate does not load forge (forge.ts).
 */
import { X509Certificate } from 'node:crypto';
import type { CertificateInfo } from '../../../shared/views';
import { decodeAuthorityKeyId, decodeSubjectAltNames, decodeSubjectKeyId, readExtensions } from './der';
import { NAME_CONSTRAINTS_OID, parseNameConstraints, type PermittedNames } from './name-constraints';

const SUBJECT_ALT_NAME_OID = '2.5.29.17';
const SUBJECT_KEY_ID_OID = '2.5.29.14';
const AUTHORITY_KEY_ID_OID = '2.5.29.35';

/** A certificate as a person (and the renewal check) inspects it. */
export interface CertDescription extends CertificateInfo {
  /** Key identifier of the issuing CA (authorityKeyIdentifier), `AB:CD:…`. */
  authorityKeyId?: string;
  /** Key identifier of this certificate's own key (subjectKeyIdentifier), `AB:CD:…`. */
  subjectKeyId?: string;
  /** For a CA: the names its nameConstraints extension permits. */
  permitted?: PermittedNames;
  /** For an EC key: its curve by NIST name (`P-256`), or OpenSSL's name for another curve. */
  keyCurve?: string;
}

/** NIST curves by OpenSSL's name (what Node reports), with their size (FIPS 186-4 D.1.2). */
const NIST_CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
};

/**
 * The key as people read it: `RSA` with the modulus size, or `EC` with the curve's size (an
 * ECDSA P-256 key shows as `EC 256`, as SSL Labs prints it) and name. 0 bits when unknown.
 */
function describeKey(x509: X509Certificate): Pick<CertDescription, 'keyType' | 'keyBits' | 'keyCurve'> {
  const { asymmetricKeyType, asymmetricKeyDetails: details = {} } = x509.publicKey;
  const keyType = (asymmetricKeyType ?? 'unknown').toUpperCase();
  if (asymmetricKeyType !== 'ec' || !details.namedCurve) return { keyType, keyBits: details.modulusLength ?? 0 };
  const curve = NIST_CURVES[details.namedCurve];
  return { keyType, keyBits: curve?.bits ?? 0, keyCurve: curve?.name ?? details.namedCurve };
}

/** `a1b2…` → `A1:B2:…`, the way Node and OpenSSL print fingerprints and key identifiers. */
export function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

/** Key identifiers compared regardless of colons and case. */
export function sameKeyId(a: string | undefined, b: string | undefined): boolean {
  const normalize = (id: string) => id.replace(/:/g, '').toLowerCase();
  return a !== undefined && b !== undefined && normalize(a) === normalize(b);
}

function toX509(certificate: string | Uint8Array | X509Certificate): X509Certificate {
  return certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
}

/** Describe a certificate (PEM, DER or an already parsed one). Throws when it does not parse. */
export function describeCertificate(certificate: string | Uint8Array | X509Certificate): CertDescription {
  const x509 = toX509(certificate);
  const extensions = readExtensions(x509.raw);
  const description: CertDescription = {
    subject: x509.subject,
    issuer: x509.issuer,
    serialNumber: x509.serialNumber,
    sans: [],
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
    fingerprint256: x509.fingerprint256,
    ...describeKey(x509),
    isCa: x509.ca,
  };
  const san = extensions.get(SUBJECT_ALT_NAME_OID);
  if (san) description.sans = decodeSubjectAltNames(san.value);
  const ski = extensions.get(SUBJECT_KEY_ID_OID);
  if (ski) description.subjectKeyId = colonHex(decodeSubjectKeyId(ski.value));
  const aki = extensions.get(AUTHORITY_KEY_ID_OID);
  const akiHex = aki ? decodeAuthorityKeyId(aki.value) : undefined;
  if (akiHex) description.authorityKeyId = colonHex(akiHex);
  const constraints = extensions.get(NAME_CONSTRAINTS_OID);
  if (constraints) description.permitted = parseNameConstraints(constraints.value);
  return description;
}
