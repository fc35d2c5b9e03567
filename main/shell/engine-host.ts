/**
 * The engine host: what runs in the utility process (or, in the in-process mode, in the main
 * process). It starts the engine on the data dir, puts the control API in front of it — the same
 * loopback server, token and `control.json` that `portico serve` publishes, so the CLI goes
 * through the running app (the only process that can open a sealed CA key) — and tells the main
 * process where to reach it. On `stop` it unpublishes, closes the API and stops the proxy.
 *
 * The engine start is injected (`startEngine` from main/engine/runtime.ts in the app), so the
 * whole exchange is tested under Node with a real control server and client.
 */
import { mkdir } from 'node:fs/promises';
import type { EventBus } from '../engine/events';
import { toErrorShape } from '../engine/errors';
import type { CommandHandlers } from '../engine/handlers';
import type { KeyProtector } from '../engine/pki';
import { controlFilePath, createDispatcher, removeControlFile, startControlServer, writeControlFile } from '../control';
import type { ControlLogger } from '../control';
import type { HostEndpoint } from './engine-messages';
import { isParentMessage } from './engine-messages';
import { relayedKeyProtector } from './key-relay';

/** What `startEngine` (main/engine/runtime.ts) gives back. */
export interface HostedEngine {
  handlers: CommandHandlers;
  events: EventBus;
  stop(): Promise<void>;
}

export interface StartEngineOptions {
  dataDir: string;
  keyProtector?: KeyProtector;
}

/**
 * Proxy ports from `PORTICO_HTTPS_PORT` / `PORTICO_HTTP_PORT` (0 picks a free port), for tests
 * and for running the app beside another proxy; unset or invalid values leave the config's choice.
 */
export function enginePortsFromEnv(env: NodeJS.ProcessEnv): { httpsPort?: number; httpPort?: number } {
  const port = (value: string | undefined) => (value !== undefined && /^\d{1,5}$/.test(value) && Number(value) <= 65535 ? Number(value) : undefined);
  const httpsPort = port(env.PORTICO_HTTPS_PORT);
  const httpPort = port(env.PORTICO_HTTP_PORT);
  return { ...(httpsPort !== undefined && { httpsPort }), ...(httpPort !== undefined && { httpPort }) };
}

export type StartEngine = (options: StartEngineOptions) => Promise<HostedEngine>;

export interface EngineHostOptions {
  endpoint: HostEndpoint;
  startEngine: StartEngine;
  logger?: ControlLogger;
  /** Called once the engine stopped (the utility entry exits the process then). */
  onStopped?: () => void;
}

export function runEngineHost(options: EngineHostOptions): void {
  const { endpoint } = options;
  let running: { engine: HostedEngine; close(): Promise<void> } | null = null;
  let starting: Promise<void> | null = null;
  let keyRelay: ReturnType<typeof relayedKeyProtector> | null = null;

  const start = async (dataDir: string, protectKey: boolean, staticDir: string | undefined) => {
    keyRelay = protectKey ? relayedKeyProtector(endpoint) : null;
    // On a first launch the data dir may not exist yet, and the engine's claim file needs it.
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const engine = await options.startEngine({ dataDir, ...(keyRelay && { keyProtector: keyRelay }) });
    try {
      const dispatcher = createDispatcher(engine.handlers, options.logger ? { logger: options.logger } : {});
      const server = await startControlServer({ dispatcher, events: engine.events, ...(staticDir !== undefined && { staticDir }), ...(options.logger && { logger: options.logger }) });
      const file = controlFilePath(dataDir);
      await writeControlFile(file, { url: server.url, port: server.port, token: server.token });
      running = {
        engine,
        async close() {
          await removeControlFile(file, server.token);
          await server.close();
        },
      };
      endpoint.post({ type: 'ready', url: server.url, token: server.token, pid: process.pid });
    } catch (error) {
      await engine.stop().catch(() => undefined);
      throw error;
    }
  };

  const stop = async () => {
    await starting?.catch(() => undefined);
    const current = running;
    running = null;
    if (current) {
      await current.close().catch((error: unknown) => options.logger?.error('closing the control API failed', error));
      await current.engine.stop().catch((error: unknown) => options.logger?.error('stopping the engine failed', error));
    }
    keyRelay?.dispose();
    endpoint.post({ type: 'stopped' });
    options.onStopped?.();
  };

  endpoint.onMessage((message) => {
    if (!isParentMessage(message)) return;
    if (message.type === 'start' && starting === null) {
      starting = start(message.dataDir, message.protectKey, message.staticDir).catch((error: unknown) => {
        endpoint.post({ type: 'failed', error: toErrorShape(error) });
      });
    } else if (message.type === 'stop') {
      void stop();
    }
  });
}
