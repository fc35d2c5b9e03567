import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import {
  decodeCidr,
  dnsSubtreesForSuffixes,
  encodeCidr,
  encodeNameConstraints,
  ipPermitted,
  LOOPBACK_SUBTREES,
  NAME_CONSTRAINTS_OID,
  nameConstraintsExtension,
  parseNameConstraints,
  suffixesForDnsSubtrees,
} from '../../../../main/engine/pki/name-constraints';
import { isPorticoError } from '../../../../main/engine/errors';

const der = (node: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');

describe('dnsSubtreesForSuffixes', () => {
  it.each([
    { name: 'defaults collapse localhost and .localhost', suffixes: ['localhost', '.localhost', '.test', '.internal'], subtrees: ['localhost', 'test', 'internal'] },
    { name: 'a dotted suffix loses its dot (RFC 5280 dNSName form)', suffixes: ['.test'], subtrees: ['test'] },
    { name: 'multi-label suffix', suffixes: ['.dev.internal'], subtrees: ['dev.internal'] },
    { name: 'upper case is normalized', suffixes: ['.TEST'], subtrees: ['test'] },
  ])('$name', ({ suffixes, subtrees }) => {
    expect(dnsSubtreesForSuffixes(suffixes)).toEqual(subtrees);
  });

  it.each([
    { name: 'no suffix', suffixes: [], code: 'E_INVALID_INPUT' },
    { name: 'an IP', suffixes: ['127.0.0.1'], code: 'E_INVALID_DOMAIN' },
    { name: 'junk', suffixes: ['.te st'], code: 'E_INVALID_DOMAIN' },
  ])('refuses $name', ({ suffixes, code }) => {
    let error: unknown;
    try {
      dnsSubtreesForSuffixes(suffixes);
    } catch (caught) {
      error = caught;
    }
    expect(isPorticoError(error) && error.code).toBe(code);
  });

  it('maps subtrees back to the suffixes isPermitted understands', () => {
    expect(suffixesForDnsSubtrees(['localhost', 'test'])).toEqual(['localhost', '.localhost', 'test', '.test']);
  });
});

describe('CIDR encoding', () => {
  it.each([
    { name: 'IPv4 /8', cidr: '127.0.0.0/8', hex: '7f000000ff000000' },
    { name: 'IPv4 host bits are cleared', cidr: '127.1.2.3/8', hex: '7f000000ff000000', back: '127.0.0.0/8' },
    { name: 'IPv4 /32', cidr: '10.0.0.1/32', hex: '0a000001ffffffff' },
    { name: 'IPv4 /0', cidr: '0.0.0.0/0', hex: '0000000000000000' },
    { name: 'IPv6 ::1/128', cidr: '::1/128', hex: `${'00'.repeat(15)}01${'ff'.repeat(16)}` },
    { name: 'IPv6 /10', cidr: 'fe80::/10', hex: `fe80${'00'.repeat(14)}ffc0${'00'.repeat(14)}` },
  ])('$name', ({ cidr, hex, back }) => {
    const bytes = encodeCidr(cidr);
    expect(bytes.toString('hex')).toBe(hex);
    expect(decodeCidr(bytes)).toBe(back ?? cidr);
  });

  it.each([
    { name: 'no prefix', cidr: '127.0.0.0' },
    { name: 'prefix too long', cidr: '127.0.0.0/33' },
    { name: 'not an address', cidr: 'localhost/8' },
  ])('refuses $name', ({ cidr }) => {
    expect(() => encodeCidr(cidr)).toThrow();
  });

  it('refuses a non-contiguous mask', () => {
    expect(() => decodeCidr(Buffer.from('7f000000ff00ff00', 'hex'))).toThrow(/non-contiguous/);
  });
});

describe('encodeNameConstraints', () => {
  it('writes the RFC 5280 DER: [0] IMPLICIT subtrees, dNSName [2], iPAddress [7], no minimum', async () => {
    const value = der(await encodeNameConstraints({ dns: ['test'], ip: ['127.0.0.0/8'] }));
    expect(value.toString('hex')).toBe(
      '3016' + 'a014' + '3006' + '8204' + Buffer.from('test').toString('hex') + '300a' + '8708' + '7f000000ff000000',
    );
  });

  it('round-trips through parseNameConstraints', async () => {
    const permitted = { dns: ['localhost', 'test', 'dev.internal'], ip: [...LOOPBACK_SUBTREES] };
    expect(parseNameConstraints(der(await encodeNameConstraints(permitted)))).toEqual(permitted);
  });

  it('builds a critical extension with the loopback subtrees for every root', async () => {
    const extension = await nameConstraintsExtension(['.localhost', '.test']);
    expect(extension.id).toBe(NAME_CONSTRAINTS_OID);
    expect(extension.critical).toBe(true);
    expect(parseNameConstraints(der(extension.value))).toEqual({ dns: ['localhost', 'test'], ip: ['127.0.0.0/8', '::1/128'] });
  });
});

describe('parseNameConstraints', () => {
  const { asn1 } = forge;
  const seq = (children: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, children);
  const tagged = (type: number, constructed: boolean, value: string | forge.asn1.Asn1[]) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, type, constructed, value);

  it.each([
    { name: 'excluded subtrees', node: seq([tagged(1, true, [seq([tagged(2, false, 'evil.com')])])]) },
    { name: 'a directoryName subtree', node: seq([tagged(0, true, [seq([tagged(4, true, [seq([])])])])]) },
    { name: 'a subtree with a maximum', node: seq([tagged(0, true, [seq([tagged(2, false, 'test'), tagged(1, false, '\x01')])])]) },
    { name: 'not a SEQUENCE', node: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, 'x') },
  ])('refuses $name', ({ node }) => {
    expect(() => parseNameConstraints(der(node))).toThrow();
  });
});

describe('ipPermitted', () => {
  it.each([
    { name: '127.0.0.1 in 127/8', address: '127.0.0.1', permitted: true },
    { name: '127.200.1.1 in 127/8', address: '127.200.1.1', permitted: true },
    { name: '::1 in ::1/128', address: '::1', permitted: true },
    { name: '10.0.0.1 outside', address: '10.0.0.1', permitted: false },
    { name: '::2 outside', address: '::2', permitted: false },
    { name: 'a name is never an IP', address: 'localhost', permitted: false },
  ])('$name', ({ address, permitted }) => {
    expect(ipPermitted(address, LOOPBACK_SUBTREES)).toBe(permitted);
  });
});
