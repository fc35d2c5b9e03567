import { describe, expect, it } from 'vitest';
import { afterCollection, idleTick, INITIAL_IDLE_STATE, startIdleCollector, v8Collection, type IdleAction, type IdlePolicy, type IdleSample, type IdleState } from '../../../../main/engine/proxy/idle-collector';

const MB = 2 ** 20;
const policy: IdlePolicy = { tickMs: 1000, quietShare: 0.02, settleTicks: 3, growthBytes: 2 * MB };
/** Event-loop busy milliseconds per tick: 20 ms of a 1000 ms tick is the quiet bound. */
const QUIET = 1;
const BUSY = 500;

/** Runs ticks where each step adds `busy` milliseconds and sets the heap; returns the actions. */
function run(steps: Array<{ busy: number; heapUsed?: number; heapTotal?: number }>, start: IdleState = INITIAL_IDLE_STATE): IdleAction[] {
  let state = start;
  let busy = 0;
  const actions: IdleAction[] = [];
  for (const step of steps) {
    busy += step.busy;
    const sample: IdleSample = { busyMs: busy, heapUsed: step.heapUsed ?? 20 * MB, heapTotal: step.heapTotal ?? 40 * MB };
    const tick = idleTick(state, sample, policy);
    state = tick.action === 'major' ? afterCollection(sample) : tick.state;
    actions.push(tick.action);
  }
  return actions;
}

const quiet = (n: number, heap: { heapUsed?: number; heapTotal?: number } = {}) => Array.from({ length: n }, () => ({ busy: QUIET, ...heap }));
const loaded = (n: number) => Array.from({ length: n }, () => ({ busy: BUSY }));

describe('idle collection decisions', () => {
  const cases: Array<{ name: string; steps: Array<{ busy: number; heapUsed?: number; heapTotal?: number }>; start?: IdleState; expected: IdleAction[] }> = [
    { name: 'the first tick only takes the first reading', steps: quiet(1), expected: ['none'] },
    { name: 'after start-up: young generation at the first quiet tick, the rest once settled', steps: quiet(6), expected: ['none', 'minor', 'none', 'none', 'major', 'none'] },
    { name: 'never under load', steps: loaded(8), expected: Array<IdleAction>(8).fill('none') },
    { name: 'load between the two collections starts the quiet period over', steps: [...quiet(3), ...loaded(1), ...quiet(4)], expected: ['none', 'minor', 'none', 'none', 'minor', 'none', 'none', 'major'] },
    {
      name: 'nothing while the heap has not grown since the last full collection',
      start: { lastBusyMs: 0, quietTicks: 0, minorAt: null, baseline: { heapUsed: 20 * MB, heapTotal: 40 * MB } },
      steps: quiet(6, { heapUsed: 21 * MB, heapTotal: 41 * MB }),
      expected: Array<IdleAction>(6).fill('none'),
    },
    {
      name: 'again once the committed heap grew past the threshold',
      start: { lastBusyMs: 0, quietTicks: 0, minorAt: null, baseline: { heapUsed: 20 * MB, heapTotal: 40 * MB } },
      steps: quiet(4, { heapUsed: 20 * MB, heapTotal: 60 * MB }),
      expected: ['minor', 'none', 'none', 'major'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(run(c.steps, c.start)).toEqual(c.expected);
    });
  }

  it('counts a tick as quiet up to the busy share, not just above it', () => {
    const at = (busy: number) => idleTick({ ...INITIAL_IDLE_STATE, lastBusyMs: 0 }, { busyMs: busy, heapUsed: 0, heapTotal: 0 }, policy).state.quietTicks;
    expect(at(20)).toBe(1);
    expect(at(20.001)).toBe(0);
  });
});

describe('idle collector', () => {
  it('collects through the given collector on its timer, and stops', async () => {
    const runs: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const collector = startIdleCollector({
      policy: { tickMs: 1, settleTicks: 2 },
      sample: () => ({ busyMs: 0, heapUsed: 10 * MB, heapTotal: 20 * MB }),
      collector: () => (type) => {
        runs.push(type);
        if (type === 'major') done();
      },
    });
    await finished;
    collector.stop();
    expect(runs).toEqual(['minor', 'major']);
    expect(collector.collections()).toBe(1);
  });

  it("obtains V8's collections without --expose-gc and leaves the flag off", () => {
    const collect = v8Collection();
    expect(collect).not.toBeNull();
    collect?.('minor');
    collect?.('major');
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
