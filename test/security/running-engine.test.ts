/**
 * The real `portico serve` process, seen from outside (issue 8, "nobody gets in"):
 *  - it listens on the two proxy ports and the control port only, and only on loopback
 *    (security-requirements.md API-1/API-2, RP-1), read from /proc like `ss -ltnp` would;
 *  - its control API applies the attack-suite gates (the full per-command suite runs against the
 *    same server code in test/integration/control/attack-suite.test.ts);
 *  - the CA private key appears in none of its output, API answers, events or CLI output (CA-6);
 *  - random bytes on each of its ports leave it alive and serving.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../shared/contract';
import { createControlClient, readControlFile, type ControlEvent } from '../../main/control';
import { postCommand, rawRequest } from '../integration/control/harness';
import { tempHome } from '../helpers/portico-home';
import { request, startUpstream, type Upstream } from '../helpers/proxy-harness';
import { runCli } from '../helpers/run-cli';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { keySecrets, leaksOf } from './support/key-secrets';
import { listeningSockets } from './support/proc-sockets';

let home: Awaited<ReturnType<typeof tempHome>>;
let env: NodeJS.ProcessEnv;
let serve: ServeProcess;
let upstream: Upstream;
let control: { port: number; token: string; url: string };
let caPem: string;

async function untilServed(path: string): Promise<number> {
  let status = 0;
  for (let attempt = 0; attempt < 100 && status !== 200; attempt += 1) {
    status = await request({ port: serve.httpsPort, host: 'web.localhost', path, ca: caPem }).then((reply) => reply.status, () => 0);
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return status;
}

beforeAll(async () => {
  home = await tempHome('portico-running-');
  env = { PORTICO_HOME: home.dir, HOME: home.dir };
  upstream = await startUpstream();
  serve = await startServe(env);
  const record = await readControlFile(join(home.dir, 'control.json'));
  if (!record) throw new Error('portico serve published no control.json');
  control = record;
  caPem = await readFile(join(home.dir, 'ca', 'root.pem'), 'utf8');
  await createControlClient(control).call('projects.add', { name: 'web', port: upstream.port });
  expect(await untilServed('/ready')).toBe(200);
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  await upstream?.close();
  await home?.cleanup();
});

describe.skipIf(process.platform !== 'linux')('listening sockets of the running process', () => {
  it('are the HTTPS, HTTP and control ports, on loopback addresses only, and nothing on UDP', async () => {
    const sockets = await listeningSockets(serve.child.pid!);
    expect(sockets.filter((socket) => socket.protocol.startsWith('udp'))).toEqual([]);
    expect(new Set(sockets.map((socket) => socket.port))).toEqual(new Set([serve.httpsPort, serve.httpPort, control.port]));
    for (const socket of sockets) expect(['127.0.0.1', '::1'], `${socket.protocol} ${socket.address}:${socket.port}`).toContain(socket.address);
    // The proxy ports are bound on 127.0.0.1 at least (and ::1 where the machine has it).
    const proxyV4 = sockets.filter((socket) => socket.address === '127.0.0.1' && socket.port !== control.port).map((socket) => socket.port);
    expect(proxyV4.sort()).toEqual([serve.httpsPort, serve.httpPort].sort());
  });
});

/** Headers that pass every gate of the control API. */
const good = () => ({ host: `127.0.0.1:${control.port}`, authorization: `Bearer ${control.token}`, 'content-type': 'application/json' });

