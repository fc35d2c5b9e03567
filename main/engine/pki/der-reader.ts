/**
 * A strict reader of DER (ITU-T X.690 §8 and §10) for the few certificate parts Portico reads,
 * so reading a certificate never loads node-forge (issue #7: forge costs ~3.3 MB of RSS, and
 * a data dir that already holds every certificate never needs it). Only what DER allows is
 * accepted: definite lengths in their shortest form, lengths inside the input, no bytes after
 * the value. Elements are views into the input, not copies.
 */

/** The class bits of an identifier octet (X.690 §8.1.2.2, Table 1). */
export const TagClass = { universal: 0, application: 1, contextSpecific: 2, private: 3 } as const;
export type TagClass = (typeof TagClass)[keyof typeof TagClass];

/** Universal tag numbers used here (X.680 §8.4, Table 1). */
export const UniversalTag = { boolean: 1, integer: 2, bitString: 3, octetString: 4, oid: 6, sequence: 16 } as const;

/** An identifier: class, primitive/constructed and tag number. */
export interface Tag {
  tagClass: TagClass;
  constructed: boolean;
  tagNumber: number;
}

/** One decoded TLV. */
export interface DerElement extends Tag {
  /** The whole encoding: identifier, length and contents octets. */
  der: Buffer;
  /** The contents octets. */
  content: Buffer;
}

/** Malformed or non-DER input. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

/** Lengths above 4 octets would exceed any certificate (and 2^32); refusing them keeps the arithmetic exact. */
const MAX_LENGTH_OCTETS = 4;
/** Tag numbers above 2^28 (4 continuation octets) never occur in X.509. */
const MAX_TAG_OCTETS = 4;

export const SEQUENCE: Tag = { tagClass: TagClass.universal, constructed: true, tagNumber: UniversalTag.sequence };
export const OCTET_STRING: Tag = { tagClass: TagClass.universal, constructed: false, tagNumber: UniversalTag.octetString };
export const BIT_STRING: Tag = { tagClass: TagClass.universal, constructed: false, tagNumber: UniversalTag.bitString };
export const INTEGER: Tag = { tagClass: TagClass.universal, constructed: false, tagNumber: UniversalTag.integer };
export const BOOLEAN: Tag = { tagClass: TagClass.universal, constructed: false, tagNumber: UniversalTag.boolean };
export const OBJECT_IDENTIFIER: Tag = { tagClass: TagClass.universal, constructed: false, tagNumber: UniversalTag.oid };

/** A context-specific tag `[n]`, IMPLICIT over a primitive or constructed value, or EXPLICIT (constructed). */
export function contextTag(tagNumber: number, constructed: boolean): Tag {
  return { tagClass: TagClass.contextSpecific, constructed, tagNumber };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function byteAt(bytes: Buffer, offset: number, what: string): number {
  const byte = bytes[offset];
  if (byte === undefined) throw new DerError(`truncated DER: ${what} missing`);
  return byte;
}

/** Identifier octets (X.690 §8.1.2), high tag numbers included. Returns the offset after them. */
function readIdentifier(bytes: Buffer, offset: number): { tag: Tag; next: number } {
  const first = byteAt(bytes, offset, 'identifier');
  const tagClass = (first >> 6) as TagClass;
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  let next = offset + 1;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let count = 0; ; count++) {
      const byte = byteAt(bytes, next, 'tag number');
      // §8.1.2.4.2 c): the first continuation octet has non-zero bits 7 to 1.
      if (count === 0 && byte === 0x80) throw new DerError('tag number not in its shortest form');
      if (count === MAX_TAG_OCTETS) throw new DerError('tag number too large');
      tagNumber = tagNumber * 128 + (byte & 0x7f);
      next++;
      if ((byte & 0x80) === 0) break;
    }
    // §8.1.2.2: tag numbers 0 to 30 use the single-octet form.
    if (tagNumber < 0x1f) throw new DerError('tag number not in its shortest form');
  }
  return { tag: { tagClass, constructed, tagNumber }, next };
}

