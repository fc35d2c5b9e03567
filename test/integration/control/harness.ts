/**
 * A real control server on 127.0.0.1:0 in front of recording handlers and a real event bus, and
 * a raw HTTP helper that can forge any header (fetch cannot set Host or omit it).
 */
import { request } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { expect } from 'vitest';
import { createDispatcher } from '../../../main/control/dispatch';
import { startControlServer } from '../../../main/control/http-server';
import type { ControlServerOptions } from '../../../main/control/http-server';
import type { ControlLogger } from '../../../main/control/logger';
import { createEventBus } from '../../../main/engine/events';
import { recordingHandlers } from '../../unit/control/fake-handlers';

export async function startHarness(options: { overrides?: Parameters<typeof recordingHandlers>[0] } & Partial<Omit<ControlServerOptions, 'dispatcher' | 'events' | 'logger'>> = {}) {
  const { overrides, ...serverOptions } = options;
  const { handlers, calls } = recordingHandlers(overrides);
  const bus = createEventBus();
  const logged: Array<{ message: string; error?: unknown }> = [];
  const logger: ControlLogger = { warn: (message) => logged.push({ message }), error: (message, error) => logged.push({ message, error }) };
  const dispatcher = createDispatcher(handlers, { logger, validateOutput: true });
  const server = await startControlServer({ dispatcher, events: bus, logger, ...serverOptions });
  return {
    server,
    bus,
    calls,
    logged,
    /** Headers that pass every gate. */
    good: (extra: OutgoingHttpHeaders = {}): OutgoingHttpHeaders => ({
      host: `127.0.0.1:${server.port}`,
      authorization: `Bearer ${server.token}`,
      'content-type': 'application/json',
      ...extra,
    }),
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One request exactly as given: no Host unless `headers.host` is set, the path sent verbatim.
 * Asserts the invariant of security-requirements API-6 on every response: no CORS headers.
 */
export function rawRequest(port: number, options: { method?: string; path: string; headers?: OutgoingHttpHeaders; body?: string | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {}, setHost: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const corsHeaders = Object.keys(res.headers).filter((name) => name.startsWith('access-control-'));
        expect(corsHeaders, `${options.method ?? 'GET'} ${options.path}`).toEqual([]);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POST a command with the given headers and JSON body. */
export function postCommand(port: number, name: string, headers: OutgoingHttpHeaders, input: unknown = {}): Promise<RawResponse> {
  return rawRequest(port, { method: 'POST', path: `/api/${name}`, headers, body: JSON.stringify(input) });
}