describe('the control API of the running process', () => {
  const addInput = { name: 'intruder', port: 4444 };

  it('refuses a foreign Host, a foreign Origin, no token, a wrong token, text/plain and GET — and nothing changes', async () => {
    const refusals: Array<[string, () => Promise<{ status: number }>, number]> = [
      ['a rebinding Host', () => postCommand(control.port, 'projects.add', { ...good(), host: `attacker.example:${control.port}` }, addInput), 403],
      ['a foreign Origin', () => postCommand(control.port, 'projects.add', { ...good(), origin: 'https://evil.example' }, addInput), 403],
      ['no token', () => postCommand(control.port, 'projects.add', { host: good().host, 'content-type': 'application/json' }, addInput), 401],
      ['a wrong token', () => postCommand(control.port, 'projects.add', { ...good(), authorization: `Bearer ${'0'.repeat(control.token.length)}` }, addInput), 401],
      ['text/plain (a CSRF simple request)', () => postCommand(control.port, 'projects.add', { ...good(), 'content-type': 'text/plain' }, addInput), 415],
      ['GET with side effects', () => rawRequest(control.port, { method: 'GET', path: '/api/projects.add', headers: good() }), 405],
      ['an event stream without a token', () => rawRequest(control.port, { method: 'GET', path: '/api/events', headers: { host: good().host } }), 401],
    ];
    for (const [name, attempt, status] of refusals) expect((await attempt()).status, name).toBe(status);
    const projects = await createControlClient(control).call('projects.list', {});
    expect(projects.map((project) => project.name)).toEqual(['web']);
  });
});

describe('certificates for names no project serves (a web page can make the browser ask for any)', () => {
  function handshake(servername: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: serve.httpsPort, servername, ca: caPem });
      socket.once('secureConnect', () => {
        resolve('ok');
        socket.destroy();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  }

  it('are minted in memory at a bounded rate, never outside the CA’s suffixes, and never at the expense of real projects', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 25; i += 1) outcomes.push(await handshake(`probe-${i}-${randomBytes(4).toString('hex')}.localhost`));
    const minted = outcomes.filter((outcome) => outcome === 'ok').length;
    expect(minted).toBeGreaterThan(0);
    expect(minted).toBeLessThan(outcomes.length);
    expect(await handshake('bank.example')).not.toBe('ok');
    expect(await handshake('web.localhost')).toBe('ok');
    const written = await readdir(join(home.dir, 'certs'));
    expect(written.filter((name) => name.startsWith('probe-'))).toEqual([]);
  });
});

describe('the CA private key never leaves the key file', () => {
  it('is in no output, API answer, event or CLI output of a working engine', async () => {
    const secrets = keySecrets(await readFile(join(home.dir, 'ca', 'root-key.pem'), 'utf8'), caPem);
    const seen: string[] = [];
    const client = createControlClient(control);

    // Events while something changes.
    const events: ControlEvent[] = [];
    const subscription = client.subscribe([], (event) => events.push(event));
    await subscription.ready;
    await client.call('projects.add', { name: 'api', port: upstream.port });
    await client.call('projects.remove', { name: 'api' });

    // Traffic of every kind: proxied, redirected, unknown host, TLS details in the log.
    seen.push(JSON.stringify(await request({ port: serve.httpsPort, host: 'web.localhost', path: '/x', ca: caPem })));
    seen.push(JSON.stringify(await request({ port: serve.httpPort, host: 'web.localhost', path: '/x' })));
    seen.push(JSON.stringify(await request({ port: serve.httpPort, host: 'nobody.localhost', path: '/' })));

    // Every read-only command, and failing ones (their error messages).
    const inputs: Record<string, unknown> = { 'projects.get': { name: 'web' }, 'certs.get': { name: 'web' }, 'requests.recent': { limit: 50 } };
    for (const name of COMMAND_NAMES.filter((n) => /^(status|projects\.(list|get)|ca\.get|certs\.get|trust\.status|requests\.recent)$/.test(n))) {
      seen.push((await postCommand(control.port, name, good(), inputs[name] ?? {})).body);
    }
    for (const [name, input] of [['projects.get', { name: 'missing' }], ['certs.get', { name: 'missing' }], ['projects.add', { name: 'Bad Name', port: 1 }], ['ca.rotate', { addSuffixes: ['not a suffix'] }]] as const) {
      seen.push((await postCommand(control.port, name, good(), input)).body);
    }

    // The CLI, as a user runs it against the engine.
    for (const args of [['status', '--json'], ['ca', '--json'], ['cert', 'web', '--json']]) {
      const result = await runCli(args, env);
      seen.push(result.stdout, result.stderr);
    }

    subscription.close();
    await subscription.done;
    expect(events.length).toBeGreaterThan(0);
    seen.push(JSON.stringify(events), serve.stdout(), serve.stderr());
    // Files the engine writes for others to read.
    for (const file of ['control.json', 'config.json', 'engine.json', join('ca', 'root.pem')]) seen.push(await readFile(join(home.dir, file), 'utf8').catch(() => ''));

    expect(leaksOf(secrets, seen)).toEqual([]);
  });
});

