import { describe, expect, it, vi } from 'vitest';
import { createRequestStore } from '../../../renderer/state/request-store';
import type { RequestLogEntry } from '../../../shared/status';
import { createFakeClient, deferred } from '../helpers/fake-client';
import { makeRequest } from '../helpers/fixtures';

const ids = (entries: readonly RequestLogEntry[]) => entries.map((entry) => entry.id);

describe('createRequestStore', () => {
  it('lays live events heard during the first load over its answer', async () => {
    const answer = deferred<RequestLogEntry[]>();
    const client = createFakeClient({ 'requests.recent': () => answer.promise });
    const store = createRequestStore(client);
    const stop = store.start();

    client.emit('request.logged', makeRequest({ id: 11 }));
    expect(ids(store.getSnapshot().entries)).toEqual([11]);
    answer.resolve([makeRequest({ id: 10 }), makeRequest({ id: 9 })]);

    await vi.waitFor(() => expect(ids(store.getSnapshot().entries)).toEqual([11, 10, 9]));
    stop();
  });

  it('replaces the list after a reconnect, since a restarted engine counts ids from 1 again', async () => {
    let history = [makeRequest({ id: 50 }), makeRequest({ id: 49 })];
    const client = createFakeClient({ 'requests.recent': () => history });
    const store = createRequestStore(client);
    const stop = store.start();
    await vi.waitFor(() => expect(ids(store.getSnapshot().entries)).toEqual([50, 49]));

    history = [makeRequest({ id: 2 }), makeRequest({ id: 1 })];
    client.setConnection('closed');
    client.setConnection('open');

    await vi.waitFor(() => expect(ids(store.getSnapshot().entries)).toEqual([2, 1]));
    stop();
  });

  it('stops listening when stopped', async () => {
    const client = createFakeClient({ 'requests.recent': () => [] });
    const store = createRequestStore(client);
    store.start()();
    client.emit('request.logged', makeRequest({ id: 1 }));
    expect(store.getSnapshot().entries).toEqual([]);
  });
});