/** Length octets (X.690 §8.1.3), definite only and minimal (§10.1). Returns the offset after them. */
function readLength(bytes: Buffer, offset: number): { length: number; next: number } {
  const first = byteAt(bytes, offset, 'length');
  if (first < 0x80) return { length: first, next: offset + 1 };
  if (first === 0x80) throw new DerError('indefinite length (not allowed in DER)');
  if (first === 0xff) throw new DerError('reserved length octet 0xff');
  const count = first & 0x7f;
  if (count > MAX_LENGTH_OCTETS) throw new DerError(`length of ${count} octets is too large`);
  let length = 0;
  for (let index = 1; index <= count; index++) length = length * 256 + byteAt(bytes, offset + index, 'length octets');
  // §10.1: the definite form uses the minimum number of octets.
  if (length < 0x80 || byteAt(bytes, offset + 1, 'length octets') === 0) throw new DerError('length not in its shortest form');
  return { length, next: offset + 1 + count };
}

/** The element starting at `offset`, and the offset just after it. */
function readElementAt(bytes: Buffer, offset: number): { element: DerElement; next: number } {
  const { tag, next: afterTag } = readIdentifier(bytes, offset);
  const { length, next: start } = readLength(bytes, afterTag);
  const end = start + length;
  if (end > bytes.length) throw new DerError(`truncated DER: ${length} content octets announced, ${bytes.length - start} present`);
  return { element: { ...tag, der: bytes.subarray(offset, end), content: bytes.subarray(start, end) }, next: end };
}

/** Exactly one DER element filling `bytes`: trailing bytes are an error. */
export function parseDer(bytes: Uint8Array): DerElement {
  const buffer = asBuffer(bytes);
  const { element, next } = readElementAt(buffer, 0);
  if (next !== buffer.length) throw new DerError(`${buffer.length - next} bytes after the DER value`);
  return element;
}

/** The elements inside a constructed element, which must fill its contents exactly. */
export function childrenOf(element: DerElement, what: string): DerElement[] {
  if (!element.constructed) throw new DerError(`${what} is not a constructed value`);
  const found: DerElement[] = [];
  for (let offset = 0; offset < element.content.length; ) {
    const { element: child, next } = readElementAt(element.content, offset);
    found.push(child);
    offset = next;
  }
  return found;
}

export function hasTag(element: DerElement | undefined, tag: Tag): element is DerElement {
  return element !== undefined && element.tagClass === tag.tagClass && element.constructed === tag.constructed && element.tagNumber === tag.tagNumber;
}

/** `element`, after checking its tag; `what` names it in the error. */
export function expectTag(element: DerElement | undefined, tag: Tag, what: string): DerElement {
  if (!element) throw new DerError(`${what} is missing`);
  if (!hasTag(element, tag)) throw new DerError(`${what} has an unexpected tag`);
  return element;
}

/** A BOOLEAN's value: DER encodes TRUE as 0xFF and FALSE as 0x00 in one octet (X.690 §8.2, §11.1). */
export function decodeBoolean(element: DerElement): boolean {
  expectTag(element, BOOLEAN, 'BOOLEAN');
  const [value] = element.content;
  if (element.content.length !== 1 || (value !== 0x00 && value !== 0xff)) throw new DerError('BOOLEAN is not 0x00 or 0xFF');
  return value === 0xff;
}

/**
 * An OBJECT IDENTIFIER's contents to dotted form (X.690 §8.19): base-128 subidentifiers, bit 8
 * set on all but the last octet of each, no leading 0x80 octet (§8.19.2); the first
 * subidentifier packs the first two arcs as X·40 + Y, X ≤ 2 (§8.19.4). Arcs may exceed 2^53
 * (UUID arcs under 2.25), hence BigInt.
 */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  if (((content[content.length - 1] ?? 0) & 0x80) !== 0) throw new DerError('truncated OBJECT IDENTIFIER');
  const subidentifiers: bigint[] = [];
  let value = 0n;
  let fresh = true;
  for (const byte of content) {
    if (fresh && byte === 0x80) throw new DerError('OBJECT IDENTIFIER subidentifier not in its shortest form');
    value = (value << 7n) | BigInt(byte & 0x7f);
    fresh = (byte & 0x80) === 0;
    if (fresh) {
      subidentifiers.push(value);
      value = 0n;
    }
  }
  const [first = 0n, ...rest] = subidentifiers;
  const arcs = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...arcs, ...rest].join('.');
}
