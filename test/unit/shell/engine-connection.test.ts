import { describe, expect, it, vi } from 'vitest';
import type { Result } from '../../../shared/contract';
import { createEventBus } from '../../../main/engine/events';
import { createEngineConnection } from '../../../main/shell/engine-connection';
import type { ConnectionSnapshot } from '../../../main/shell/engine-connection';
import type { EngineLink } from '../../../main/shell/engine-link';
import { status } from './fixtures';

/** A link whose loss the test triggers. */
function fakeLink(mode: EngineLink['mode'] = 'own') {
  let lose!: (reason: string) => void;
  const events = createEventBus();
  const close = vi.fn(async () => lose('disconnected'));
  const dispatch = vi.fn(async (name: unknown): Promise<Result<unknown>> => (name === 'status.get' ? { ok: true, value: status() } : { ok: true, value: name }));
  const link: EngineLink = { mode, url: 'http://127.0.0.1:1', dispatcher: { dispatch }, events, lost: new Promise((resolve) => (lose = resolve)), close };
  return { link, lose: (reason: string) => lose(reason), close, dispatch, events };
}

function setup(connects: Array<() => Promise<EngineLink>>) {
  const snapshots: ConnectionSnapshot[] = [];
  const timers: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
  const connection = createEngineConnection({
    connect: () => connects.shift()!(),
    onChange: (snapshot) => snapshots.push(snapshot),
    retryDelaysMs: [100, 200],
    schedule: (run, ms) => {
      const timer = { run, ms, cancelled: false };
      timers.push(timer);
      return () => void (timer.cancelled = true);
    },
  });
  return { connection, snapshots, timers };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('engine connection', () => {
  it('connects, takes the first status, and forwards events on a stable bus', async () => {
    const a = fakeLink();
    const { connection, snapshots } = setup([async () => a.link]);
    const heard = vi.fn();
    connection.events.on('project.changed', heard);
    await connection.start();
    expect(snapshots.at(-1)).toMatchObject({ mode: 'own', status: { engine: { running: true } }, problem: null });
    a.events.emit('project.changed', { name: 'web', project: null });
    expect(heard).toHaveBeenCalledWith({ name: 'web', project: null });
    expect(await connection.dispatcher.dispatch('projects.list', {})).toEqual({ ok: true, value: 'projects.list' });
  });

  it('answers E_ENGINE_NOT_RUNNING while there is no engine, and retries with back-off', async () => {
    const b = fakeLink('attached');
    const { connection, snapshots, timers } = setup([
      async () => {
        throw new Error('no engine yet');
      },
      async () => {
        throw new Error('still none');
      },
      async () => b.link,
    ]);
    await connection.start();
    expect(snapshots.at(-1)).toMatchObject({ mode: null, status: null, problem: 'unexpected error: no engine yet' });
    expect(await connection.dispatcher.dispatch('status.get', {})).toMatchObject({ ok: false, error: { code: 'E_ENGINE_NOT_RUNNING', message: expect.stringContaining('no engine yet') } });
    expect(timers.map((t) => t.ms)).toEqual([100]);
    timers[0]!.run();
    await flush();
    expect(timers.map((t) => t.ms)).toEqual([100, 200]);
    timers[1]!.run();
    await flush();
    expect(snapshots.at(-1)).toMatchObject({ mode: 'attached' });
  });

  it('a lost engine clears the status and reconnects', async () => {
    const a = fakeLink();
    const b = fakeLink();
    const { connection, snapshots, timers } = setup([async () => a.link, async () => b.link]);
    await connection.start();
    a.lose('the engine process exited (code 1)');
    await flush();
    expect(snapshots.at(-1)).toMatchObject({ mode: null, status: null, problem: 'the engine process exited (code 1)' });
    // Events of the dead link no longer reach the bus.
    const heard = vi.fn();
    connection.events.on('status.changed', heard);
    a.events.emit('status.changed', status());
    expect(heard).not.toHaveBeenCalled();
    timers[0]!.run();
    await flush();
    expect(snapshots.at(-1)).toMatchObject({ mode: 'own', problem: null });
  });

  it('status pushes update the snapshot', async () => {
    const a = fakeLink();
    const { connection, snapshots } = setup([async () => a.link]);
    await connection.start();
    const stopped = status([], { httpsPort: 8443 });
    a.events.emit('status.changed', stopped);
    expect(snapshots.at(-1)?.status).toBe(stopped);
  });

  it('shutdown closes the link (stopping an own engine), cancels retries and does not reconnect', async () => {
    const a = fakeLink();
    const { connection, timers } = setup([async () => a.link]);
    await connection.start();
    await connection.shutdown();
    expect(a.close).toHaveBeenCalledOnce();
    await flush();
    expect(timers).toHaveLength(0);
    expect(connection.snapshot()).toMatchObject({ mode: null, problem: 'Portico is quitting' });
  });

  it('shutdown during a retry wait cancels it', async () => {
    const { connection, timers } = setup([
      async () => {
        throw new Error('down');
      },
    ]);
    await connection.start();
    await connection.shutdown();
    expect(timers[0]!.cancelled).toBe(true);
  });
});
