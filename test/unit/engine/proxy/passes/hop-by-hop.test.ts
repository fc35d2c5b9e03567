import { describe, expect, it } from 'vitest';
import type { InboundHeaders } from '../../../../../main/engine/proxy/passes/headers';
import { isWebSocketUpgrade, requestHeadersForUpstream, responseHeadersForClient } from '../../../../../main/engine/proxy/passes/hop-by-hop';

describe('requestHeadersForUpstream', () => {
  const cases: { name: string; input: InboundHeaders; expected: Record<string, string | string[]> }[] = [
    {
      name: "a client's Connection: close does not reach the pooled upstream socket",
      input: { host: 'web.test', connection: 'close', accept: '*/*' },
      expected: { host: 'web.test', accept: '*/*' },
    },
    {
      name: 'headers named by Connection are dropped',
      input: { host: 'web.test', connection: 'keep-alive, X-Secret , x-other', 'x-secret': '1', 'x-other': '2', 'x-kept': '3' },
      expected: { host: 'web.test', 'x-kept': '3' },
    },
    {
      name: 'the fixed hop-by-hop set is dropped',
      input: {
        host: 'web.test',
        'keep-alive': 'timeout=5',
        'proxy-connection': 'keep-alive',
        'proxy-authorization': 'Basic eDp5',
        'proxy-authenticate': 'Basic',
        trailer: 'x-checksum',
        upgrade: 'h2c',
        'x-kept': '1',
      },
      expected: { host: 'web.test', 'x-kept': '1' },
    },
    {
      name: 'TE keeps only trailers',
      input: { host: 'web.test', connection: 'TE', te: 'trailers, deflate;q=0.5' },
      expected: { host: 'web.test', te: 'trailers' },
    },
    {
      name: 'TE without trailers is dropped',
      input: { host: 'web.test', te: 'gzip' },
      expected: { host: 'web.test' },
    },
    {
      name: 'Transfer-Encoding is kept so the body stays framed',
      input: { host: 'web.test', 'transfer-encoding': 'chunked' },
      expected: { host: 'web.test', 'transfer-encoding': 'chunked' },
    },
    {
      name: 'Connection cannot remove framing or Host',
      input: { host: 'web.test', connection: 'content-length, transfer-encoding, host', 'content-length': '5' },
      expected: { host: 'web.test', 'content-length': '5' },
    },
    {
      name: 'websocket upgrade keeps Upgrade and Connection: Upgrade, drops the rest of Connection',
      input: { host: 'web.test', connection: 'keep-alive, Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k', 'sec-websocket-version': '13', 'keep-alive': '5' },
      expected: { host: 'web.test', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k', 'sec-websocket-version': '13' },
    },
    {
      name: 'h2c upgrade is not a websocket upgrade',
      input: { host: 'web.test', connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAA' },
      expected: { host: 'web.test' },
    },
    {
      name: 'HTTP/2 pseudo-headers dropped, :authority becomes Host',
      input: { ':method': 'GET', ':path': '/a?b', ':scheme': 'https', ':authority': 'web.test:8443', accept: 'text/html', cookie: 'a=1; b=2' },
      expected: { host: 'web.test:8443', accept: 'text/html', cookie: 'a=1; b=2' },
    },
    {
      name: ':authority wins over a Host header',
      input: { ':authority': 'web.test', host: 'other.test', accept: '*/*' },
      expected: { host: 'web.test', accept: '*/*' },
    },
    {
      name: 'Set-Cookie-like arrays pass through untouched',
      input: { host: 'web.test', 'x-multi': ['a', 'b'] },
      expected: { host: 'web.test', 'x-multi': ['a', 'b'] },
    },
  ];

  it.each(cases)('$name', ({ input, expected }) => {
    const before = structuredClone(input);
    expect(requestHeadersForUpstream(input)).toEqual(expected);
    expect(input).toEqual(before);
  });
});

describe('responseHeadersForClient', () => {
  const cases: { name: string; input: InboundHeaders; upgrade?: boolean; expected: Record<string, string | string[]> }[] = [
    {
      name: "an upstream's Connection: close and Keep-Alive never reach the client",
      input: { 'content-type': 'text/html', connection: 'close', 'keep-alive': 'timeout=5' },
      expected: { 'content-type': 'text/html' },
    },
    {
      name: 'every header HTTP/2 forbids is removed (RFC 9113 §8.2.2)',
      input: { 'content-length': '2', connection: 'keep-alive', 'keep-alive': 'timeout=5', 'proxy-connection': 'x', 'transfer-encoding': 'chunked', upgrade: 'h2c', te: 'trailers' },
      expected: { 'content-length': '2' },
    },
    {
      name: 'headers named by Connection are dropped',
      input: { connection: 'X-Internal', 'x-internal': 'secret', etag: '"1"' },
      expected: { etag: '"1"' },
    },
    {
      name: 'Trailer and Proxy-Authenticate dropped',
      input: { trailer: 'x-checksum', 'proxy-authenticate': 'Basic', vary: 'accept' },
      expected: { vary: 'accept' },
    },
    {
      name: 'Set-Cookie array kept as an array',
      input: { 'set-cookie': ['a=1', 'b=2'], connection: 'close' },
      expected: { 'set-cookie': ['a=1', 'b=2'] },
    },
    {
      name: '101 keeps Upgrade and Connection: Upgrade',
      input: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-accept': 'x', 'keep-alive': '1' },
      upgrade: true,
      expected: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-accept': 'x' },
    },
    {
      name: 'upgrade flag without Upgrade header adds nothing',
      input: { 'sec-websocket-accept': 'x', connection: 'close' },
      upgrade: true,
      expected: { 'sec-websocket-accept': 'x' },
    },
  ];

  it.each(cases)('$name', ({ input, upgrade, expected }) => {
    expect(responseHeadersForClient(input, upgrade)).toEqual(expected);
  });
});

describe('isWebSocketUpgrade', () => {
  const cases = [
    { name: 'websocket with Connection: Upgrade', headers: { upgrade: 'websocket', connection: 'Upgrade' }, expected: true },
    { name: 'case-insensitive, listed with keep-alive', headers: { upgrade: 'WebSocket', connection: 'keep-alive, upgrade' }, expected: true },
    { name: 'Upgrade without Connection: upgrade', headers: { upgrade: 'websocket', connection: 'keep-alive' }, expected: false },
    { name: 'h2c', headers: { upgrade: 'h2c', connection: 'Upgrade, HTTP2-Settings' }, expected: false },
    { name: 'no Upgrade', headers: { connection: 'upgrade' }, expected: false },
  ];
  it.each(cases)('$name', ({ headers, expected }) => {
    expect(isWebSocketUpgrade(headers)).toBe(expected);
  });
});
