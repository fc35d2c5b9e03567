/**
 * Gives memory back once the engine goes quiet (issue #7). Under load V8 grows its young
 * generation to 2 × 16 MB and lets dead objects — closed sockets, with the OpenSSL buffers they
 * hold outside the heap — pile up in the old generation until that reaches its limit; it shrinks
 * them again only on a collection, and an idle process runs none. Measured with `npm run bench --
 * --only memory`: 80–110 MB of RSS stayed after the load, indefinitely.
 *
 * So once the event loop has been idle for half a second after the heap grew (start-up, a burst
 * of requests), it runs a young-generation collection, and five quiet seconds later a full one.
 * The event loop's busy time is the measure, not the process's CPU time: keys generated on
 * libuv's threads (the key pool refilling after start-up) allocate nothing in V8's heap.
 * The first closes the load's allocation sample: V8 shrinks the young generation on a collection
 * only when the allocation rate it measured over the last five seconds, from one collection to
 * the next, is low (V8 `Heap::ReduceNewSpaceSize`), and without it the bytes the load allocated
 * after its last scavenge would count into the idle seconds. The full collection then frees the
 * dead objects and the young generation together. Under load nothing is collected here (the loop
 * is never quiet), so this costs no CPU per request; the collections of an idle engine take a few
 * milliseconds, once per quiet period.
 */
import { performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleSample {
  /** Time the event loop has spent busy so far, milliseconds. */
  busyMs: number;
  heapUsed: number;
  heapTotal: number;
}

export interface IdlePolicy {
  tickMs: number;
  /** A tick is quiet when the event loop was busy for at most this share of it. */
  quietShare: number;
  /** Quiet ticks between the young-generation collection and the full one: over V8's five seconds. */
  settleTicks: number;
  /** Collect only when the heap (used or committed) grew by this much since the last collection. */
  growthBytes: number;
}

/**
 * Half-second ticks: the young generation is collected within a second of the last request, the
 * rest 5.5 s later (V8 counts whole intervals between collections, so the settle must exceed five
 * seconds, not equal it). A tick reads the loop's utilization and V8's heap statistics: a few
 * microseconds.
 */
export const DEFAULT_IDLE_POLICY: IdlePolicy = { tickMs: 500, quietShare: 0.05, settleTicks: 11, growthBytes: 2 * 2 ** 20 };

export interface IdleState {
  lastBusyMs: number | null;
  /** Consecutive quiet ticks. */
  quietTicks: number;
  /** The quiet tick at which the young generation was collected in this quiet period, if it was. */
  minorAt: number | null;
  /** The heap right after the last full collection; null before the first. */
  baseline: { heapUsed: number; heapTotal: number } | null;
}

export const INITIAL_IDLE_STATE: IdleState = { lastBusyMs: null, quietTicks: 0, minorAt: null, baseline: null };

export type IdleAction = 'none' | 'minor' | 'major';

/** One tick's decision: the next state, and which collection to run now. */
export function idleTick(state: IdleState, sample: IdleSample, policy: IdlePolicy): { state: IdleState; action: IdleAction } {
  const busy = state.lastBusyMs === null ? Infinity : sample.busyMs - state.lastBusyMs;
  const quiet = busy <= policy.quietShare * policy.tickMs;
  const next: IdleState = { ...state, lastBusyMs: sample.busyMs, quietTicks: quiet ? state.quietTicks + 1 : 0, minorAt: quiet ? state.minorAt : null };
  const grown = state.baseline === null || sample.heapUsed > state.baseline.heapUsed + policy.growthBytes || sample.heapTotal > state.baseline.heapTotal + policy.growthBytes;
  if (!quiet || !grown) return { state: next, action: 'none' };
  if (next.minorAt === null) return { state: { ...next, minorAt: next.quietTicks }, action: 'minor' };
  return { state: next, action: next.quietTicks - next.minorAt >= policy.settleTicks ? 'major' : 'none' };
}

/** The state after a full collection: `after` is the heap it left. */
export function afterCollection(after: IdleSample): IdleState {
  return { lastBusyMs: after.busyMs, quietTicks: 0, minorAt: null, baseline: { heapUsed: after.heapUsed, heapTotal: after.heapTotal } };
}

export type Collect = (type: 'minor' | 'major') => void;

/**
 * V8's collections. `--expose-gc` given to node puts `gc` on globalThis; otherwise it is taken
 * from a context made while the flag is on, and the flag is turned off again at once (the way
 * jest's leak detector does it). Null if neither works: the collector then does nothing.
 */
export function v8Collection(): Collect | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  // `gc()` is the full collection (Node 20's V8 runs none for `gc({ type: 'major' })`), run twice:
  // the second one compacts the old generation's pages the first left mostly empty (after a
  // 50-connection load, RSS 14 s later: 80 MB with one, 74 MB with two).
  const wrap = (gc: unknown): Collect | null => {
    if (typeof gc !== 'function') return null;
    const run = gc as (options?: { type: 'minor' }) => unknown;
    return (type) => {
      if (type === 'minor') {
        run({ type: 'minor' });
      } else {
        run();
        run();
      }
    };
  };
  if (typeof exposed === 'function') return wrap(exposed);
  try {
    setFlagsFromString('--expose-gc');
    return wrap(runInNewContext('gc'));
  } catch {
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

function processSample(): IdleSample {
  const heap = getHeapStatistics();
  return { busyMs: performance.eventLoopUtilization().active, heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size };
}

export interface IdleCollectorOptions {
  policy?: Partial<IdlePolicy>;
  sample?: () => IdleSample;
  /** Made on the first collection; V8's by default. */
  collector?: () => Collect | null;
}

export interface IdleCollector {
  /** Full collections run so far. */
  collections(): number;
  stop(): void;
}

export function startIdleCollector(options: IdleCollectorOptions = {}): IdleCollector {
  const policy = { ...DEFAULT_IDLE_POLICY, ...options.policy };
  const sample = options.sample ?? processSample;
  let collect: Collect | null | undefined;
  let state = INITIAL_IDLE_STATE;
  let count = 0;
  const timer = setInterval(() => {
    const tick = idleTick(state, sample(), policy);
    state = tick.state;
    if (tick.action === 'none') return;
    collect ??= (options.collector ?? v8Collection)();
    if (!collect) {
      clearInterval(timer);
      return;
    }
    collect(tick.action);
    if (tick.action === 'major') {
      count += 1;
      state = afterCollection(sample());
    }
  }, policy.tickMs);
  timer.unref();
  return {
    collections: () => count,
    stop: () => clearInterval(timer),
  };
}
