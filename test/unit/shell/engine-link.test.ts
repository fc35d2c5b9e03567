/**
 * The app's engine process model, end to end under Node: the engine host (what the utility
 * process runs) with the real engine and control API, the main side's link over the in-memory
 * message channel (structured-cloned like Electron's), the CA key sealed through the relay, and
 * attaching to an engine that already runs on the data dir.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../shared/contract';
import { controlFilePath, createControlClient, readControlFile } from '../../../main/control';
import { PorticoError } from '../../../main/engine/errors';
import { readEngineRecord } from '../../../main/engine/instance';
import type { KeyProtector } from '../../../main/engine/pki';
import { startEngine } from '../../../main/engine/runtime';
import { dataPaths } from '../../../main/engine/system/data-dir';
import { createEndpointPair, inProcessHost } from '../../../main/shell/engine-endpoints';
import { enginePortsFromEnv, runEngineHost } from '../../../main/shell/engine-host';
import type { StartEngine } from '../../../main/shell/engine-host';
import { attachEngine, connectEngine, spawnEngine } from '../../../main/shell/engine-link';
import type { EngineLink, HostProcess } from '../../../main/shell/engine-link';
import { chooseEngineProcess, planEngine, readEnginePlan } from '../../../main/shell/engine-plan';
import { relayedKeyProtector, serveKeyRequests } from '../../../main/shell/key-relay';
import { isSealedKeyFile } from '../../../main/engine/pki/sealed-key';
import { tempHome } from '../../helpers/portico-home';

/** A reversible stand-in for safeStorage's cipher (the real one needs the Electron runtime). */
const fakeSafeStorageProtector = (): KeyProtector & { unsealed: number } => {
  const protector = {
    unsealed: 0,
    seal: async (pem: string) => `PORTICO-SEALED-KEY v1 safeStorage\n${Buffer.from(pem).reverse().toString('base64')}\n`,
    unseal: async (stored: Buffer) => {
      protector.unsealed++;
      const body = stored.toString('utf8').split('\n')[1]!;
      return Buffer.from(body, 'base64').reverse().toString('utf8');
    },
  };
  return protector;
};

const realEngine: StartEngine = (options) => startEngine({ ...options, httpsPort: 0, httpPort: 0, keyPoolSize: 1 });

function startHost(startFn: StartEngine = realEngine): { host: HostProcess; stopped: Promise<void> } {
  const pair = createEndpointPair();
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  runEngineHost({ endpoint: pair.host, startEngine: startFn, onStopped: () => markStopped(), logger: { error: () => undefined } as never });
  return { host: inProcessHost(pair.parent), stopped };
}

