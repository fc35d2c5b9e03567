import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from '../../../renderer/api/client';
import { backoffMs, createHttpTransport } from '../../../renderer/api/http-transport';
import type { ConnectionState } from '../../../renderer/api/transport';

const TOKEN = 'feedfacefeedfacefeedfacefeedface';

interface Recorded {
  url: string;
  init: RequestInit;
}

/** A stub `fetch` whose answers the test queues; each event-stream answer is a stream the test writes to. */
function stubFetch() {
  const requests: Recorded[] = [];
  const queue: Array<(request: Recorded) => Response | Promise<Response>> = [];
  const waiting: Array<() => void> = [];
  const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const request = { url: String(input), init };
    requests.push(request);
    waiting.splice(0).forEach((wake) => wake());
    const answer = queue.shift();
    if (answer === undefined) throw new Error(`unexpected fetch ${request.url}`);
    return answer(request);
  }) as typeof globalThis.fetch;
  return {
    fetch,
    requests,
    answer: (respond: (request: Recorded) => Response | Promise<Response>) => void queue.push(respond),
    /** Resolves once `count` requests were made. */
    until: async (count: number) => {
      while (requests.length < count) await new Promise<void>((resolve) => waiting.push(resolve));
    },
  };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function eventStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const encoder = new TextEncoder();
  return {
    response: () => new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}

function headerOf(init: RequestInit, name: string): string | null {
  return new Headers(init.headers).get(name);
}

/** Resolves when the connection reaches `state`. */
function reach(transport: { connection(): ConnectionState; onConnection(cb: (s: ConnectionState) => void): () => void }, state: ConnectionState) {
  return new Promise<void>((resolve) => {
    if (transport.connection() === state) return resolve();
    const off = transport.onConnection((next) => {
      if (next === state) {
        off();
        resolve();
      }
    });
  });
}

describe('http transport: commands', () => {
  it('POSTs JSON to /api/<name> with the bearer token and returns the value', async () => {
    const stub = stubFetch();
    stub.answer(() => json({ ok: true, value: { name: 'web' } }));
    const client = createApiClient(createHttpTransport({ token: TOKEN, fetch: stub.fetch }));

    const project = await client.call('projects.setHttps', { name: 'web', enabled: true });

    expect(project).toEqual({ name: 'web' });
    const [request] = stub.requests;
    expect(request?.url).toBe('/api/projects.setHttps');
    expect(request?.init.method).toBe('POST');
    expect(headerOf(request!.init, 'Authorization')).toBe(`Bearer ${TOKEN}`);
    expect(headerOf(request!.init, 'Content-Type')).toBe('application/json');
    expect(JSON.parse(String(request?.init.body))).toEqual({ name: 'web', enabled: true });
  });

  it("throws the engine's code and message on ok:false, whatever the HTTP status", async () => {
    const stub = stubFetch();
    stub.answer(() => json({ ok: false, error: { code: 'E_DUPLICATE_NAME', message: 'A project named "web" exists.' } }, 409));
    const client = createApiClient(createHttpTransport({ token: TOKEN, fetch: stub.fetch }));

    const failure = await client.call('projects.add', { name: 'web', port: 5173 }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: 'E_DUPLICATE_NAME', message: 'A project named "web" exists.' });
  });

  const failures: Array<{ name: string; respond: () => Response | Promise<Response>; code: string; state?: ConnectionState }> = [
    { name: 'an unreachable engine', respond: () => Promise.reject(new TypeError('Failed to fetch')), code: 'E_ENGINE_NOT_RUNNING' },
    { name: 'a refused token', respond: () => json({ ok: false, error: { code: 'E_UNAUTHORIZED', message: 'no' } }, 401), code: 'E_UNAUTHORIZED', state: 'unauthorized' },
    { name: 'a body that is not JSON', respond: () => new Response('<html>proxy error</html>', { status: 502 }), code: 'E_INTERNAL' },
    { name: 'JSON of another shape', respond: () => json({ hello: 'world' }), code: 'E_INTERNAL' },
    { name: 'an error code outside the contract', respond: () => json({ ok: false, error: { code: 'E_FUTURE', message: 'new' } }), code: 'E_INTERNAL' },
  ];
  for (const { name, respond, code, state } of failures) {
    it(`turns ${name} into ${code}`, async () => {
      const stub = stubFetch();
      stub.answer(respond);
      const transport = createHttpTransport({ token: TOKEN, fetch: stub.fetch });
      const failure = await createApiClient(transport)
        .call('status.get', {})
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ code });
      if (state !== undefined) expect(transport.connection()).toBe(state);
    });
  }

  it('refuses to call without a token, without a request', async () => {
    const stub = stubFetch();
    const transport = createHttpTransport({ token: null, fetch: stub.fetch });
    await expect(createApiClient(transport).call('status.get', {})).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' });
    expect(stub.requests).toHaveLength(0);
    expect(transport.connection()).toBe('unauthorized');
  });
});

