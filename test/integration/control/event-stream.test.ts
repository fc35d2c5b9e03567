import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../../../shared/contract';
import type { RequestLogEntry } from '../../../shared/status';
import { createControlClient } from '../../../main/control/client';
import type { ControlEvent } from '../../../main/control/client';
import { createDispatcher } from '../../../main/control/dispatch';
import { startControlServer } from '../../../main/control/http-server';
import { silentLogger } from '../../../main/control/logger';
import { createEventBus } from '../../../main/engine/events';
import type { EventBus } from '../../../main/engine/events';
import { project, recordingHandlers, status } from '../../unit/control/fake-handlers';
import { rawRequest, startHarness } from './harness';

const entry: RequestLogEntry = {
  id: 1,
  time: '2025-01-01T00:00:00.000Z',
  project: 'web',
  host: 'web.localhost',
  method: 'GET',
  path: '/',
  status: 200,
  durationMs: 3,
  protocol: 'h2',
  tlsVersion: 'TLSv1.3',
  cipher: 'TLS_AES_128_GCM_SHA256',
};

/** Resolves with the next `count` events the callback sees. */
function collector(count: number) {
  const seen: ControlEvent[] = [];
  let done!: (events: ControlEvent[]) => void;
  const all = new Promise<ControlEvent[]>((resolve) => (done = resolve));
  return {
    onEvent: (event: ControlEvent) => {
      seen.push(event);
      if (seen.length === count) done([...seen]);
    },
    all,
    seen,
  };
}

let harness: Awaited<ReturnType<typeof startHarness>>;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(async () => {
  await harness.server.close();
});

const totalListeners = () => EVENT_NAMES.reduce((sum, name) => sum + harness.bus.listenerCount(name), 0);

describe('event stream through client.subscribe', () => {
  it('delivers an event emitted on the bus', async () => {
    const client = createControlClient({ url: harness.server.url, token: harness.server.token });
    const events = collector(1);
    const subscription = client.subscribe(['project.changed'], events.onEvent);
    await subscription.ready;
    harness.bus.emit('project.changed', { name: 'web', project });
    expect(await events.all).toEqual([{ event: 'project.changed', payload: { name: 'web', project } }]);
    subscription.close();
  });

  it('delivers every event, in order, when subscribed to all', async () => {
    const client = createControlClient({ url: harness.server.url, token: harness.server.token });
    const events = collector(3);
    const subscription = client.subscribe([], events.onEvent);
    await subscription.ready;
    harness.bus.emit('status.changed', status);
    harness.bus.emit('request.logged', entry);
    harness.bus.emit('project.changed', { name: 'web', project: null });
    expect((await events.all).map((event) => event.event)).toEqual(['status.changed', 'request.logged', 'project.changed']);
    subscription.close();
  });

  it('sends only the events named in the filter', async () => {
    const client = createControlClient({ url: harness.server.url, token: harness.server.token });
    const events = collector(1);
    const subscription = client.subscribe(['request.logged'], events.onEvent);
    await subscription.ready;
    expect(harness.bus.listenerCount('status.changed')).toBe(0);
    harness.bus.emit('status.changed', status);
    harness.bus.emit('request.logged', entry);
    // Frames arrive in emit order: once request.logged is here, status.changed would have been too.
    expect(await events.all).toEqual([{ event: 'request.logged', payload: entry }]);
    subscription.close();
  });

  it('removes its bus listeners when the client disconnects', async () => {
    const bus = createEventBus();
    let unsubscribed!: () => void;
    const allGone = new Promise<void>((resolve) => (unsubscribed = resolve));
    // The real bus, wrapped only to announce when the server has let go of every listener.
    const announcing: Pick<EventBus, 'on'> = {
      on(event, listener) {
        const off = bus.on(event, listener);
        return () => {
          const removed = off();
          if (EVENT_NAMES.every((name) => bus.listenerCount(name) === 0)) unsubscribed();
          return removed;
        };
      },
    };
    const server = await startControlServer({ dispatcher: createDispatcher(recordingHandlers().handlers), events: announcing, logger: silentLogger });
    try {
      const subscription = createControlClient({ url: server.url, token: server.token }).subscribe([], () => undefined);
      await subscription.ready;
      expect(EVENT_NAMES.map((name) => bus.listenerCount(name))).toEqual([1, 1, 1]);
      subscription.close();
      expect(await subscription.done).toEqual({ reason: 'closed' });
      await allGone;
      expect(EVENT_NAMES.map((name) => bus.listenerCount(name))).toEqual([0, 0, 0]);
    } finally {
      await server.close();
    }
  });

  it('ends open streams when the server closes, and the bus keeps no listener', async () => {
    const subscription = createControlClient({ url: harness.server.url, token: harness.server.token }).subscribe([], () => undefined);
    await subscription.ready;
    expect(totalListeners()).toBe(3);
    await harness.server.close();
    expect(await subscription.done).toMatchObject({ reason: expect.stringMatching(/^(ended|failed)$/) });
    expect(totalListeners()).toBe(0);
  });

  it('a wrong token makes ready reject with E_UNAUTHORIZED and registers nothing', async () => {
    const subscription = createControlClient({ url: harness.server.url, token: 'f'.repeat(32) }).subscribe([], () => undefined);
    await expect(subscription.ready).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' });
    expect(await subscription.done).toMatchObject({ reason: 'failed', error: { code: 'E_UNAUTHORIZED' } });
    expect(totalListeners()).toBe(0);
  });

  it('an unknown event name in the filter → 400 naming it', async () => {
    const res = await rawRequest(harness.server.port, {
      path: '/api/events?events=status.changed,nope',
      headers: { host: `127.0.0.1:${harness.server.port}`, authorization: `Bearer ${harness.server.token}` },
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain('nope');
  });
});

describe('event stream on the wire', () => {
  it('is text/event-stream with no-store, SSE framing and comment heartbeats', async () => {
    const fast = await startHarness({ heartbeatMs: 5 });
    try {
      const text = await new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: fast.server.port, path: '/api/events', headers: { authorization: `Bearer ${fast.server.token}` }, agent: false },
          (res) => {
            let body = '';
            let emitted = false;
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
              if (!emitted) {
                emitted = true;
                fast.bus.emit('request.logged', entry);
              }
              if (body.includes('event: request.logged\n') && body.includes(': ping\n\n')) {
                req.destroy();
                resolve({ headers: res.headers, body });
              }
            });
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(text.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(text.headers['cache-control']).toBe('no-store');
      expect(text.body).toContain(`event: request.logged\ndata: ${JSON.stringify(entry)}\n\n`);
      expect(Object.keys(text.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    } finally {
      await fast.server.close();
    }
  });
});
