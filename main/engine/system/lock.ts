/**
 * A cross-process exclusive lock on a file path, so the CLI, `portico serve` and the desktop app
 * never interleave read-modify-write cycles on the data dir (lost updates) or create two roots.
 *
 * Protocol
 * - Acquire: write the owner record `{pid, hostname, acquiredAt, token}` to a private temp file and
 *   hard-link it to the lock path. link(2) fails with EEXIST when the path exists, so creation is
 *   atomic and a reader never sees a half-written record (an `open(…, 'wx')` + write would leave an
 *   empty file for a moment). Filesystems without hard links fall back to `open(…, 'wx')`.
 * - While held, a heartbeat refreshes the lock's mtime every `staleMs / 4`.
 * - A lock is stale when its owner is gone: same host and the pid is dead (`kill(pid, 0)` → ESRCH),
 *   or our own pid with a token this process does not hold (a leaked lock), or no heartbeat for
 *   `staleMs` (another host, an unreadable record, a reused pid, a lock from before a reboot).
 * - Release removes the lock only if it still holds our token.
 *
 * Taking over a stale lock without two takers both winning
 * A naive "delete then create" lets taker B, who judged the same stale lock, delete the fresh lock
 * taker A just created. Renaming the stale file away does not fix it either (B may rename A's fresh
 * lock and cannot put it back atomically). So every removal of a stale lock happens under a
 * second, short-lived guard lock (`<lock>.takeover`, same protocol): the guard holder re-reads the
 * lock and deletes it only if it is still the very file judged stale (same inode and bytes) and
 * still stale. Creators never delete, so while the guard is held nothing else can remove a lock.
 * Residual window, accepted: a taker SIGKILLed while holding the guard (a few syscalls) leaves a
 * stale guard, which is removed by path; two waiters removing it at the same instant could let two
 * guard holders run. Likewise an owner paused longer than `staleMs` (debugger, SIGSTOP) is treated
 * as gone; on resuming it would no longer be exclusive.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { PorticoError } from '../errors';
import { ScopedStorage } from './scoped-storage';

export interface LockOptions {
  /** How long to wait for the lock before failing with E_LOCK_TIMEOUT. Default 10 s. */
  timeoutMs?: number;
  /** A lock whose heartbeat (mtime) is older than this is stale whatever its pid says. Default 30 s. */
  staleMs?: number;
}

/** What a lock file holds: who owns it, and a token that tells this hold from any other. */
export interface LockRecord {
  pid: number;
  hostname: string;
  acquiredAt: string;
  token: string;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const DEFAULT_LOCK_STALE_MS = 30_000;
const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 100;
const MAX_QUICK_RETRIES = 8;
/** link(2) errors meaning "this filesystem has no hard links", not "someone holds the lock". */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP', 'EXDEV']);

/** Tail of the in-process queue per lock path: async callers in one process wait their turn here. */
const queues = new Map<string, Promise<void>>();
/** Tokens of the locks (and guards) this process holds right now. */
const heldTokens = new Set<string>();
/** Lock paths held by the current async call chain, to report reentrancy instead of deadlocking. */
const heldInContext = new ScopedStorage<ReadonlySet<string>>();

/**
 * Runs `fn` while holding the exclusive lock at `lockPath`, across processes and across async
 * callers in this process. Not reentrant: calling it again for the same path inside `fn` fails at
 * once with E_INTERNAL rather than waiting for itself.
 */
export async function withLock<T>(lockPath: string, fn: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  const key = resolve(lockPath);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_LOCK_STALE_MS;
  const outer = heldInContext.getStore() ?? new Set<string>();
  if (outer.has(key)) throw new PorticoError('E_INTERNAL', `the lock ${lockPath} is already held by this task: withLock is not reentrant.`);

  const deadline = Date.now() + timeoutMs;
  const previous = queues.get(key) ?? Promise.resolve();
  let finished!: () => void;
  const ours = new Promise<void>((done) => (finished = done));
  const tail = previous.then(() => ours);
  queues.set(key, tail);
  try {
    await waitForTurn(previous, deadline, () => timeoutError(lockPath, timeoutMs, 'another task of this process'));
    const release = await acquireFileLock(lockPath, deadline, timeoutMs, staleMs);
    try {
      return await heldInContext.run(new Set([...outer, key]), fn);
    } finally {
      await release();
    }
  } finally {
    // Also on timeout: our slot then passes as soon as the one before it does.
    finished();
    if (queues.get(key) === tail) queues.delete(key);
  }
}

/** True when a process with this pid exists on this host (EPERM: it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Removes temp files next to `target` named `.<name>.<pid>.<hex>.tmp` (the pattern of
 * writeFileAtomic and of lock creation) whose process is gone: what a SIGKILL mid-write leaves.
 * Best effort; a temp of a live process is never touched.
 */
export async function removeOrphanTempFiles(target: string): Promise<void> {
  const dir = dirname(target);
  const prefix = `.${basename(target)}.`;
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = entry.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(entry.slice(prefix.length)) : null;
    if (match && !isProcessAlive(Number(match[1]))) await unlink(join(dir, entry)).catch(() => undefined);
  }
}

