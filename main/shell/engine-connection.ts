/**
 * The app's one lasting handle on the engine, across reconnects: a stable dispatcher and event
 * bus for the window and the tray, the last status, and the lifecycle — connect at start, connect
 * again (with back-off) when the engine goes away, and on Quit stop the app's own engine
 * gracefully (an attached `portico serve` is left running: it is not the app's).
 */
import { EVENT_NAMES } from '../../shared/contract';
import type { Result } from '../../shared/contract';
import type { Status } from '../../shared/status';
import type { Dispatcher } from '../control';
import { toErrorShape } from '../engine/errors';
import { createEventBus } from '../engine/events';
import type { EventBus } from '../engine/events';
import type { EngineLink } from './engine-link';

export interface ConnectionSnapshot {
  /** `own`, `attached`, or null while there is no engine. */
  mode: EngineLink['mode'] | null;
  status: Status | null;
  /** Why there is no engine, in words (last connect failure or loss). */
  problem: string | null;
}

export interface EngineConnectionOptions {
  connect(): Promise<EngineLink>;
  onChange(snapshot: ConnectionSnapshot): void;
  /** Delays before each reconnect attempt; the last one repeats. */
  retryDelaysMs?: readonly number[];
  schedule?(run: () => void, ms: number): () => void;
}

export interface EngineConnection {
  dispatcher: Dispatcher;
  events: EventBus;
  snapshot(): ConnectionSnapshot;
  start(): Promise<void>;
  /** Stops reconnecting and closes the link; stops the engine when it is the app's own. */
  shutdown(): Promise<void>;
}

const DEFAULT_RETRY = [1_000, 2_000, 5_000, 10_000, 30_000];

const defaultSchedule = (run: () => void, ms: number) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

export function createEngineConnection(options: EngineConnectionOptions): EngineConnection {
  const events = createEventBus();
  const retry = options.retryDelaysMs ?? DEFAULT_RETRY;
  const schedule = options.schedule ?? defaultSchedule;
  let link: EngineLink | null = null;
  let detach: Array<() => void> = [];
  let state: ConnectionSnapshot = { mode: null, status: null, problem: null };
  let failures = 0;
  let cancelRetry: (() => void) | null = null;
  let stopped = false;

  const update = (changes: Partial<ConnectionSnapshot>) => {
    state = { ...state, ...changes };
    options.onChange(state);
  };

  const retryLater = () => {
    if (stopped || cancelRetry) return;
    const delay = retry[Math.min(failures, retry.length - 1)] ?? 5_000;
    failures++;
    cancelRetry = schedule(() => {
      cancelRetry = null;
      void attempt();
    }, delay);
  };

  const adopt = async (next: EngineLink) => {
    link = next;
    detach = EVENT_NAMES.map((name) => next.events.on(name, (payload) => events.emit(name, payload as never)));
    detach.push(next.events.on('status.changed', (status) => update({ status })));
    const first = await next.dispatcher.dispatch('status.get', {});
    update({ mode: next.mode, status: first.ok ? (first.value as Status) : null, problem: first.ok ? null : first.error.message });
    if (first.ok) events.emit('status.changed', first.value as Status);
    void next.lost.then((reason) => {
      if (link !== next) return;
      for (const off of detach) off();
      detach = [];
      link = null;
      if (stopped) return;
      update({ mode: null, status: null, problem: reason });
      retryLater();
    });
  };

  async function attempt(): Promise<void> {
    if (stopped) return;
    try {
      const next = await options.connect();
      if (stopped) return void (await next.close());
      failures = 0;
      await adopt(next);
    } catch (error) {
      update({ mode: null, status: null, problem: toErrorShape(error).message });
      retryLater();
    }
  }

  return {
    events,
    snapshot: () => state,
    dispatcher: {
      async dispatch(name, input): Promise<Result<unknown>> {
        if (link === null) {
          const why = state.problem ? ` (${state.problem})` : '';
          return { ok: false, error: { code: 'E_ENGINE_NOT_RUNNING', message: `the Portico engine is not running${why}. Portico keeps trying to start it; see the tray for its state.` } };
        }
        return link.dispatcher.dispatch(name, input);
      },
    },
    start: attempt,
    async shutdown() {
      stopped = true;
      cancelRetry?.();
      cancelRetry = null;
      const current = link;
      link = null;
      for (const off of detach) off();
      detach = [];
      if (current) await current.close();
      update({ mode: null, status: null, problem: 'Portico is quitting' });
    },
  };
}
