import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOOLEAN,
  childrenOf,
  contextTag,
  decodeBoolean,
  decodeOid,
  DerError,
  expectTag,
  OCTET_STRING,
  parseDer,
  SEQUENCE,
  TagClass,
} from '../../../../main/engine/pki/der-reader';
import { makeTempHome, openssl, type TempHome } from './fixture';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

let home: TempHome;
beforeAll(async () => {
  home = await makeTempHome();
});
afterAll(() => home.cleanup());

/** DER made by `openssl asn1parse -genstr`, an encoder independent of ours. */
async function opensslDer(genstr: string): Promise<Buffer> {
  const file = join(home.dir, 'genstr.der');
  const made = await openssl(['asn1parse', '-genstr', genstr, '-out', file, '-noout']);
  if (made.code !== 0) throw new Error(`openssl asn1parse -genstr ${genstr}: ${made.stderr}`);
  return readFile(file);
}

describe('parseDer: well-formed DER', () => {
  it.each([
    { name: 'short-form length', der: '04 03 616263', tagClass: TagClass.universal, constructed: false, tagNumber: 4, content: '616263' },
    { name: 'zero length', der: '05 00', tagClass: TagClass.universal, constructed: false, tagNumber: 5, content: '' },
    { name: 'long-form length, one octet (128)', der: `04 81 80 ${'00'.repeat(128)}`, tagClass: TagClass.universal, constructed: false, tagNumber: 4, content: '00'.repeat(128) },
    { name: 'long-form length, two octets (256)', der: `04 82 0100 ${'ab'.repeat(256)}`, tagClass: TagClass.universal, constructed: false, tagNumber: 4, content: 'ab'.repeat(256) },
    { name: 'constructed SEQUENCE', der: '30 03 020101', tagClass: TagClass.universal, constructed: true, tagNumber: 16, content: '020101' },
    { name: 'context-specific primitive [7]', der: '87 04 7f000001', tagClass: TagClass.contextSpecific, constructed: false, tagNumber: 7, content: '7f000001' },
    { name: 'context-specific constructed [3]', der: 'a3 02 3000', tagClass: TagClass.contextSpecific, constructed: true, tagNumber: 3, content: '3000' },
    { name: 'high tag number [31] (X.690 §8.1.2.4)', der: '9f 1f 01 00', tagClass: TagClass.contextSpecific, constructed: false, tagNumber: 31, content: '00' },
    { name: 'high tag number in two octets [201]', der: 'df 81 49 00', tagClass: TagClass.private, constructed: false, tagNumber: 201, content: '' },
  ])('$name', ({ der, tagClass, constructed, tagNumber, content }) => {
    const element = parseDer(hex(der));
    expect({ tagClass: element.tagClass, constructed: element.constructed, tagNumber: element.tagNumber }).toEqual({ tagClass, constructed, tagNumber });
    expect(element.content.toString('hex')).toBe(content);
    expect(element.der).toEqual(hex(der));
  });

  it('reads what openssl encodes with a long-form length', async () => {
    const der = await opensslDer(`FORMAT:HEX,OCTETSTRING:${'5a'.repeat(300)}`);
    expect(der.subarray(0, 4).toString('hex')).toBe('0482012c');
    expect(parseDer(der).content).toEqual(Buffer.alloc(300, 0x5a));
  });

  it('accepts a Uint8Array view at an offset without copying assumptions', () => {
    const backing = new Uint8Array([0xff, 0x04, 0x01, 0x2a, 0xff]);
    expect(parseDer(backing.subarray(1, 4)).content).toEqual(Buffer.from([0x2a]));
  });
});

describe('parseDer: malformed or non-DER input', () => {
  it.each([
    { name: 'empty input', der: '', error: /identifier missing/ },
    { name: 'identifier only', der: '04', error: /length missing/ },
    { name: 'truncated content', der: '04 05 6162', error: /truncated DER: 5 content octets announced, 2 present/ },
    { name: 'truncated long-form length octets', der: '04 82 01', error: /length octets missing/ },
    { name: 'indefinite length (BER only)', der: '30 80 0000', error: /indefinite length/ },
    { name: 'reserved length octet 0xff', der: '04 ff', error: /reserved length/ },
    { name: 'length of 5 octets (overflow)', der: '04 85 0100000000', error: /too large/ },
    { name: 'length beyond the input (2^32-1)', der: '04 84 ffffffff 00', error: /truncated DER/ },
    { name: 'long form for a short length', der: '04 81 03 616263', error: /shortest form/ },
    { name: 'long-form length with a leading zero octet', der: `04 82 0080 ${'00'.repeat(128)}`, error: /shortest form/ },
    { name: 'trailing garbage', der: '04 01 61 00', error: /1 bytes after the DER value/ },
    { name: 'two values', der: '0500 0500', error: /bytes after the DER value/ },
    { name: 'high tag form for a low tag number', der: '9f 05 00', error: /tag number not in its shortest form/ },
    { name: 'high tag number with a leading 0x80 octet', der: '9f 80 1f 00', error: /tag number not in its shortest form/ },
    { name: 'high tag number truncated', der: '9f 81', error: /tag number missing/ },
    { name: 'high tag number too large', der: '9f ff ff ff ff 7f 00', error: /tag number too large/ },
  ])('$name', ({ der, error }) => {
    expect(() => parseDer(hex(der))).toThrow(DerError);
    expect(() => parseDer(hex(der))).toThrow(error);
  });
});

