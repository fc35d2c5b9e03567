/**
 * The nameConstraints extension (OID 2.5.29.30, RFC 5280 §4.2.1.10) that limits the local root
 * to development names, so a leaked CA key cannot mint a certificate a browser would accept for
 * a real site (security-requirements.md CA-5). forge cannot build this extension, so the value
 * is assembled here from forge ASN.1 nodes and handed to forge as a raw `value` (forge
 * `lib/x509.js`, `_fillMissingExtensionFields` only fills extensions it knows). Reading it uses
 * our DER reader, so a loaded root never needs forge (forge.ts).
 *
 *   NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
 *                                  excludedSubtrees  [1] GeneralSubtrees OPTIONAL }
 *   GeneralSubtree  ::= SEQUENCE { base GeneralName, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }
 *
 * The module uses IMPLICIT tags: `[0]` replaces the SEQUENCE OF tag, dNSName is `[2]` over the
 * IA5String bytes, iPAddress is `[7]` over address‖mask. `minimum` is left out (DER omits defaults).
 */
import type forge from 'node-forge';
import { checkSuffix } from '../../../shared/names';
import { PorticoError } from '../errors';
import { childrenOf, contextTag, DerError, expectTag, hasTag, parseDer, SEQUENCE, TagClass, type DerElement } from './der-reader';
import { loadForge, type Forge } from './forge';
import { bytesToIp, ipToBytes } from './ip';

export const NAME_CONSTRAINTS_OID = '2.5.29.30';

const GENERAL_NAME_DNS = 2;
const GENERAL_NAME_IP = 7;

/**
 * Loopback ranges every Portico root permits. Listing iPAddress subtrees is what constrains IP
 * SANs at all: with only dNSName subtrees, IP names stay unconstrained (RFC 5280 §4.2.1.10).
 */
export const LOOPBACK_SUBTREES: readonly string[] = ['127.0.0.0/8', '::1/128'];

/** What a nameConstraints extension permits, for display and for checking names before signing. */
export interface PermittedNames {
  /** dNSName subtrees as written in the certificate: `localhost` covers `localhost` and every name below it. */
  dns: string[];
  /** iPAddress subtrees in CIDR form, e.g. `127.0.0.0/8`. */
  ip: string[];
}

/**
 * Suffixes as configured (`localhost`, `.localhost`, `.test`) to dNSName subtrees. RFC 5280
 * defines a dNSName constraint as matching the name itself and any name made by adding labels on
 * the left, so `.test` becomes `test` (which also matches the bare `test`, a name Portico never
 * issues because `checkDomain` refuses bare suffixes). A leading-dot form is not defined for
 * dNSName in RFC 5280 and clients disagree on it (OpenSSL reads it as "below only", Chromium and
 * Go differ), so it is never written.
 */
export function dnsSubtreesForSuffixes(suffixes: readonly string[]): string[] {
  const subtrees: string[] = [];
  for (const suffix of suffixes) {
    const checked = checkSuffix(suffix);
    if (!checked.ok) throw new PorticoError(checked.code, checked.message);
    const name = checked.value.replace(/^\./, '');
    if (!subtrees.includes(name)) subtrees.push(name);
  }
  if (subtrees.length === 0) {
    throw new PorticoError('E_INVALID_INPUT', 'the CA needs at least one name suffix, such as ".localhost" or ".test".');
  }
  return subtrees;
}

/**
 * dNSName subtrees back to the suffixes `isPermitted` understands: `test` permits both `test`
 * and every name under `.test`, exactly what the constraint lets through.
 */
export function suffixesForDnsSubtrees(dns: readonly string[]): string[] {
  return dns.flatMap((name) => [name, `.${name}`]);
}

