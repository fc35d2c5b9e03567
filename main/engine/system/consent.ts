/**
 * One consent per user action (issue 4; security-requirements.md TS-6): `portico setup` trusts
 * the root in several stores and writes the hosts block, and each of those steps asks its
 * elevator on its own. sudo's credential cache hides that, but pkexec, osascript and UAC would
 * prompt once per step. `withOneConsent` runs the steps of one action side by side and, whenever
 * every step still running is waiting for privileges, hands all their commands to the elevator as
 * one batch (`Elevator.runAll`: one polkit dialog, one administrator prompt, one UAC consent).
 *
 * Steps keep their own code: an elevator made by `joinsConsent` looks up, through
 * AsyncLocalStorage, the batch of the step it is called from, so a trust store or the hosts
 * writer need not know it is part of a larger action. Actions nest: a batch formed inside a step
 * (the stores of `trust install` inside `setup`) joins the enclosing one.
 *
 * A step must not hold a lock another step of the same action waits for while it asks for
 * privileges: the batch waits for every step, so that would wait forever (the locks Portico
 * takes time out instead, after 10 s).
 */
import type { ElevateOptions, Elevator } from './elevate';
import type { ExecResult } from './exec';
import { ScopedStorage } from './scoped-storage';

/** Commands waiting in a batch, with the elevator they were meant for. */
interface Request {
  step: number;
  elevator: Elevator;
  commands: readonly (readonly string[])[];
  /** Kept apart until the prompt, so nested batches still read "a, b and c". */
  reasons: readonly string[];
  resolve(result: ExecResult): void;
  reject(error: unknown): void;
}

/** The batch a step belongs to, as seen from inside that step. */
interface Membership {
  enqueue(elevator: Elevator, commands: readonly (readonly string[])[], reasons: readonly string[]): Promise<ExecResult>;
}

const membership = new ScopedStorage<Membership>();

/**
 * `base`, except that inside `withOneConsent` its commands wait for the action's one batch.
 * Outside any action it is `base` itself, one consent per call.
 */
export function joinsConsent(base: Elevator): Elevator {
  const runAll = (commands: readonly (readonly string[])[], options: ElevateOptions): Promise<ExecResult> => {
    const batch = membership.getStore();
    return batch ? batch.enqueue(base, commands, [options.reason]) : base.runAll(commands, options);
  };
  return { method: base.method, runAll, run: (argv, options) => runAll([argv], options) };
}

/**
 * Runs every step of one user action concurrently, privileged commands gathered as described
 * above, and resolves with their results in order once all have settled. A step that fails does
 * not stop the others; the first failure is thrown after all have ended, so a caller wanting
 * per-step outcomes catches inside its steps.
 */
export async function withOneConsent<T extends readonly unknown[]>(steps: { readonly [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const enclosing = membership.getStore();
  let running = steps.length;
  let waiting: Request[] = [];

  const flushWhenAllWait = (): void => {
    const waitingSteps = new Set(waiting.map((request) => request.step));
    if (waiting.length === 0 || waitingSteps.size < running) return;
    const batch = waiting.sort((a, b) => a.step - b.step); // stable: a step's own calls stay in order
    waiting = [];
    for (const [elevator, requests] of byElevator(batch)) void submit(elevator, requests, enclosing);
  };

  const join = (step: number): Membership => ({
    enqueue: (elevator, commands, reasons) =>
      new Promise<ExecResult>((resolve, reject) => {
        waiting.push({ step, elevator, commands, reasons, resolve, reject });
        flushWhenAllWait();
      }),
  });

  const settled = await Promise.allSettled(
    steps.map((step, index) =>
      membership.run(join(index), step).finally(() => {
        running -= 1;
        flushWhenAllWait();
      }),
    ),
  );
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Requests grouped by elevator, in the order each elevator first appears (one batch each). */
function byElevator(requests: readonly Request[]): Map<Elevator, Request[]> {
  const groups = new Map<Elevator, Request[]>();
  for (const request of requests) groups.set(request.elevator, [...(groups.get(request.elevator) ?? []), request]);
  return groups;
}

/**
 * One elevated run for every request (or, when this action is a step of a larger one, one
 * request in that action's batch). Every request gets the batch's result: the batch stops at the
 * first failing command and cannot say whose it was, so each step judges its outcome by
 * re-reading what it changed (the stores re-check, the hosts writer reads the file back).
 */
async function submit(elevator: Elevator, requests: readonly Request[], enclosing: Membership | undefined): Promise<void> {
  const commands = requests.flatMap((request) => request.commands);
  const reasons = requests.flatMap((request) => request.reasons);
  try {
    const result = await (enclosing ? enclosing.enqueue(elevator, commands, reasons) : elevator.runAll(commands, { reason: joinReasons(reasons) }));
    for (const request of requests) request.resolve(result);
  } catch (error) {
    for (const request of requests) request.reject(error);
  }
}

/** "a", "a and b", "a, b and c": the prompt's one sentence for the whole batch, each reason once. */
export function joinReasons(reasons: readonly string[]): string {
  const unique = [...new Set(reasons.map((reason) => reason.trim()).filter((reason) => reason !== ''))];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} and ${unique.at(-1)}`;
}
