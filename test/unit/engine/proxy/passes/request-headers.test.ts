import { describe, expect, it } from 'vitest';
import type { ForwardedInfo } from '../../../../../main/engine/proxy/passes/forwarded';
import type { InboundHeaders } from '../../../../../main/engine/proxy/passes/headers';
import { rewriteRequestHeadersInPlace, upstreamRequestHeaders } from '../../../../../main/engine/proxy/passes/request-headers';

const HTTPS_INFO: ForwardedInfo = { peerAddress: '127.0.0.1', proto: 'https', host: 'web.test', port: 443 };
const OURS = {
  'x-forwarded-for': '127.0.0.1',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'web.test',
  'x-forwarded-port': '443',
  forwarded: 'for=127.0.0.1;host=web.test;proto=https',
};

const cases: { name: string; input: InboundHeaders; info?: ForwardedInfo; host?: string; expected: Record<string, string | string[]> }[] = [
  {
    name: 'client-sent X-Forwarded-* and Forwarded are dropped, never appended to',
    input: {
      host: 'web.test',
      'x-forwarded-for': '6.6.6.6',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': '1',
      forwarded: 'for=6.6.6.6;host=evil.example',
      'x-real-ip': '6.6.6.6',
      accept: '*/*',
    },
    expected: { host: 'web.test', accept: '*/*', ...OURS },
  },
  {
    name: 'a client cannot delete the forwarding headers through Connection',
    input: { host: 'web.test', connection: 'X-Forwarded-For, Forwarded', accept: '*/*' },
    expected: { host: 'web.test', accept: '*/*', ...OURS },
  },
  {
    name: 'Host per the upstream mode',
    input: { host: 'web.test', accept: '*/*' },
    host: 'localhost:5173',
    expected: { host: 'localhost:5173', accept: '*/*', ...OURS },
  },
  {
    name: 'HTTP/2 request to an HTTP/1.1 upstream',
    input: { ':method': 'POST', ':path': '/api', ':scheme': 'https', ':authority': 'web.test', 'content-type': 'application/json', te: 'trailers' },
    expected: { host: 'web.test', 'content-type': 'application/json', te: 'trailers', ...OURS },
  },
  {
    name: 'IPv6 peer on the fallback port',
    input: { host: 'web.test:8443' },
    info: { peerAddress: '::1', proto: 'https', host: 'web.test:8443', port: 8443 },
    host: 'web.test:8443',
    expected: {
      host: 'web.test:8443',
      'x-forwarded-for': '::1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'web.test:8443',
      'x-forwarded-port': '8443',
      forwarded: 'for="[::1]";host="web.test:8443";proto=https',
    },
  },
  {
    name: 'websocket handshake keeps its upgrade headers',
    input: { host: 'web.test', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k', origin: 'https://web.test' },
    expected: { host: 'web.test', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k', origin: 'https://web.test', ...OURS },
  },
];

describe('upstreamRequestHeaders', () => {
  it.each(cases)('$name', ({ input, info, host, expected }) => {
    expect(upstreamRequestHeaders(input, info ?? HTTPS_INFO, host ?? 'web.test')).toEqual(expected);
  });
});

describe('rewriteRequestHeadersInPlace', () => {
  it.each(cases)('$name: same result, pseudo-headers left for the h2 request object', ({ input, info, host, expected }) => {
    const headers = { ...input } as Record<string, string | string[] | number | undefined>;
    rewriteRequestHeadersInPlace(headers, info ?? HTTPS_INFO, host ?? 'web.test');
    const pseudo = Object.fromEntries(Object.entries(input).filter(([name]) => name.startsWith(':')));
    expect(headers).toEqual({ ...expected, ...pseudo });
  });
});
