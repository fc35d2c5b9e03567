/**
 * The main process's line to the engine, whichever engine it is: the app's own (in a utility
 * process, or in-process) or one `portico serve` already runs. Either way the main process is a
 * client of the engine's control API — one code path for both — and what it offers the window and
 * the tray is a `Dispatcher` (input validated against the contract, every outcome a `Result`) and
 * an event bus fed by the engine's event stream.
 */
import { COMMAND_NAMES, EVENT_NAMES } from '../../shared/contract';
import { isErrorCode } from '../../shared/errors';
import { createControlClient, createDispatcher } from '../control';
import type { ControlClient, ControlLogger, Dispatcher } from '../control';
import { PorticoError } from '../engine/errors';
import { createEventBus } from '../engine/events';
import type { EventBus } from '../engine/events';
import type { CommandHandlers } from '../engine/handlers';
import type { KeyProtector } from '../engine/pki';
import type { ParentEndpoint } from './engine-messages';
import { isHostMessage } from './engine-messages';
import type { EnginePlan } from './engine-plan';
import { serveKeyRequests } from './key-relay';

export interface EngineLink {
  /** `own`: this app started the engine and stops it on quit; `attached`: someone else's. */
  mode: 'own' | 'attached';
  url: string;
  dispatcher: Dispatcher;
  events: EventBus;
  /** Resolves with a reason when the line breaks (the engine stopped or crashed). Never rejects. */
  lost: Promise<string>;
  /** Disconnects; for an own engine, stops it gracefully first. */
  close(): Promise<void>;
}

/** An engine host started for this app: a utility process, or the in-process pair. */
export interface HostProcess {
  endpoint: ParentEndpoint;
  /** Resolves with the exit code when the host process ends (in-process: once its engine stopped). */
  exited: Promise<number>;
  kill(): void;
}

/** Contract handlers that forward to a control client; the client throws PorticoErrors, which the dispatcher turns into Results. */
export function forwardingHandlers(client: Pick<ControlClient, 'call'>): CommandHandlers {
  const call = client.call as (name: string, input: unknown) => Promise<unknown>;
  return Object.fromEntries(COMMAND_NAMES.map((name) => [name, (input: unknown) => call(name, input)])) as unknown as CommandHandlers;
}

export interface AttachOptions {
  url: string;
  token: string;
  logger?: ControlLogger;
  fetch?: typeof fetch;
}

export async function attachEngine(options: AttachOptions): Promise<EngineLink> {
  const client = createControlClient({ url: options.url, token: options.token, ...(options.fetch && { fetch: options.fetch }) });
  const events = createEventBus();
  const subscription = client.subscribe(EVENT_NAMES, (message) => events.emit(message.event, message.payload as never));
  await subscription.ready;
  const lost = subscription.done.then((end) =>
    end.reason === 'closed' ? 'disconnected' : end.reason === 'ended' ? 'the engine stopped' : `the engine's event stream failed: ${end.error?.message ?? 'unknown error'}`,
  );
  return {
    mode: 'attached',
    url: options.url,
    dispatcher: createDispatcher(forwardingHandlers(client), options.logger ? { logger: options.logger } : {}),
    events,
    lost,
    async close() {
      subscription.close();
      await subscription.done;
    },
  };
}

export interface SpawnOptions {
  host: HostProcess;
  dataDir: string;
  /** The safeStorage protector, when the key can be protected here; else the engine keeps a 0600 file. */
  keyProtector: KeyProtector | null;
  /** The built dashboard, also served by the control API for a browser. */
  staticDir?: string;
  logger?: ControlLogger;
  /** How long a graceful stop may take before the host is killed. Default 10 s. */
  stopTimeoutMs?: number;
}

function awaitHost<T>(host: HostProcess, pick: (message: unknown) => T | undefined): Promise<T | { exited: number }> {
  return new Promise((resolve) => {
    const stop = host.endpoint.onMessage((message) => {
      const picked = pick(message);
      if (picked !== undefined) {
        stop();
        resolve(picked);
      }
    });
    void host.exited.then((code) => {
      stop();
      resolve({ exited: code });
    });
  });
}

export async function spawnEngine(options: SpawnOptions): Promise<EngineLink> {
  const { host } = options;
  const stopServingKeys = options.keyProtector ? serveKeyRequests(host.endpoint, options.keyProtector) : () => undefined;
  const started = awaitHost(host, (message) => (isHostMessage(message) && (message.type === 'ready' || message.type === 'failed') ? message : undefined));
  host.endpoint.post({ type: 'start', dataDir: options.dataDir, protectKey: options.keyProtector !== null, ...(options.staticDir !== undefined && { staticDir: options.staticDir }) });
  const outcome = await started;
  if ('exited' in outcome || outcome.type === 'failed') {
    stopServingKeys();
    host.kill();
    if ('exited' in outcome) throw new PorticoError('E_INTERNAL', `the engine process exited (code ${outcome.exited}) before it was ready. Run \`portico serve\` in a terminal to see why.`);
    throw new PorticoError(isErrorCode(outcome.error.code) ? outcome.error.code : 'E_INTERNAL', outcome.error.message);
  }

  const attached = await attachEngine({ url: outcome.url, token: outcome.token, ...(options.logger && { logger: options.logger }) }).catch((error: unknown) => {
    host.endpoint.post({ type: 'stop' });
    throw error;
  });
  let closing: Promise<void> | undefined;
  return {
    ...attached,
    mode: 'own',
    lost: Promise.race([attached.lost, host.exited.then((code) => `the engine process exited (code ${code})`)]),
    close() {
      closing ??= (async () => {
        await attached.close();
        host.endpoint.post({ type: 'stop' });
        // Done when the host process is gone (it exits once the engine stopped), not merely when it says so.
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.stopTimeoutMs ?? 10_000)));
        const result = await Promise.race([host.exited, timeout]);
        clearTimeout(timer);
        stopServingKeys();
        if (result === 'timeout') host.kill();
      })();
      return closing;
    },
  };
}

export interface ConnectOptions {
  plan(): Promise<EnginePlan>;
  attach(plan: Extract<EnginePlan, { mode: 'attach' }>): Promise<EngineLink>;
  spawn(): Promise<EngineLink>;
  /** Waits between looks at a data dir whose engine is still starting. */
  pause(ms: number): Promise<void>;
  /** How many looks before giving up on a starting engine. Default 20 (about 10 s). */
  attempts?: number;
}

/** Attaches to the data dir's engine, or starts one when there is none. */
export async function connectEngine(options: ConnectOptions): Promise<EngineLink> {
  const attempts = options.attempts ?? 20;
  let last: EnginePlan | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const plan = await options.plan();
    last = plan;
    if (plan.mode === 'attach') return options.attach(plan);
    if (plan.mode === 'spawn') return options.spawn();
    await options.pause(500);
  }
  const pid = last?.mode === 'wait' ? last.pid : 'unknown';
  throw new PorticoError(
    'E_ENGINE_RUNNING',
    `another Portico engine (pid ${pid}) holds this data dir but offers no control API the app can use. Stop it (kill ${pid}) and start Portico again.`,
  );
}