describe('http transport: events', () => {
  it('reads /api/events with the token and delivers parsed payloads to the right listeners', async () => {
    const stub = stubFetch();
    const stream = eventStream();
    stub.answer(stream.response);
    const transport = createHttpTransport({ token: TOKEN, fetch: stub.fetch });
    const client = createApiClient(transport);
    const statuses: unknown[] = [];
    const logged: unknown[] = [];
    const delivered = new Promise<void>((resolve) => {
      client.subscribe('request.logged', (entry) => {
        logged.push(entry);
        resolve();
      });
    });
    client.subscribe('status.changed', (status) => statuses.push(status));

    await reach(transport, 'open');
    const [request] = stub.requests;
    expect(request?.url).toBe('/api/events');
    expect(headerOf(request!.init, 'Authorization')).toBe(`Bearer ${TOKEN}`);
    expect(headerOf(request!.init, 'Accept')).toBe('text/event-stream');
    expect(stub.requests).toHaveLength(1); // one stream for every subscription

    stream.write(': hello\n\nevent: status.changed\ndata: {"engine":');
    stream.write('{"running":true}}\n\nevent: unknown.event\ndata: {}\n\nevent: status.changed\ndata: not json\n\n');
    stream.write('event: request.logged\ndata: {"id":1}\n\n');
    await delivered;

    expect(statuses).toEqual([{ engine: { running: true } }]);
    expect(logged).toEqual([{ id: 1 }]);
  });

  it('reconnects with growing backoff, starting over after a stream that opened, and reports the line state', async () => {
    const stub = stubFetch();
    stub.answer(() => Promise.reject(new TypeError('connection refused')));
    stub.answer(() => Promise.reject(new TypeError('connection refused')));
    const first = eventStream();
    stub.answer(first.response);
    const second = eventStream();
    stub.answer(second.response);
    const waits: number[] = [];
    const transport = createHttpTransport({ token: TOKEN, fetch: stub.fetch, wait: async (ms) => void waits.push(ms) });
    const states: ConnectionState[] = [];
    transport.onConnection((state) => states.push(state));
    const received: unknown[] = [];
    transport.subscribe('status.changed', (payload) => received.push(payload));

    await reach(transport, 'open');
    first.end();
    await stub.until(4);
    await reach(transport, 'open');
    second.write('event: status.changed\ndata: 2\n\n');
    await new Promise<void>((resolve) => transport.subscribe('status.changed', () => resolve()));

    expect(states).toEqual(['closed', 'open', 'closed', 'open']);
    expect(waits).toEqual([backoffMs(0), backoffMs(1), backoffMs(0)]);
    expect(received).toEqual([2]);
  });

  it('stops on 401 and starts again with a new token', async () => {
    const stub = stubFetch();
    stub.answer(() => new Response('', { status: 401 }));
    const stream = eventStream();
    stub.answer(stream.response);
    const transport = createHttpTransport({ token: TOKEN, fetch: stub.fetch, wait: async () => undefined });
    transport.subscribe('status.changed', () => undefined);

    await reach(transport, 'unauthorized');
    expect(stub.requests).toHaveLength(1);

    const fresh = 'abcdefabcdefabcdefabcdefabcdefab';
    transport.setToken(fresh);
    await reach(transport, 'open');
    expect(headerOf(stub.requests[1]!.init, 'Authorization')).toBe(`Bearer ${fresh}`);
  });

  it('aborts the stream when the last listener leaves', async () => {
    const stub = stubFetch();
    const stream = eventStream();
    stub.answer(stream.response);
    const transport = createHttpTransport({ token: TOKEN, fetch: stub.fetch });
    const offA = transport.subscribe('status.changed', () => undefined);
    const offB = transport.subscribe('request.logged', () => undefined);
    await reach(transport, 'open');
    const signal = stub.requests[0]!.init.signal!;

    offA();
    expect(signal.aborted).toBe(false);
    offB();
    expect(signal.aborted).toBe(true);
  });
});

describe('backoffMs', () => {
  const cases = [
    { attempt: 0, ms: 500 },
    { attempt: 1, ms: 1000 },
    { attempt: 4, ms: 8000 },
    { attempt: 5, ms: 15_000 },
    { attempt: 50, ms: 15_000 },
  ];
  for (const { attempt, ms } of cases) {
    it(`attempt ${attempt} waits ${ms} ms`, () => expect(backoffMs(attempt)).toBe(ms));
  }
  it('starts from the server retry hint', () => expect(backoffMs(1, 2000)).toBe(4000));
});