describe('childrenOf', () => {
  it.each([
    { name: 'two children', der: '30 06 020101 020102', children: ['020101', '020102'] },
    { name: 'no children', der: '30 00', children: [] },
    { name: 'nested SEQUENCE kept whole', der: '30 05 3003 020101', children: ['3003020101'] },
  ])('$name', ({ der, children }) => {
    expect(childrenOf(parseDer(hex(der)), 'test').map((child) => child.der.toString('hex'))).toEqual(children);
  });

  it.each([
    { name: 'a child longer than its parent', der: '30 03 02 05 01', error: /truncated DER/ },
    { name: 'a partial child after a complete one', der: '30 04 020101 02', error: /length missing/ },
    { name: 'a child with indefinite length', der: '30 04 3080 0000', error: /indefinite length/ },
    { name: 'a primitive value', der: '04 01 00', error: /not a constructed value/ },
  ])('refuses $name', ({ der, error }) => {
    expect(() => childrenOf(parseDer(hex(der)), 'test')).toThrow(error);
  });
});

describe('expectTag', () => {
  it.each([
    { name: 'SEQUENCE', der: '3000', tag: SEQUENCE, ok: true },
    { name: 'OCTET STRING', der: '0400', tag: OCTET_STRING, ok: true },
    { name: 'constructed OCTET STRING (BER only) is not OCTET STRING', der: '2400', tag: OCTET_STRING, ok: false },
    { name: 'SET is not SEQUENCE', der: '3100', tag: SEQUENCE, ok: false },
    { name: '[0] primitive is not [0] constructed', der: '8000', tag: contextTag(0, true), ok: false },
    { name: '[0] constructed', der: 'a000', tag: contextTag(0, true), ok: true },
  ])('$name', ({ der, tag, ok }) => {
    const element = parseDer(hex(der));
    if (ok) expect(expectTag(element, tag, 'value')).toBe(element);
    else expect(() => expectTag(element, tag, 'value')).toThrow(/unexpected tag/);
  });

  it('names a missing value', () => {
    expect(() => expectTag(undefined, SEQUENCE, 'subject')).toThrow('subject is missing');
  });
});

describe('decodeBoolean (X.690 §11.1)', () => {
  it.each([
    { name: 'TRUE is 0xff', der: '0101ff', value: true },
    { name: 'FALSE is 0x00', der: '010100', value: false },
  ])('$name', ({ der, value }) => {
    expect(decodeBoolean(expectTag(parseDer(hex(der)), BOOLEAN, 'critical'))).toBe(value);
  });

  it.each([
    { name: 'TRUE as 0x01 (BER only)', der: '010101' },
    { name: 'two octets', der: '0102ffff' },
    { name: 'empty', der: '0100' },
    { name: 'not a BOOLEAN', der: '020101' },
  ])('refuses $name', ({ der }) => {
    expect(() => decodeBoolean(parseDer(hex(der)))).toThrow(DerError);
  });
});

describe('decodeOid (X.690 §8.19)', () => {
  it.each([
    { name: 'subjectAltName', oid: '2.5.29.17' },
    { name: 'nameConstraints', oid: '2.5.29.30' },
    { name: 'sha256WithRSAEncryption (multi-octet arcs)', oid: '1.2.840.113549.1.1.11' },
    { name: 'first arcs 0.0', oid: '0.0' },
    { name: 'first arcs 1.39 (largest under arc 1)', oid: '1.39' },
    { name: 'arc 2 with a second arc ≥ 40 (2.999: first subidentifier 1079)', oid: '2.999.3' },
    { name: 'a UUID arc above 2^53 (2.25)', oid: '2.25.329800735698586629295641978511506172918' },
  ])('reads $name as openssl encodes it', async ({ oid }) => {
    const der = await opensslDer(`OID:${oid}`);
    expect(decodeOid(parseDer(der).content)).toBe(oid);
  });

  it.each([
    { name: 'empty', content: '', error: /empty/ },
    { name: 'last subidentifier unfinished', content: '2a 83', error: /truncated/ },
    { name: 'subidentifier with a leading 0x80 octet', content: '2a 80 01', error: /shortest form/ },
    { name: 'first subidentifier with a leading 0x80 octet', content: '80 2a', error: /shortest form/ },
  ])('refuses $name', ({ content, error }) => {
    expect(() => decodeOid(hex(content))).toThrow(error);
  });
});