function maskBytes(prefix: number, length: number): Buffer {
  const mask = Buffer.alloc(length);
  for (let bit = 0; bit < prefix; bit++) mask[bit >> 3] = (mask[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return mask;
}

/** `127.0.0.0/8` → address‖mask, the iPAddress form of a name constraint (RFC 5280 §4.2.1.10). */
export function encodeCidr(cidr: string): Buffer {
  const [address = '', prefixText = ''] = cidr.split('/');
  const bytes = ipToBytes(address);
  if (!bytes) throw new Error(`"${cidr}" is not a CIDR range`);
  const prefix = Number(prefixText);
  if (!/^\d+$/.test(prefixText) || prefix > bytes.length * 8) throw new Error(`"${cidr}" is not a CIDR range`);
  const mask = maskBytes(prefix, bytes.length);
  const network = Buffer.from(bytes.map((byte, index) => byte & (mask[index] ?? 0)));
  return Buffer.concat([network, mask]);
}

function prefixLength(mask: Buffer): number {
  let prefix = 0;
  while (prefix < mask.length * 8 && ((mask[prefix >> 3] ?? 0) & (0x80 >> (prefix & 7))) !== 0) prefix++;
  if (!maskBytes(prefix, mask.length).equals(mask)) throw new Error('non-contiguous iPAddress mask');
  return prefix;
}

/** address‖mask (8 or 32 bytes) → `127.0.0.0/8` / `::1/128`. */
export function decodeCidr(bytes: Buffer): string {
  if (bytes.length !== 8 && bytes.length !== 32) throw new Error(`iPAddress constraint of ${bytes.length} bytes`);
  const half = bytes.length / 2;
  const address = bytes.subarray(0, half);
  const prefix = prefixLength(bytes.subarray(half));
  return `${bytesToIp(address)}/${prefix}`;
}

function subtree(asn1: Forge['asn1'], type: number, value: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, type, false, value)]);
}

/** The DER of a NameConstraints value with only permitted subtrees, as forge ASN.1 (for building a root). */
export async function encodeNameConstraints(permitted: PermittedNames): Promise<forge.asn1.Asn1> {
  const { asn1 } = await loadForge();
  const subtrees = [
    ...permitted.dns.map((name) => subtree(asn1, GENERAL_NAME_DNS, name)),
    ...permitted.ip.map((cidr) => subtree(asn1, GENERAL_NAME_IP,  encodeCidr(cidr).toString('binary'))),
  ];
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, subtrees)]);
}

/**
 * The extension forge should write for a root constrained to `suffixes` plus loopback. Critical,
 * so a client that does not understand it must refuse the chain rather than ignore it. The
 * suffixes are checked before forge is loaded.
 */
export async function nameConstraintsExtension(suffixes: readonly string[]): Promise<{ id: string; critical: true; value: forge.asn1.Asn1 }> {
  const dns = dnsSubtreesForSuffixes(suffixes);
  return { id: NAME_CONSTRAINTS_OID, critical: true, value: await encodeNameConstraints({ dns, ip: [...LOOPBACK_SUBTREES] }) };
}

const PERMITTED_SUBTREES = contextTag(0, true);

/** One GeneralSubtree: its `base` only (no minimum or maximum), a dNSName or an iPAddress. */
function readSubtree(tree: DerElement, permitted: PermittedNames): void {
  const [base, ...rest] = childrenOf(expectTag(tree, SEQUENCE, 'GeneralSubtree'), 'GeneralSubtree');
  if (!base || rest.length > 0 || base.tagClass !== TagClass.contextSpecific || base.constructed) {
    throw new DerError('nameConstraints subtree is not a single GeneralName');
  }
  if (base.tagNumber === GENERAL_NAME_DNS) permitted.dns.push(base.content.toString('latin1'));
  else if (base.tagNumber === GENERAL_NAME_IP) permitted.ip.push(decodeCidr(base.content));
  else throw new DerError(`nameConstraints subtree of GeneralName type ${base.tagNumber}`);
}

/**
 * Parse a NameConstraints value (the DER inside the extension's OCTET STRING). Only permitted
 * dNSName and iPAddress subtrees are understood; anything else (excluded subtrees, other name
 * forms, min/max) throws, since a Portico root never carries them.
 */
export function parseNameConstraints(value: Uint8Array): PermittedNames {
  const permitted: PermittedNames = { dns: [], ip: [] };
  for (const trees of childrenOf(expectTag(parseDer(value), SEQUENCE, 'nameConstraints'), 'nameConstraints')) {
    if (!hasTag(trees, PERMITTED_SUBTREES)) throw new DerError('nameConstraints has excluded subtrees or an unknown part');
    for (const tree of childrenOf(trees, 'permittedSubtrees')) readSubtree(tree, permitted);
  }
  return permitted;
}

/** True when `address` lies inside one of the iPAddress subtrees (`127.0.0.0/8`, `::1/128`). */
export function ipPermitted(address: string, cidrs: readonly string[]): boolean {
  const bytes = ipToBytes(address);
  if (!bytes) return false;
  return cidrs.some((cidr) => {
    const range = encodeCidr(cidr);
    if (range.length !== bytes.length * 2) return false;
    return bytes.every((byte, index) => (byte & (range[bytes.length + index] ?? 0)) === range[index]);
  });
}
