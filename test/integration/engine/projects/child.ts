/** This folder's `workers/` scripts, each in its own process (test/helpers/child-process.ts). */
import { startTsWorker, type Child } from '../../../helpers/child-process';

export type Worker = Child;

export function startWorker(script: string, args: string[]): Worker {
  return startTsWorker(new URL(`./workers/${script}`, import.meta.url), args);
}

/** Kills a worker that is still running and waits until it is reaped (so its pid is dead). */
export function stopWorker(worker: Worker): Promise<void> {
  return worker.kill();
}