async function waitForTurn(previous: Promise<void>, deadline: number, onTimeout: () => PorticoError): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, deadline - Date.now()));
  });
  try {
    await Promise.race([previous, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Takes the file lock, waiting with jittered backoff; resolves to its release function. */
async function acquireFileLock(lockPath: string, deadline: number, timeoutMs: number, staleMs: number): Promise<() => Promise<void>> {
  await ensureDirectory(lockPath);
  const record = newRecord();
  heldTokens.add(record.token);
  let retryMs = FIRST_RETRY_MS;
  try {
    let quickRetries = 0;
    for (;;) {
      if (await createExclusive(lockPath, record)) break;
      const owner = await observe(lockPath);
      // Released between our attempt and our look, or a stale lock just removed: try again now
      // (bounded, so a lock that keeps vanishing and reappearing cannot make us spin).
      const retryNow = owner === null || (isStale(owner, staleMs) && (await takeOver(lockPath, owner, staleMs)));
      if (retryNow && quickRetries++ < MAX_QUICK_RETRIES) continue;
      quickRetries = 0;
      if (Date.now() >= deadline) throw timeoutError(lockPath, timeoutMs, owner ? describeOwner(owner.record) : 'another process');
      await sleep(Math.min(retryMs * (0.5 + Math.random()), Math.max(1, deadline - Date.now())));
      retryMs = Math.min(retryMs * 1.5, MAX_RETRY_MS);
    }
  } catch (error) {
    heldTokens.delete(record.token);
    throw error;
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, Math.max(1, Math.floor(staleMs / 4)));
  heartbeat.unref();
  await removeOrphanTempFiles(lockPath);
  return async () => {
    clearInterval(heartbeat);
    try {
      const current = await observe(lockPath);
      if (current?.record?.token === record.token) await unlink(lockPath).catch(ignoreMissing);
    } finally {
      heldTokens.delete(record.token);
    }
  };
}

/**
 * Removes `stale` under the takeover guard if it is still the same file and still stale.
 * Returns true when the caller should retry at once (the lock was removed or changed hands).
 */
async function takeOver(lockPath: string, stale: Observed, staleMs: number): Promise<boolean> {
  const guardPath = `${lockPath}.takeover`;
  const guard = newRecord();
  heldTokens.add(guard.token);
  try {
    if (!(await createExclusive(guardPath, guard))) {
      const other = await observe(guardPath);
      if (other !== null && isStale(other, staleMs)) await unlink(guardPath).catch(ignoreMissing);
      return false;
    }
    try {
      const current = await observe(lockPath);
      if (current === null) return true;
      if (current.ino !== stale.ino || current.raw !== stale.raw) return true;
      if (!isStale(current, staleMs)) return false;
      await unlink(lockPath).catch(ignoreMissing);
      return true;
    } finally {
      await unlink(guardPath).catch(ignoreMissing);
    }
  } finally {
    heldTokens.delete(guard.token);
  }
}

/** The lock's directory (the data dir: private to the user, like the files in it). */
async function ensureDirectory(lockPath: string): Promise<void> {
  await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 }).catch((cause: unknown) => {
    throw lockWriteError(lockPath, cause);
  });
}

function newRecord(): LockRecord {
  return { pid: process.pid, hostname: hostname(), acquiredAt: new Date().toISOString(), token: randomBytes(12).toString('hex') };
}

/** Creates `path` holding `record` if it does not exist; false when it already does. */
async function createExclusive(path: string, record: LockRecord): Promise<boolean> {
  const content = `${JSON.stringify(record)}\n`;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
    try {
      await link(temp, path);
      return true;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code === 'ENOENT') {
      // The directory vanished, or another host's sweep took our temp: recreate and retry.
      await ensureDirectory(path);
      return false;
    }
    if (code !== undefined && NO_HARD_LINKS.has(code)) return createByOpen(path, content);
    throw lockWriteError(path, error);
  }
}

/** Fallback without hard links; a reader may see the record empty for a moment (treated as live). */
async function createByOpen(path: string, content: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw lockWriteError(path, error);
  }
}

interface Observed {
  raw: string;
  record: LockRecord | null;
  mtimeMs: number;
  ino: number;
}

/** The lock file as it is now (one open, so bytes and inode belong together), or null if absent. */
async function observe(path: string): Promise<Observed | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw lockWriteError(path, error);
  }
  try {
    const stats = await handle.stat();
    const raw = await handle.readFile('utf8');
    return { raw, record: parseRecord(raw), mtimeMs: stats.mtimeMs, ino: stats.ino };
  } finally {
    await handle.close();
  }
}

function parseRecord(raw: string): LockRecord | null {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const { pid, hostname: host, acquiredAt, token } = value as Record<string, unknown>;
    if (!Number.isInteger(pid) || typeof host !== 'string' || typeof acquiredAt !== 'string' || typeof token !== 'string') return null;
    return { pid: pid as number, hostname: host, acquiredAt, token };
  } catch {
    return null;
  }
}

function isStale(owner: Observed, staleMs: number): boolean {
  if (Date.now() - owner.mtimeMs > staleMs) return true;
  const record = owner.record;
  // An unreadable record is being written by the fallback creator (or damaged): only age decides.
  if (record === null || record.hostname !== hostname()) return false;
  if (record.pid === process.pid) return !heldTokens.has(record.token);
  return !isProcessAlive(record.pid);
}

function describeOwner(record: LockRecord | null): string {
  if (record === null) return 'a process whose lock record is unreadable';
  return `pid ${record.pid} on ${record.hostname} since ${record.acquiredAt}`;
}

function timeoutError(lockPath: string, timeoutMs: number, holder: string): PorticoError {
  return new PorticoError(
    'E_LOCK_TIMEOUT',
    `timed out after ${timeoutMs / 1000} s waiting for the lock ${lockPath}, held by ${holder}. ` +
      `Another Portico command is probably still running: let it finish and retry. ` +
      `If that process is not Portico or is stuck, stop it; if it no longer exists, delete ${lockPath} and retry.`,
  );
}

function lockWriteError(path: string, error: unknown): PorticoError {
  const reason = error instanceof Error ? error.message : String(error);
  return new PorticoError('E_WRITE_FAILED', `cannot use the lock file ${path}: ${reason}. Check the data directory's permissions and free space.`, { cause: error });
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
