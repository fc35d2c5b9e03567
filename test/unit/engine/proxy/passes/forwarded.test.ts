import { describe, expect, it } from 'vitest';
import {
  clientAddress,
  forwardedHeaders,
  forwardedNode,
  forwardedValue,
  hostHeaderFor,
  upstreamHostHeader,
  type ForwardedInfo,
} from '../../../../../main/engine/proxy/passes/forwarded';

describe('forwardedHeaders', () => {
  const cases: { name: string; info: ForwardedInfo; expected: Record<string, string> }[] = [
    {
      name: 'IPv4 peer over HTTPS on 443',
      info: { peerAddress: '127.0.0.1', proto: 'https', host: 'web.localhost', port: 443 },
      expected: {
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'web.localhost',
        'x-forwarded-port': '443',
        forwarded: 'for=127.0.0.1;host=web.localhost;proto=https',
      },
    },
    {
      name: 'IPv6 peer: quoted and bracketed in Forwarded, bare in X-Forwarded-For',
      info: { peerAddress: '::1', proto: 'https', host: 'web.test:8443', port: 8443 },
      expected: {
        'x-forwarded-for': '::1',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'web.test:8443',
        'x-forwarded-port': '8443',
        forwarded: 'for="[::1]";host="web.test:8443";proto=https',
      },
    },
    {
      name: 'IPv4-mapped IPv6 peer reported as IPv4',
      info: { peerAddress: '::ffff:127.0.0.1', proto: 'http', host: 'web.test', port: 80 },
      expected: {
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'web.test',
        'x-forwarded-port': '80',
        forwarded: 'for=127.0.0.1;host=web.test;proto=http',
      },
    },
    {
      name: 'unknown peer: no X-Forwarded-For, for=unknown',
      info: { peerAddress: undefined, proto: 'https', host: 'web.test', port: 443 },
      expected: {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'web.test',
        'x-forwarded-port': '443',
        forwarded: 'for=unknown;host=web.test;proto=https',
      },
    },
  ];

  it.each(cases)('$name', ({ info, expected }) => {
    expect(forwardedHeaders(info)).toEqual(expected);
  });
});

describe('Forwarded syntax (RFC 7239)', () => {
  const values = [
    { name: 'token stays bare', input: 'web.localhost', expected: 'web.localhost' },
    { name: 'colon needs quotes', input: 'web.test:8443', expected: '"web.test:8443"' },
    { name: 'quote and backslash escaped', input: 'a"b\\c', expected: '"a\\"b\\\\c"' },
    { name: 'empty is quoted', input: '', expected: '""' },
  ];
  it.each(values)('value: $name', ({ input, expected }) => {
    expect(forwardedValue(input)).toBe(expected);
  });

  const nodes = [
    { name: 'IPv4', input: '127.0.0.1', expected: '127.0.0.1' },
    { name: 'IPv6 loopback', input: '::1', expected: '"[::1]"' },
    { name: 'IPv6 full', input: '2001:db8::17', expected: '"[2001:db8::17]"' },
    { name: 'unknown', input: undefined, expected: 'unknown' },
  ];
  it.each(nodes)('node: $name', ({ input, expected }) => {
    expect(forwardedNode(input)).toBe(expected);
  });

  const addresses = [
    { name: 'mapped IPv4', input: '::ffff:10.0.0.1', expected: '10.0.0.1' },
    { name: 'plain IPv6 untouched', input: '::1', expected: '::1' },
    { name: 'empty is unknown', input: '', expected: undefined },
  ];
  it.each(addresses)('address: $name', ({ input, expected }) => {
    expect(clientAddress(input)).toBe(expected);
  });
});

describe('Host header', () => {
  const cases = [
    { name: 'preserve keeps the client Host', mode: 'preserve', expected: 'web.test:8443' },
    { name: 'upstream uses the upstream authority', mode: 'upstream', expected: 'localhost:5173' },
  ] as const;
  it.each(cases)('$name', ({ mode, expected }) => {
    expect(hostHeaderFor(mode, 'web.test:8443', upstreamHostHeader('http://localhost:5173'))).toBe(expected);
  });

  const upstreams = [
    { name: 'port kept', upstream: 'http://localhost:5173', expected: 'localhost:5173' },
    { name: 'default port left out', upstream: 'http://127.0.0.1:80', expected: '127.0.0.1' },
    { name: 'IPv6 in brackets', upstream: 'http://[::1]:3000', expected: '[::1]:3000' },
  ];
  it.each(upstreams)('upstreamHostHeader: $name', ({ upstream, expected }) => {
    expect(upstreamHostHeader(upstream)).toBe(expected);
  });
});