describe('the CA private key in failure output', () => {
  /** A data dir holding this engine's root certificate next to `keyPem`. */
  async function damagedHome(keyPem: string): Promise<Awaited<ReturnType<typeof tempHome>>> {
    const damaged = await tempHome('portico-damaged-ca-');
    await mkdir(join(damaged.dir, 'ca'), { recursive: true, mode: 0o700 });
    await writeFile(join(damaged.dir, 'ca', 'root.pem'), caPem);
    await writeFile(join(damaged.dir, 'ca', 'root-key.pem'), keyPem, { mode: 0o600 });
    return damaged;
  }

  /** Everything `portico serve` and `portico ca` print when they cannot use the CA. */
  async function failureOutput(dir: string): Promise<string[]> {
    const damagedEnv = { PORTICO_HOME: dir, HOME: dir };
    const started = await startServe(damagedEnv).then(
      async (unexpected) => {
        await unexpected.stop();
        return 'started';
      },
      (error: unknown) => String(error),
    );
    expect(started).not.toBe('started');
    const ca = await runCli(['ca', '--json'], damagedEnv);
    expect(ca.code).not.toBe(0);
    return [started, ca.stdout, ca.stderr];
  }

  const keyFile = () => readFile(join(home.dir, 'ca', 'root-key.pem'), 'utf8');

  it('a key that does not match the root: the error names the file, and shows neither key', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const damaged = await damagedHome(otherKey);
    try {
      const output = await failureOutput(damaged.dir);
      expect(output.join('\n')).toContain('root-key.pem');
      expect(leaksOf(keySecrets(otherKey, caPem), output)).toEqual([]);
      expect(leaksOf(keySecrets(await keyFile(), caPem), output)).toEqual([]);
    } finally {
      await damaged.cleanup();
    }
  });

  it('a truncated key: the parse error does not echo what it read', async () => {
    const real = await keyFile();
    const lines = real.trim().split('\n');
    const truncated = `${lines.slice(0, Math.floor(lines.length / 2)).join('\n')}\n-----END PRIVATE KEY-----\n`;
    const damaged = await damagedHome(truncated);
    try {
      const output = await failureOutput(damaged.dir);
      expect(leaksOf(keySecrets(real, caPem), output)).toEqual([]);
    } finally {
      await damaged.cleanup();
    }
  });
});

describe('random bytes on every port', () => {
  function sendAndClose(port: number, bytes: Buffer): Promise<void> {
    return new Promise((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port });
      socket.on('connect', () => socket.end(bytes));
      socket.on('data', () => undefined);
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
    });
  }

  it('leave the process running and serving', async () => {
    const payloads = Array.from({ length: 30 }, (_, i) => randomBytes(1 + ((i * 389) % 8192)));
    payloads.push(Buffer.from([0x16, 0x03, 0x03, 0xff, 0xff]), Buffer.from('\x16\x03\x01\x00\x05hello'), Buffer.alloc(20_000, 0));
    for (const port of [serve.httpsPort, serve.httpPort, control.port]) await Promise.all(payloads.map((bytes) => sendAndClose(port, bytes)));
    expect(serve.child.exitCode).toBeNull();
    expect(await untilServed('/after-garbage')).toBe(200);
    expect((await createControlClient(control).call('projects.list', {})).map((project) => project.name)).toEqual(['web']);
  });
});
