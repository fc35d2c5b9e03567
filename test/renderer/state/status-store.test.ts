import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../renderer/api/client';
import type { StatusPhase, StatusSnapshot } from '../../../renderer/state/status-store';
import { createStatusStore, statusPhase } from '../../../renderer/state/status-store';
import { createFakeClient, deferred } from '../helpers/fake-client';
import { makeProjectStatus, makeStatus } from '../helpers/fixtures';
import type { Status } from '../../../shared/status';

describe('statusPhase', () => {
  const status = makeStatus();
  const cases: Array<{ name: string; snapshot: StatusSnapshot; phase: StatusPhase }> = [
    { name: 'nothing yet', snapshot: { status: null, connection: 'connecting', error: null }, phase: 'loading' },
    { name: 'a status on a live line', snapshot: { status, connection: 'open', error: null }, phase: 'ready' },
    { name: 'a status on a dropped line', snapshot: { status, connection: 'closed', error: null }, phase: 'stale' },
    { name: 'no engine answering', snapshot: { status: null, connection: 'connecting', error: new ApiError('E_ENGINE_NOT_RUNNING', 'x') }, phase: 'disconnected' },
    { name: 'no status and a dropped line', snapshot: { status: null, connection: 'closed', error: null }, phase: 'disconnected' },
    { name: 'a refused token', snapshot: { status, connection: 'unauthorized', error: null }, phase: 'unauthorized' },
    { name: 'a refused token from a call', snapshot: { status: null, connection: 'connecting', error: new ApiError('E_UNAUTHORIZED', 'x') }, phase: 'unauthorized' },
    { name: 'an engine failure', snapshot: { status: null, connection: 'open', error: new ApiError('E_CONFIG_CORRUPT', 'x') }, phase: 'error' },
  ];
  for (const { name, snapshot, phase } of cases) {
    it(name, () => expect(statusPhase(snapshot)).toBe(phase));
  }
});

/** Resolves after every pending promise continuation ran: a macrotask runs only once the microtask queue is empty. */
const drainMicrotasks = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('createStatusStore', () => {
  it('drops a status.get answer that an event overtook', async () => {
    const answer = deferred<Status>();
    const client = createFakeClient({ 'status.get': () => answer.promise });
    const store = createStatusStore(client);
    const stop = store.start();

    const newer = makeStatus({ projects: [makeProjectStatus({ name: 'new' })] });
    client.emit('status.changed', newer);
    answer.resolve(makeStatus());
    await drainMicrotasks();

    expect(store.getSnapshot().status).toBe(newer);
    stop();
  });

  it('fetches again when the line comes back', async () => {
    const client = createFakeClient({ 'status.get': () => makeStatus() });
    const store = createStatusStore(client);
    const stop = store.start();
    client.setConnection('closed');
    client.setConnection('open');
    expect(client.inputsOf('status.get')).toHaveLength(2);
    expect(store.getSnapshot().connection).toBe('open');
    stop();
  });
});
