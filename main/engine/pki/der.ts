/**
 * Reading the few parts of a DER certificate that Node's `X509Certificate` does not expose
 * (extension bytes, the exact subject Name, SANs as a list, key identifiers), with our own DER
 * reader so that reading never loads node-forge (der-reader.ts). Structure per RFC 5280 §4.1:
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 *   TBSCertificate ::= SEQUENCE { [0] EXPLICIT version OPTIONAL, serialNumber, signature, issuer,
 *                                 validity, subject, subjectPublicKeyInfo,
 *                                 [1] IMPLICIT issuerUniqueID OPTIONAL,
 *                                 [2] IMPLICIT subjectUniqueID OPTIONAL,
 *                                 [3] EXPLICIT extensions OPTIONAL }
 */
import {
  BIT_STRING,
  BOOLEAN,
  childrenOf,
  contextTag,
  decodeBoolean,
  decodeOid,
  DerError,
  expectTag,
  hasTag,
  INTEGER,
  OBJECT_IDENTIFIER,
  OCTET_STRING,
  parseDer,
  SEQUENCE,
  TagClass,
  type DerElement,
} from './der-reader';
import { bytesToIp } from './ip';

/** One extension as stored: its criticality and the DER inside its OCTET STRING. */
export interface RawExtension {
  critical: boolean;
  value: Buffer;
}

const VERSION = contextTag(0, true);
const ISSUER_UNIQUE_ID = contextTag(1, false);
const SUBJECT_UNIQUE_ID = contextTag(2, false);
const EXTENSIONS = contextTag(3, true);
const GENERAL_NAME_DNS = 2;
const GENERAL_NAME_IP = 7;
const KEY_IDENTIFIER = contextTag(0, false);

interface TbsParts {
  subject: DerElement;
  extensions: DerElement | undefined;
}

function malformed(what: string, cause: unknown): Error {
  return new Error(`malformed ${what}: ${(cause as Error).message}`, { cause });
}

function tbsParts(der: Uint8Array): TbsParts {
  const parts = childrenOf(expectTag(parseDer(der), SEQUENCE, 'Certificate'), 'Certificate');
  if (parts.length !== 3) throw new DerError('Certificate does not have 3 parts');
  const fields = childrenOf(expectTag(parts[0], SEQUENCE, 'TBSCertificate'), 'TBSCertificate');
  let index = hasTag(fields[0], VERSION) ? 1 : 0;
  expectTag(fields[index++], INTEGER, 'serialNumber');
  for (const name of ['signature', 'issuer', 'validity']) expectTag(fields[index++], SEQUENCE, name);
  const subject = expectTag(fields[index++], SEQUENCE, 'subject');
  expectTag(fields[index++], SEQUENCE, 'subjectPublicKeyInfo');
  // The optional trailing fields, each at most once and in this order.
  let extensions: DerElement | undefined;
  for (const optional of [ISSUER_UNIQUE_ID, SUBJECT_UNIQUE_ID, EXTENSIONS]) {
    const field = fields[index];
    if (!hasTag(field, optional)) continue;
    if (optional === EXTENSIONS) extensions = field;
    index++;
  }
  if (index !== fields.length) throw new DerError('TBSCertificate has an unexpected field');
  return { subject, extensions };
}

/**
 * The extensions of a certificate by OID. Throws on a malformed certificate, and on one that
 * repeats an extension (RFC 5280 §4.2: "MUST NOT include more than one instance"), since which
 * copy a client honours would be a guess.
 */
