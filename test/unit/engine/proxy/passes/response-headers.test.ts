import { describe, expect, it } from 'vitest';
import type { InboundHeaders } from '../../../../../main/engine/proxy/passes/headers';
import { clientResponseHeaders, responsePlanFor, type ResponseContext, type ResponseSettings } from '../../../../../main/engine/proxy/passes/response-headers';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const DEV: ResponseSettings = { upstream: 'http://localhost:5173', hsts: 'dev', secureCookies: true };
const HTTPS: ResponseContext = { secure: true, origin: 'https://web.test', upgrade: false, nowMs: NOW };
const HTTP: ResponseContext = { secure: false, origin: 'http://web.test', upgrade: false, nowMs: NOW };

const cases: { name: string; settings?: ResponseSettings; context?: ResponseContext; input: InboundHeaders; expected: Record<string, string | string[]>; cookiesChanged?: number }[] = [
  {
    name: 'HTTPS: policy HSTS added',
    input: { 'content-type': 'text/html' },
    expected: { 'content-type': 'text/html', 'strict-transport-security': 'max-age=3600' },
  },
  {
    name: "HTTPS: the upstream's own HSTS is replaced by the policy",
    input: { 'strict-transport-security': 'max-age=31536000; includeSubDomains; preload' },
    expected: { 'strict-transport-security': 'max-age=3600' },
  },
  {
    name: "HTTPS, policy off: the upstream's HSTS is removed",
    settings: { ...DEV, hsts: 'off' },
    input: { 'strict-transport-security': 'max-age=63072000', etag: '"x"' },
    expected: { etag: '"x"' },
  },
  {
    name: 'HTTPS, policy off inside a reset window: max-age=0',
    settings: { ...DEV, hsts: 'off', hstsResetUntil: '2026-03-01T13:00:00.000Z' },
    input: {},
    expected: { 'strict-transport-security': 'max-age=0' },
  },
  {
    name: 'HTTP: never any HSTS, cookies untouched',
    context: HTTP,
    input: { 'strict-transport-security': 'max-age=100', 'set-cookie': ['a=1; Domain=localhost'] },
    expected: { 'set-cookie': ['a=1; Domain=localhost'] },
  },
  {
    name: 'HTTPS: cookies rewritten and counted',
    input: { 'set-cookie': ['a=1; Domain=localhost; Path=/', 'b=2; Secure'] },
    expected: { 'set-cookie': ['a=1; Path=/; Secure', 'b=2; Secure'], 'strict-transport-security': 'max-age=3600' },
    cookiesChanged: 1,
  },
  {
    name: 'HTTPS, secureCookies off: only SameSite=None gains Secure',
    settings: { ...DEV, secureCookies: false },
    input: { 'set-cookie': ['a=1; Domain=localhost', 'b=2; SameSite=None'] },
    expected: { 'set-cookie': ['a=1; Domain=localhost', 'b=2; SameSite=None; Secure'], 'strict-transport-security': 'max-age=3600' },
    cookiesChanged: 1,
  },
  {
    name: 'Location to the upstream becomes the public origin',
    input: { location: 'http://127.0.0.1:5173/login' },
    expected: { location: 'https://web.test/login', 'strict-transport-security': 'max-age=3600' },
  },
  {
    name: 'HTTPS-off project: Location to the http public origin',
    context: HTTP,
    input: { location: 'http://localhost:5173/login' },
    expected: { location: 'http://web.test/login' },
  },
  {
    name: 'hop-by-hop removed on the way back',
    input: { connection: 'close, x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', 'content-type': 'text/plain' },
    expected: { 'content-type': 'text/plain', 'strict-transport-security': 'max-age=3600' },
  },
  {
    name: '101 keeps the upgrade headers',
    context: { ...HTTPS, upgrade: true },
    input: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-accept': 'abc' },
    expected: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-accept': 'abc', 'strict-transport-security': 'max-age=3600' },
  },
];

describe('clientResponseHeaders', () => {
  it.each(cases)('$name', ({ settings, context, input, expected, cookiesChanged }) => {
    const result = clientResponseHeaders(input, responsePlanFor(settings ?? DEV), context ?? HTTPS);
    expect(result.headers).toEqual(expected);
    expect(result.cookiesChanged).toBe(cookiesChanged ?? 0);
  });

  it('takes a reset time already parsed to epoch ms (the route table form)', () => {
    const plan = responsePlanFor({ ...DEV, hsts: 'off', hstsResetUntil: NOW + 1000 });
    expect(clientResponseHeaders({}, plan, HTTPS).headers).toEqual({ 'strict-transport-security': 'max-age=0' });
    expect(clientResponseHeaders({}, plan, { ...HTTPS, nowMs: NOW + 1000 }).headers).toEqual({});
  });
});
