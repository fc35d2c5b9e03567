/**
 * `<data>/control.json`: how the CLI finds and authenticates to the engine running on the same
 * data dir. The token is a secret, so the file is 0600 in a 0700 directory (security-requirements
 * API-5: "store the token only in a 0600 file"), written atomically so a reader never sees half
 * of it, and ignored once the process that wrote it is gone.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PorticoError } from '../engine/errors';
import { writeFileAtomic } from '../engine/system/atomic-file';
import { describeIssues } from './dispatch';

/** The file name inside the data dir. */
export const CONTROL_FILE_NAME = 'control.json';

export function controlFilePath(dataDir: string): string {
  return join(dataDir, CONTROL_FILE_NAME);
}

/** Only loopback URLs: a tampered file must not make the CLI send the token elsewhere. */
const LoopbackUrl = z.string().regex(/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/);

const ControlRecordSchema = z.object({
  url: LoopbackUrl,
  port: z.number().int().min(1).max(65535),
  token: z.string().min(1),
  pid: z.number().int().positive(),
});

/** What a running engine publishes for the CLI. */
export type ControlRecord = z.infer<typeof ControlRecordSchema>;

export async function writeControlFile(path: string, record: Omit<ControlRecord, 'pid'> & { pid?: number }): Promise<ControlRecord> {
  const checked = ControlRecordSchema.safeParse({ ...record, pid: record.pid ?? process.pid });
  if (!checked.success) {
    throw new PorticoError('E_INVALID_INPUT', `refusing to publish a control record that the CLI could not use safely: ${describeIssues(checked.error.issues)}.`);
  }
  const full = checked.data;
  await writeFileAtomic(path, `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600, dirMode: 0o700 });
  return full;
}

/** True while `pid` exists; EPERM means it exists but belongs to another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The running engine's control record, or null when there is none: no file, an unreadable or
 * malformed one, or one left by a process that has exited (crash, SIGKILL).
 */
export async function readControlFile(path: string, alive: (pid: number) => boolean = isProcessAlive): Promise<ControlRecord | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
  const record = ControlRecordSchema.safeParse(parsed);
  if (!record.success || !alive(record.data.pid)) return null;
  return record.data;
}

/**
 * Removes the file on shutdown. With `token`, only if the file is still ours: an engine that
 * replaced a stale one must not lose its record to the old one's late cleanup.
 */
export async function removeControlFile(path: string, token?: string): Promise<void> {
  if (token !== undefined) {
    let current: unknown;
    try {
      current = JSON.parse(await readFile(path, 'utf8'));
    } catch {
      return;
    }
    if ((current as { token?: unknown } | null)?.token !== token) return;
  }
  await rm(path, { force: true });
}