export function readExtensions(der: Uint8Array): Map<string, RawExtension> {
  const found = new Map<string, RawExtension>();
  try {
    const { extensions } = tbsParts(der);
    if (!extensions) return found;
    const [list, ...extra] = childrenOf(extensions, 'extensions');
    if (extra.length > 0) throw new DerError('extensions holds more than one value');
    for (const extension of childrenOf(expectTag(list, SEQUENCE, 'Extensions'), 'Extensions')) {
      const parts = childrenOf(expectTag(extension, SEQUENCE, 'Extension'), 'Extension');
      if (parts.length !== 2 && parts.length !== 3) throw new DerError('an Extension has neither 2 nor 3 parts');
      const oid = decodeOid(expectTag(parts[0], OBJECT_IDENTIFIER, 'extnID').content);
      const critical = parts.length === 3 && decodeBoolean(expectTag(parts[1], BOOLEAN, 'critical'));
      const value = expectTag(parts[parts.length - 1], OCTET_STRING, 'extnValue').content;
      if (found.has(oid)) throw new DerError(`extension ${oid} appears twice`);
      found.set(oid, { critical, value });
    }
  } catch (error) {
    throw malformed('certificate', error);
  }
  return found;
}

/**
 * The subject Name of a certificate, exactly as encoded (a copy). A leaf's issuer must match its
 * CA's subject (RFC 5280 §4.1.2.4); copying the bytes avoids any re-encoding of string types.
 */
export function subjectName(der: Uint8Array): Buffer {
  try {
    return Buffer.from(tbsParts(der).subject.der);
  } catch (error) {
    throw malformed('certificate', error);
  }
}

/** The key identifier inside a subjectKeyIdentifier extension value (OCTET STRING), as lower-case hex. */
export function decodeSubjectKeyId(value: Uint8Array): string {
  try {
    return expectTag(parseDer(value), OCTET_STRING, 'subjectKeyIdentifier').content.toString('hex');
  } catch (error) {
    throw malformed('subjectKeyIdentifier', error);
  }
}

/**
 * The keyIdentifier `[0]` inside an authorityKeyIdentifier extension value, as lower-case hex
 * (RFC 5280 §4.2.1.1: SEQUENCE { keyIdentifier [0] OPTIONAL, authorityCertIssuer [1] OPTIONAL,
 * authorityCertSerialNumber [2] OPTIONAL }, IMPLICIT tags).
 */
export function decodeAuthorityKeyId(value: Uint8Array): string | undefined {
  try {
    const parts = childrenOf(expectTag(parseDer(value), SEQUENCE, 'authorityKeyIdentifier'), 'authorityKeyIdentifier');
    return parts.find((part) => hasTag(part, KEY_IDENTIFIER))?.content.toString('hex');
  } catch (error) {
    throw malformed('authorityKeyIdentifier', error);
  }
}

/**
 * DNS names and IP addresses of a subjectAltName value (RFC 5280 §4.2.1.6: GeneralNames, IMPLICIT
 * tags: dNSName `[2]` IA5String, iPAddress `[7]` of 4 or 16 octets), in certificate order. Other
 * name forms are skipped.
 */
export function decodeSubjectAltNames(value: Uint8Array): string[] {
  try {
    const sans: string[] = [];
    for (const name of childrenOf(expectTag(parseDer(value), SEQUENCE, 'subjectAltName'), 'subjectAltName')) {
      if (name.tagClass !== TagClass.contextSpecific || name.constructed) continue;
      if (name.tagNumber === GENERAL_NAME_DNS) sans.push(name.content.toString('latin1'));
      else if (name.tagNumber === GENERAL_NAME_IP) sans.push(bytesToIp(name.content));
    }
    return sans;
  } catch (error) {
    throw malformed('subjectAltName', error);
  }
}

/**
 * The subjectPublicKey BIT STRING's bytes of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), without
 * the unused-bits octet, which must be 0 for a key.
 */
export function subjectPublicKeyBits(spki: Uint8Array): Buffer {
  try {
    const [algorithm, key, ...extra] = childrenOf(expectTag(parseDer(spki), SEQUENCE, 'SubjectPublicKeyInfo'), 'SubjectPublicKeyInfo');
    expectTag(algorithm, SEQUENCE, 'algorithm');
    const bits = expectTag(key, BIT_STRING, 'subjectPublicKey').content;
    if (extra.length > 0 || bits[0] !== 0) throw new DerError('subjectPublicKey is not a whole number of octets');
    return bits.subarray(1);
  } catch (error) {
    throw malformed('SubjectPublicKeyInfo', error);
  }
}
