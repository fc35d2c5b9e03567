import { describe, expect, it } from 'vitest';
import { bytesToIp, ipToBytes, isLoopbackIp } from '../../../../main/engine/pki/ip';

describe('ipToBytes / bytesToIp', () => {
  it.each([
    { name: 'IPv4 loopback', input: '127.0.0.1', hex: '7f000001', text: '127.0.0.1' },
    { name: 'IPv4 network', input: '10.20.30.40', hex: '0a141e28', text: '10.20.30.40' },
    { name: 'IPv6 loopback', input: '::1', hex: '00000000000000000000000000000001', text: '::1' },
    { name: 'IPv6 bracketed', input: '[::1]', hex: '00000000000000000000000000000001', text: '::1' },
    { name: 'IPv6 full form', input: '0:0:0:0:0:0:0:1', hex: '00000000000000000000000000000001', text: '::1' },
    { name: 'IPv6 middle zeros', input: 'fe80::1:2', hex: 'fe800000000000000000000000010002', text: 'fe80::1:2' },
    { name: 'IPv6 unspecified', input: '::', hex: '00000000000000000000000000000000', text: '::' },
    { name: 'IPv4-mapped', input: '::ffff:127.0.0.1', hex: '00000000000000000000ffff7f000001', text: '::ffff:7f00:1' },
  ])('$name', ({ input, hex, text }) => {
    const bytes = ipToBytes(input);
    expect(bytes?.toString('hex')).toBe(hex);
    expect(bytesToIp(bytes!)).toBe(text);
  });

  it.each([
    { name: 'host name', input: 'web.localhost' },
    { name: 'IPv4 out of range', input: '256.0.0.1' },
    { name: 'IPv4 too short', input: '127.1' },
    { name: 'two double colons', input: '1::2::3' },
    { name: 'empty', input: '' },
  ])('refuses $name', ({ input }) => {
    expect(ipToBytes(input)).toBeNull();
  });

  it('refuses a byte count that is no address', () => {
    expect(() => bytesToIp(new Uint8Array(5))).toThrow(/4 or 16 bytes/);
  });
});

describe('isLoopbackIp', () => {
  it.each([
    { name: '127.0.0.1', input: '127.0.0.1', loopback: true },
    { name: 'anywhere in 127/8', input: '127.255.3.9', loopback: true },
    { name: '::1', input: '::1', loopback: true },
    { name: 'private IPv4', input: '10.0.0.1', loopback: false },
    { name: 'unspecified IPv4', input: '0.0.0.0', loopback: false },
    { name: 'IPv6 unspecified', input: '::', loopback: false },
    { name: 'IPv4-mapped loopback (not ::1)', input: '::ffff:127.0.0.1', loopback: false },
    { name: 'a name', input: 'localhost', loopback: false },
  ])('$name → $loopback', ({ input, loopback }) => {
    expect(isLoopbackIp(input)).toBe(loopback);
  });
});
