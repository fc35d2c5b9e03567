/**
 * Where the app's engine comes from, and in which process it runs. Pure decisions, tested.
 *
 * - One engine per data dir (main/engine/instance.ts). When `portico serve` — or another copy of
 *   the app on the same data dir — already runs one and publishes its control API
 *   (`control.json`), the app attaches to it as a client instead of starting a second.
 * - Otherwise the app starts its own, by default in an Electron utility process: see README.md
 *   for why (proxy CPU never blocks the main process, which runs the IPC, the menus and the tray).
 */
import { controlFilePath, readControlFile } from '../control';
import type { ControlRecord } from '../control';
import { readEngineRecord } from '../engine/instance';
import type { EngineRecord } from '../engine/instance';
import { dataPaths } from '../engine/system/data-dir';

export type EnginePlan =
  | { mode: 'attach'; url: string; token: string; pid: number; reason: string }
  | { mode: 'spawn'; reason: string }
  | { mode: 'wait'; pid: number; reason: string };

export function planEngine(engine: EngineRecord | null, control: ControlRecord | null): EnginePlan {
  if (control !== null) {
    return { mode: 'attach', url: control.url, token: control.token, pid: control.pid, reason: `an engine already runs on this data dir (pid ${control.pid}); the app uses it` };
  }
  if (engine !== null) {
    // Claimed but not published yet: it is starting (or predates the control API).
    return { mode: 'wait', pid: engine.pid, reason: `an engine (pid ${engine.pid}) holds this data dir but has not published its control API yet` };
  }
  return { mode: 'spawn', reason: 'no engine runs on this data dir' };
}

export async function readEnginePlan(dataDir: string): Promise<EnginePlan> {
  const [engine, control] = await Promise.all([readEngineRecord(dataPaths(dataDir).engineFile), readControlFile(controlFilePath(dataDir))]);
  return planEngine(engine, control);
}

/** Where the app's own engine runs. */
export type EngineProcessMode = 'utility' | 'in-process';

/**
 * `utility` unless `PORTICO_ENGINE_IN_PROCESS=1` asks otherwise (for debugging with one process),
 * or the Electron build has no `utilityProcess` (it has since Electron 22).
 */
export function chooseEngineProcess(env: NodeJS.ProcessEnv, utilityProcessAvailable: boolean): EngineProcessMode {
  if (env.PORTICO_ENGINE_IN_PROCESS === '1') return 'in-process';
  return utilityProcessAvailable ? 'utility' : 'in-process';
}
