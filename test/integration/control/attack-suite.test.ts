/**
 * security-requirements §4 (API-2 … API-6) against a real server: every command, every gate.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../../shared/contract';
import { startControlServer } from '../../../main/control/http-server';
import { createDispatcher } from '../../../main/control/dispatch';
import { silentLogger } from '../../../main/control/logger';
import { PorticoError } from '../../../main/engine/errors';
import { createEventBus } from '../../../main/engine/events';
import { validInputs, recordingHandlers } from '../../unit/control/fake-handlers';
import { postCommand, rawRequest, startHarness } from './harness';

let harness: Awaited<ReturnType<typeof startHarness>>;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(async () => {
  await harness.server.close();
});

const errorCode = (body: string) => (JSON.parse(body) as { error?: { code?: string } }).error?.code;

describe('Host allow-list (API-3: DNS rebinding)', () => {
  const foreignHosts = (port: number): Array<[string, string]> => [
    ['a rebinding name with a valid token', `attacker.example:${port}`],
    ['a wildcard-DNS loopback name', `127.0.0.1.nip.io:${port}`],
    ['a localhost-prefixed name', `localhost.attacker.example:${port}`],
    ['a localhost-prefixed name without port', 'localhost.attacker.example'],
    ['our address on another port', `127.0.0.1:${port + 1}`],
  ];

  it.each(COMMAND_NAMES)('%s: every foreign Host → 403 even with a valid token', async (name) => {
    for (const [label, host] of foreignHosts(harness.server.port)) {
      const res = await postCommand(harness.server.port, name, harness.good({ host }), validInputs[name]);
      expect(res.status, label).toBe(403);
      expect(errorCode(res.body), label).toBe('E_FORBIDDEN');
    }
    expect(harness.calls).toEqual([]);
  });

  it('a missing Host on HTTP/1.1 is refused', async () => {
    const { host: _host, ...noHost } = harness.good();
    const res = await postCommand(harness.server.port, 'projects.add', noHost, validInputs['projects.add']);
    expect([400, 403]).toContain(res.status);
    expect(harness.calls).toEqual([]);
  });

  it('a missing Host on HTTP/1.0 (which Node lets through) is refused with 403', async () => {
    const socket = connect(harness.server.port, '127.0.0.1');
    const body = JSON.stringify(validInputs['projects.add']);
    socket.end(
      `POST /api/projects.add HTTP/1.0\r\nAuthorization: Bearer ${harness.server.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    let answer = '';
    for await (const chunk of socket) answer += String(chunk);
    expect(answer).toMatch(/^HTTP\/1\.[01] 403 /);
    expect(harness.calls).toEqual([]);
  });

  it('the static dashboard route is behind the Host check too', async () => {
    const res = await rawRequest(harness.server.port, { path: '/', headers: { host: `attacker.example:${harness.server.port}` } });
    expect(res.status).toBe(403);
  });

  it('localhost:<port> is accepted', async () => {
    const res = await postCommand(harness.server.port, 'status.get', harness.good({ host: `localhost:${harness.server.port}` }));
    expect(res.status).toBe(200);
  });
});

describe('Origin check (API-4)', () => {
  const foreignOrigins: Array<[string, string]> = [
    ['a foreign site', 'https://evil.example'],
    ['a bare IP (webpack-dev-server CVE-2025-30360)', 'http://1.2.3.4'],
    ['an opaque origin', 'null'],
    ['loopback on another port', 'http://127.0.0.1:1'],
  ];

  it.each(COMMAND_NAMES)('%s: every foreign Origin → 403 even with a valid token', async (name) => {
    for (const [label, origin] of foreignOrigins) {
      const res = await postCommand(harness.server.port, name, harness.good({ origin }), validInputs[name]);
      expect(res.status, label).toBe(403);
    }
    expect(harness.calls).toEqual([]);
  });

  it('our own origin and no origin (CLI) are accepted', async () => {
    const port = harness.server.port;
    for (const headers of [harness.good({ origin: `http://127.0.0.1:${port}` }), harness.good({ origin: `http://localhost:${port}` }), harness.good()]) {
      expect((await postCommand(port, 'status.get', headers)).status).toBe(200);
    }
  });
});

describe('bearer token (API-5)', () => {
  it.each(COMMAND_NAMES)('%s: no token, a wrong token, a token of the wrong length, a non-bearer scheme → 401', async (name) => {
    const { authorization: _auth, ...noToken } = harness.good();
    const wrong = harness.server.token.replace(/./, (c) => (c === 'a' ? 'b' : 'a'));
    const cases: Array<[string, typeof noToken]> = [
      ['no token', noToken],
      ['a wrong token', { ...noToken, authorization: `Bearer ${wrong}` }],
      ['a shorter token', { ...noToken, authorization: `Bearer ${harness.server.token.slice(0, -1)}` }],
      ['a longer token', { ...noToken, authorization: `Bearer ${harness.server.token}0` }],
      ['Basic scheme', { ...noToken, authorization: `Basic ${Buffer.from(`x:${harness.server.token}`).toString('base64')}` }],
    ];
    for (const [label, headers] of cases) {
      const res = await postCommand(harness.server.port, name, headers, validInputs[name]);
      expect(res.status, label).toBe(401);
      expect(res.headers['www-authenticate'], label).toMatch(/^Bearer/);
      expect(errorCode(res.body), label).toBe('E_UNAUTHORIZED');
    }
    expect(harness.calls).toEqual([]);
  });

  it('the token is not accepted in the query string', async () => {
    const { authorization: _auth, ...noToken } = harness.good();
    const res = await rawRequest(harness.server.port, { method: 'POST', path: `/api/status.get?token=${harness.server.token}`, headers: noToken, body: '{}' });
    expect(res.status).toBe(401);
  });

  it('a restart invalidates the old token', async () => {
    const old = harness.server.token;
    const next = await startControlServer({ dispatcher: createDispatcher(recordingHandlers().handlers), events: createEventBus(), logger: silentLogger });
    try {
      expect(next.token).not.toBe(old);
      const res = await postCommand(next.port, 'status.get', { host: `127.0.0.1:${next.port}`, authorization: `Bearer ${old}`, 'content-type': 'application/json' });
      expect(res.status).toBe(401);
    } finally {
      await next.close();
    }
  });
});

describe('no simple requests, no CORS (API-6)', () => {
  const simpleTypes = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-patch+json'];

  it.each(COMMAND_NAMES)('%s: a non-JSON Content-Type with a valid token → 415', async (name) => {
    for (const type of simpleTypes) {
      const res = await postCommand(harness.server.port, name, harness.good({ 'content-type': type }), validInputs[name]);
      expect(res.status, type).toBe(415);
    }
    const { 'content-type': _type, ...noType } = harness.good();
    expect((await postCommand(harness.server.port, name, noType, validInputs[name])).status).toBe(415);
    expect(harness.calls).toEqual([]);
  });

  it.each(COMMAND_NAMES)('%s: GET, PUT and DELETE → 405 with no side effect', async (name) => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await rawRequest(harness.server.port, { method, path: `/api/${name}`, headers: harness.good() });
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe('POST');
    }
    expect(harness.calls).toEqual([]);
  });

  it('an OPTIONS preflight gets no Access-Control-Allow-Origin, with or without a token', async () => {
    const preflight = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' };
    const port = harness.server.port;
    const { authorization: _auth, ...noToken } = harness.good();
    const answers = [
      await rawRequest(port, { method: 'OPTIONS', path: '/api/projects.add', headers: { ...harness.good(), ...preflight } }),
      await rawRequest(port, { method: 'OPTIONS', path: '/api/projects.add', headers: { ...noToken, ...preflight } }),
      await rawRequest(port, { method: 'OPTIONS', path: '/api/projects.add', headers: { ...noToken, ...preflight, origin: 'https://evil.example' } }),
      await rawRequest(port, { method: 'OPTIONS', path: '/', headers: { host: `127.0.0.1:${port}`, ...preflight } }),
    ];
    expect(answers.map((res) => res.status)).toEqual([405, 401, 403, 405]);
    for (const res of answers) expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(harness.calls).toEqual([]);
  });

  it('a body over the limit → 413', async () => {
    const res = await rawRequest(harness.server.port, { method: 'POST', path: '/api/projects.add', headers: harness.good(), body: `{"name":"${'x'.repeat(1024 * 1024)}"}` });
    expect(res.status).toBe(413);
    expect(harness.calls).toEqual([]);
  });

  it('a body over the limit without Content-Length (chunked) → 413', async () => {
    const small = await startHarness({ bodyLimit: 64 });
    try {
      const res = await rawRequest(small.server.port, {
        method: 'POST',
        path: '/api/projects.add',
        headers: small.good({ 'transfer-encoding': 'chunked' }),
        body: JSON.stringify({ name: 'x'.repeat(200) }),
      });
      expect(res.status).toBe(413);
      expect(small.calls).toEqual([]);
    } finally {
      await small.server.close();
    }
  });

  it('invalid JSON → 400 E_INVALID_INPUT', async () => {
    const res = await rawRequest(harness.server.port, { method: 'POST', path: '/api/projects.add', headers: harness.good(), body: '{"name":' });
    expect(res.status).toBe(400);
    expect(errorCode(res.body)).toBe('E_INVALID_INPUT');
  });
});

describe('the event stream is guarded like every route', () => {
  it('without a token → 401', async () => {
    const { authorization: _auth, ...noToken } = harness.good();
    expect((await rawRequest(harness.server.port, { path: '/api/events', headers: noToken })).status).toBe(401);
  });

  it('with a foreign Host → 403, even with a token', async () => {
    const res = await rawRequest(harness.server.port, { path: '/api/events', headers: harness.good({ host: `attacker.example:${harness.server.port}` }) });
    expect(res.status).toBe(403);
  });

  it('with a foreign Origin → 403, even with a token', async () => {
    const res = await rawRequest(harness.server.port, { path: '/api/events', headers: harness.good({ origin: 'http://1.2.3.4' }) });
    expect(res.status).toBe(403);
  });

  it('by POST → 405', async () => {
    expect((await rawRequest(harness.server.port, { method: 'POST', path: '/api/events', headers: harness.good(), body: '{}' })).status).toBe(405);
  });
});

describe('valid requests', () => {
  it.each(COMMAND_NAMES)('%s reaches its handler with the parsed input and answers the Result', async (name) => {
    const res = await postCommand(harness.server.port, name, harness.good(), validInputs[name]);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(JSON.parse(res.body)).toMatchObject({ ok: true });
    expect(harness.calls.map((call) => call.name)).toEqual([name]);
  });

  it('an unknown command → 404 E_UNKNOWN_COMMAND', async () => {
    const res = await postCommand(harness.server.port, 'projects.nuke', harness.good());
    expect(res.status).toBe(404);
    expect(errorCode(res.body)).toBe('E_UNKNOWN_COMMAND');
  });

  it('invalid input → 400 naming the field', async () => {
    const res = await postCommand(harness.server.port, 'projects.setHttps', harness.good(), { name: 'web', enabled: 'yes' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT', message: expect.stringContaining('enabled') } });
  });
});

describe('handler failures', () => {
  const cases: Array<[string, Error, number]> = [
    ['E_PROJECT_NOT_FOUND', new PorticoError('E_PROJECT_NOT_FOUND', 'no project "web". List them with `portico list`.'), 404],
    ['E_DUPLICATE_DOMAIN', new PorticoError('E_DUPLICATE_DOMAIN', 'web.localhost is taken'), 409],
    ['E_TRUST_FAILED', new PorticoError('E_TRUST_FAILED', 'certutil refused'), 422],
  ];
  it.each(cases)('a thrown PorticoError %s travels with its code, message and status', async (code, error, status) => {
    const failing = await startHarness({ overrides: { 'projects.get': async () => Promise.reject(error) } });
    try {
      const res = await postCommand(failing.server.port, 'projects.get', failing.good(), { name: 'web' });
      expect(res.status).toBe(status);
      expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code, message: error.message } });
    } finally {
      await failing.server.close();
    }
  });

  it('a plain Error → 500 E_INTERNAL with no stack, message or path in the body; the stack is logged locally', async () => {
    const secret = new Error('EACCES: /home/alice/.ssh/id_ed25519');
    const failing = await startHarness({ overrides: { 'projects.get': async () => Promise.reject(secret) } });
    try {
      const res = await postCommand(failing.server.port, 'projects.get', failing.good(), { name: 'web' });
      expect(res.status).toBe(500);
      expect(errorCode(res.body)).toBe('E_INTERNAL');
      expect(res.body).not.toContain('/home/alice');
      expect(res.body).not.toContain('EACCES');
      expect(res.body).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
      expect(res.body).not.toContain('stack');
      expect(failing.logged.some((entry) => entry.error === secret)).toBe(true);
    } finally {
      await failing.server.close();
    }
  });
});

describe('loopback binding (API-2)', () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal)?.address;

  it.skipIf(external === undefined)('the port is not reachable on a non-loopback address', async () => {
    const socket = connect(harness.server.port, external!);
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    socket.destroy();
    expect(outcome).not.toBe('connected');
  });
});
