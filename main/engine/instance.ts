import { hostname } from 'node:os';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PorticoError } from './errors';
import { writeFileAtomic } from './system/atomic-file';

/** What a running engine publishes about itself in `<data>/engine.json`. */
export interface EngineRecord {
  pid: number;
  hostname: string;
  startedAt: string;
  httpsPort?: number;
  httpPort?: number;
  controlUrl?: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The engine record of the data dir, or null when none runs (a record left by a dead process does not count). */
export async function readEngineRecord(path: string): Promise<EngineRecord | null> {
  let record: EngineRecord;
  try {
    record = JSON.parse(await readFile(path, 'utf8')) as EngineRecord;
  } catch {
    return null;
  }
  if (typeof record.pid !== 'number') return null;
  if (record.hostname === hostname() && !isAlive(record.pid)) return null;
  return record;
}

/**
 * Claims the data dir for this process: one engine per data dir, so a second `portico serve` (or
 * the desktop app) refuses with the running one's pid instead of fighting over ports and files.
 * The claim is `engine.json`, created exclusively; one left by a process that died (SIGKILL,
 * crash) is moved aside and taken over.
 */
export async function claimEngine(path: string, record: Omit<EngineRecord, 'pid' | 'hostname' | 'startedAt'> = {}, now = new Date()) {
  const mine: EngineRecord = { pid: process.pid, hostname: hostname(), startedAt: now.toISOString(), ...record };
  // A first `portico serve` on a fresh machine: the data dir is the user's alone.
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(mine, null, 2));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return createClaim(path, mine);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const running = await readEngineRecord(path);
    if (running) {
      const where = running.httpsPort ? ` serving HTTPS on port ${running.httpsPort}` : '';
      throw new PorticoError(
        'E_ENGINE_RUNNING',
        `Portico already runs on this data dir (pid ${running.pid}${where}). Use it — \`portico status\` — or stop it first (kill ${running.pid}).`,
      );
    }
    // Stale: move it aside under a unique name so two claimants cannot both delete a fresh claim.
    const aside = `${path}.stale-${process.pid}-${attempt}`;
    await rename(path, aside).catch(() => undefined);
    await rm(aside, { force: true });
  }
  throw new PorticoError('E_ENGINE_RUNNING', `could not claim ${path}: another process keeps creating it. Is another Portico starting?`);
}

function createClaim(path: string, record: EngineRecord) {
  let current = record;
  return {
    record: () => current,
    /** Publishes the ports once they are known. */
    async update(changes: Partial<EngineRecord>): Promise<void> {
      current = { ...current, ...changes };
      await writeFileAtomic(path, JSON.stringify(current, null, 2), { mode: 0o600 });
    },
    /** Gives the data dir up, only if the claim is still ours. */
    async release(): Promise<void> {
      const onDisk = await readFile(path, 'utf8').catch(() => '');
      if (onDisk && (JSON.parse(onDisk) as EngineRecord).pid === process.pid) await rm(path, { force: true });
    },
  };
}
export type EngineClaim = ReturnType<typeof createClaim>;