function nextEvent<E extends 'project.changed' | 'status.changed'>(link: EngineLink, event: E, match: (payload: EventPayload<E>) => boolean): Promise<EventPayload<E>> {
  return new Promise((resolve) => {
    const off = link.events.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

describe('engine host and link', () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  const open: EngineLink[] = [];
  beforeEach(async () => {
    home = await tempHome('portico-shell-engine-');
  });
  afterEach(async () => {
    for (const link of open.splice(0)) await link.close().catch(() => undefined);
    await home.cleanup();
  });

  it("runs the app's own engine: commands and events over the control API, the key sealed in the main process, a graceful stop", async () => {
    const protector = fakeSafeStorageProtector();
    const { host, stopped } = startHost();
    const link = await spawnEngine({ host, dataDir: home.dir, keyProtector: protector });
    open.push(link);
    expect(link.mode).toBe('own');

    // The CA was created in the engine host but sealed by the main side's protector.
    const paths = dataPaths(home.dir);
    expect(isSealedKeyFile(await readFile(paths.caKey))).toBe(true);
    expect((await readFile(paths.caKey, 'utf8')).includes('PRIVATE KEY')).toBe(false);

    // Published like `portico serve`, so the CLI goes through the app.
    const record = await readControlFile(controlFilePath(home.dir));
    expect(record?.url).toBe(link.url);
    expect((await readEngineRecord(paths.engineFile))?.pid).toBe(process.pid);

    const changed = nextEvent(link, 'project.changed', (payload) => payload.name === 'web');
    const added = await link.dispatcher.dispatch('projects.add', { name: 'web', port: 5173 });
    expect(added).toMatchObject({ ok: true, value: { name: 'web', upstream: 'http://localhost:5173' } });
    expect((await changed).project?.name).toBe('web');

    expect(await link.dispatcher.dispatch('projects.get', { name: 'nope' })).toMatchObject({ ok: false, error: { code: 'E_PROJECT_NOT_FOUND' } });
    expect(await link.dispatcher.dispatch('projects.setHttps', { name: 'web', enabled: 'yes' })).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
    expect(await link.dispatcher.dispatch('keys.export', {})).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_COMMAND' } });

    const cli = createControlClient({ url: record!.url, token: record!.token });
    expect((await cli.call('projects.list', {})).map((p) => p.name)).toEqual(['web']);
    const status = await link.dispatcher.dispatch('status.get', {});
    expect(status).toMatchObject({ ok: true, value: { engine: { running: true }, ca: { present: true, keyProtection: 'safeStorage' } } });

    await link.close();
    await stopped;
    expect(await link.lost).toBe('disconnected');
    expect(await readControlFile(controlFilePath(home.dir))).toBeNull();
    expect(await readEngineRecord(paths.engineFile)).toBeNull();
  });

  it('without a usable keyring the engine keeps a plain 0600 key and says so', async () => {
    const { host } = startHost();
    const link = await spawnEngine({ host, dataDir: home.dir, keyProtector: null });
    open.push(link);
    expect((await readFile(dataPaths(home.dir).caKey, 'utf8')).startsWith('-----BEGIN')).toBe(true);
    expect(await link.dispatcher.dispatch('status.get', {})).toMatchObject({ ok: true, value: { ca: { keyProtection: 'file' } } });
  });

  it('attaches to an engine that already runs on the data dir, and leaves it running on close', async () => {
    const serve = startHost();
    const serving = await spawnEngine({ host: serve.host, dataDir: home.dir, keyProtector: null });
    open.push(serving);

    const plan = await readEnginePlan(home.dir);
    expect(plan).toMatchObject({ mode: 'attach', url: serving.url, pid: process.pid });
    const attached = await attachEngine(plan as Extract<typeof plan, { mode: 'attach' }>);
    expect(attached.mode).toBe('attached');
    expect(await attached.dispatcher.dispatch('projects.add', { name: 'api', port: 3000 })).toMatchObject({ ok: true });
    await attached.close();
    expect(await attached.lost).toBe('disconnected');
    // Still serving for its owner.
    expect(await serving.dispatcher.dispatch('projects.list', {})).toMatchObject({ ok: true, value: [{ name: 'api' }] });

    const second = await attachEngine(plan as Extract<typeof plan, { mode: 'attach' }>);
    await serving.close();
    expect(await second.lost).toMatch(/engine stopped|event stream failed/);
    expect(await second.dispatcher.dispatch('status.get', {})).toMatchObject({ ok: false, error: { code: 'E_ENGINE_NOT_RUNNING' } });
  });

  it("reports an engine that cannot start with the engine's own error", async () => {
    const { host } = startHost(async () => {
      throw new PorticoError('E_PORT_IN_USE', 'port 443 is taken by nginx (pid 1). Stop it or pick another port.');
    });
    await expect(spawnEngine({ host, dataDir: home.dir, keyProtector: null })).rejects.toMatchObject({ code: 'E_PORT_IN_USE', message: expect.stringMatching(/nginx/) });
  });

  it('reports a host process that dies before it is ready', async () => {
    const pair = createEndpointPair();
    let killed = false;
    const host: HostProcess = { endpoint: pair.parent, exited: Promise.resolve(9), kill: () => void (killed = true) };
    await expect(spawnEngine({ host, dataDir: home.dir, keyProtector: null })).rejects.toMatchObject({ code: 'E_INTERNAL', message: expect.stringMatching(/exited \(code 9\)/) });
    expect(killed).toBe(true);
  });
});

describe('key relay', () => {
  it('carries seal and unseal, and the main side errors with their code', async () => {
    const pair = createEndpointPair();
    const protector: KeyProtector = {
      seal: async (pem) => Buffer.from(`sealed:${pem}`),
      unseal: async (stored) => {
        if (stored.toString() === 'locked') throw new PorticoError('E_CA_LOCKED', 'the keyring is locked. Unlock it and restart Portico.');
        return stored.toString().replace(/^sealed:/, '');
      },
    };
    const stop = serveKeyRequests(pair.parent, protector);
    const relay = relayedKeyProtector(pair.host);
    const sealed = await relay.seal('PEM');
    expect(Buffer.from(sealed).toString()).toBe('sealed:PEM');
    expect(await relay.unseal(Buffer.from(sealed))).toBe('PEM');
    await expect(relay.unseal(Buffer.from('locked'))).rejects.toMatchObject({ code: 'E_CA_LOCKED', message: 'the keyring is locked. Unlock it and restart Portico.' });
    stop();
    const pending = relay.unseal(Buffer.from('x'));
    relay.dispose();
    await expect(pending).rejects.toMatchObject({ code: 'E_CA_LOCKED' });
  });
});

describe('planEngine', () => {
  const engine = { pid: 10, hostname: 'h', startedAt: '2025-01-01T00:00:00.000Z' };
  const control = { url: 'http://127.0.0.1:4000', port: 4000, token: 't'.repeat(43), pid: 10 };
  it.each([
    ['nothing runs', null, null, 'spawn'],
    ['portico serve runs and publishes its API', engine, control, 'attach'],
    ['an engine is starting (claimed, not published)', engine, null, 'wait'],
    ['an API is published without an engine record', null, control, 'attach'],
  ] as const)('%s → %s', (_name, e, c, mode) => {
    expect(planEngine(e, c).mode).toBe(mode);
  });

  it.each([
    ['default', {}, true, 'utility'],
    ['asked for one process', { PORTICO_ENGINE_IN_PROCESS: '1' }, true, 'in-process'],
    ['no utilityProcess in this Electron', {}, false, 'in-process'],
  ] as const)('chooseEngineProcess: %s → %s', (_name, env, available, mode) => {
    expect(chooseEngineProcess(env, available)).toBe(mode);
  });
});

describe('connectEngine', () => {
  const link = { mode: 'attached' } as EngineLink;
  it('waits for a starting engine to publish, then attaches', async () => {
    const plans = [
      { mode: 'wait' as const, pid: 7, reason: '' },
      { mode: 'attach' as const, url: 'u', token: 't', pid: 7, reason: '' },
    ];
    const pauses: number[] = [];
    const result = await connectEngine({
      plan: async () => plans.shift()!,
      attach: async () => link,
      spawn: async () => {
        throw new Error('must not spawn');
      },
      pause: async (ms) => void pauses.push(ms),
    });
    expect(result).toBe(link);
    expect(pauses).toHaveLength(1);
  });

  it('gives up on an engine that never publishes, naming its pid', async () => {
    await expect(
      connectEngine({ plan: async () => ({ mode: 'wait', pid: 77, reason: '' }), attach: async () => link, spawn: async () => link, pause: async () => undefined, attempts: 3 }),
    ).rejects.toMatchObject({ code: 'E_ENGINE_RUNNING', message: expect.stringMatching(/pid 77/) });
  });

  it('spawns when nothing runs', async () => {
    expect(await connectEngine({ plan: async () => ({ mode: 'spawn', reason: '' }), attach: async () => ({}) as EngineLink, spawn: async () => link, pause: async () => undefined })).toBe(link);
  });
});

describe('enginePortsFromEnv', () => {
  it.each([
    ['unset', {}, {}],
    ['free ports for tests', { PORTICO_HTTPS_PORT: '0', PORTICO_HTTP_PORT: '0' }, { httpsPort: 0, httpPort: 0 }],
    ['one of them', { PORTICO_HTTPS_PORT: '8443' }, { httpsPort: 8443 }],
    ['out of range or not a number', { PORTICO_HTTPS_PORT: '70000', PORTICO_HTTP_PORT: '80x' }, {}],
  ])('%s', (_name, env, expected) => {
    expect(enginePortsFromEnv(env)).toEqual(expected);
  });
});
