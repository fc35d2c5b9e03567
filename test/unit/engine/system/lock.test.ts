import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPorticoError } from '../../../../main/engine/errors';
import { isProcessAlive, removeOrphanTempFiles, withLock, type LockRecord } from '../../../../main/engine/system/lock';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const LOCK_MODULE = pathToFileURL(join(REPO_ROOT, 'main/engine/system/lock.ts')).href;

/**
 * A child process that uses the lock. `hold`: takes the lock, prints "locked", keeps it until a
 * line arrives on stdin. `contend`: prints "ready", waits for a line, then `rounds` times appends
 * "start <id>" / "end <id>" to the log and increments a counter file inside the lock; given a
 * dead pid, it leaves a stale lock of that pid behind each time instead of releasing cleanly.
 */
const CHILD_SCRIPT = `
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { withLock } from ${JSON.stringify(LOCK_MODULE)};
const [mode, lockPath, logPath, id, rounds, stalePid] = process.argv.slice(2);
const input = createInterface({ input: process.stdin });
const nextLine = () => new Promise((done) => input.once('line', done));
if (mode === 'hold') {
  await withLock(lockPath, async () => { console.log('locked'); await nextLine(); });
} else {
  console.log('ready');
  await nextLine();
  for (let round = 0; round < Number(rounds); round += 1) {
    await withLock(lockPath, async () => {
      await appendFile(logPath, 'start ' + id + '\\n');
      const count = Number(await readFile(logPath + '.count', 'utf8').catch(() => '0'));
      await writeFile(logPath + '.count', String(count + 1));
      await appendFile(logPath, 'end ' + id + '\\n');
      // As if the holder died here: the next takers all race to take over a stale lock.
      if (stalePid) await writeFile(lockPath, JSON.stringify({ pid: Number(stalePid), hostname: hostname(), acquiredAt: new Date().toISOString(), token: 'dead' + id + round }));
    });
  }
}
console.log('done');
input.close();
`;

let dir: string;
let script: string;
let lockPath: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-lock-'));
  script = join(dir, 'child.mts');
  lockPath = join(dir, 'data', 'config.lock');
  await writeFile(script, CHILD_SCRIPT);
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  await rm(dir, { recursive: true, force: true });
});

/** Starts the child script; `line(text)` resolves once the child has printed that line. */
function startChild(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const seen: string[] = [];
  const waiters: { text: string; done: () => void }[] = [];
  let stderr = '';
  let buffer = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const text of lines) {
      seen.push(text);
      for (const waiter of waiters.filter((w) => w.text === text)) waiter.done();
    }
  });
  const exited = once(child, 'exit');
  const line = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (seen.includes(text)) return resolve();
      waiters.push({ text, done: resolve });
      void exited.then(() => reject(new Error(`child exited before printing "${text}": ${stderr}`)));
    });
  const send = (text: string) => child.stdin.write(`${text}\n`);
  return { child, line, send, exited };
}

/** The pid of a process that has just exited (not reaped zombies: we await its exit). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

function record(overrides: Partial<LockRecord>): string {
  return JSON.stringify({ pid: process.ppid, hostname: hostname(), acquiredAt: new Date().toISOString(), token: 'f'.repeat(24), ...overrides });
}

async function expectLockCode(promise: Promise<unknown>, code: string): Promise<Error> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e as Error,
  );
  expect(isPorticoError(error) ? error.code : error.message).toBe(code);
  return error;
}

/** The log of `contend` children, checked for interleaving: every start is followed by its own end. */
async function expectNoInterleaving(logPath: string, expectedRounds: number): Promise<void> {
  const lines = (await readFile(logPath, 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(expectedRounds * 2);
  for (let index = 0; index < lines.length; index += 2) {
    const id = lines[index]?.replace(/^start /, '');
    expect([lines[index], lines[index + 1]]).toEqual([`start ${id}`, `end ${id}`]);
  }
  expect(Number(await readFile(`${logPath}.count`, 'utf8'))).toBe(expectedRounds);
}

describe('withLock in one process', () => {
  it('runs async callers one at a time, in call order', async () => {
    let active = 0;
    let maxActive = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        withLock(lockPath, async () => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          await stat(lockPath);
          order.push(index);
          active -= 1;
        }),
      ),
    );
    expect(maxActive).toBe(1);
    expect(order).toEqual(Array.from({ length: 25 }, (_, index) => index));
  });

  it('writes an owner record with this pid, mode 0600, and removes it on release', async () => {
    const seen = await withLock(lockPath, async () => ({ text: await readFile(lockPath, 'utf8'), mode: (await stat(lockPath)).mode & 0o777 }));
    expect(JSON.parse(seen.text)).toMatchObject({ pid: process.pid, hostname: hostname() });
    if (process.platform !== 'win32') expect(seen.mode).toBe(0o600);
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('releases the lock when fn throws and passes the error on', async () => {
    await expect(withLock(lockPath, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(withLock(lockPath, () => 'again')).resolves.toBe('again');
  });

  it('fails at once with E_INTERNAL when called again inside its own fn', async () => {
    await withLock(lockPath, () => expectLockCode(withLock(lockPath, () => 'nested'), 'E_INTERNAL'));
  });

  it('times out a queued caller with E_LOCK_TIMEOUT without blocking the ones after it', async () => {
    let release!: () => void;
    const holding = new Promise<void>((done) => (release = done));
    let entered!: () => void;
    const inside = new Promise<void>((done) => (entered = done));
    const holder = withLock(lockPath, async () => {
      entered();
      await holding;
    });
    await inside;
    const error = await expectLockCode(withLock(lockPath, () => 'late', { timeoutMs: 20 }), 'E_LOCK_TIMEOUT');
    expect(error.message).toContain('another task of this process');
    const after = withLock(lockPath, () => 'after');
    release();
    await holder;
    await expect(after).resolves.toBe('after');
  });

  it('removes the lock file only while it is still its own', async () => {
    const foreign = record({ token: 'a'.repeat(24) });
    await withLock(lockPath, async () => {
      await writeFile(lockPath, foreign);
    });
    expect(await readFile(lockPath, 'utf8')).toBe(foreign);
  });

  it('fails with E_WRITE_FAILED when the lock directory cannot be created', async () => {
    const notADirectory = join(dir, 'file');
    await writeFile(notADirectory, 'x');
    const error = await expectLockCode(withLock(join(notADirectory, 'config.lock'), () => 'ran'), 'E_WRITE_FAILED');
    expect(error.message).toContain(notADirectory);
  });

  it('keeps the heartbeat going while held, so a long hold never looks stale', async () => {
    await withLock(
      lockPath,
      async () => {
        const longAgo = new Date(Date.now() - 3_600_000);
        await utimes(lockPath, longAgo, longAgo);
        await vi.waitFor(async () => expect((await stat(lockPath)).mtimeMs).toBeGreaterThan(longAgo.getTime() + 1000), { timeout: 5000, interval: 10 });
      },
      { staleMs: 40 },
    );
  });
});

describe('stale lock detection', () => {
  const hour = 3_600_000;
  const cases: { name: string; content: () => Promise<string>; ageMs: number; takenOver: boolean }[] = [
    { name: 'a dead pid on this host', content: async () => record({ pid: await deadPid() }), ageMs: 0, takenOver: true },
    { name: "this process's pid with a token it does not hold (leaked)", content: async () => record({ pid: process.pid }), ageMs: 0, takenOver: true },
    { name: 'a live pid on this host', content: async () => record({}), ageMs: 0, takenOver: false },
    { name: 'a live pid whose heartbeat stopped', content: async () => record({}), ageMs: hour, takenOver: true },
    { name: 'another host, fresh heartbeat', content: async () => record({ hostname: 'elsewhere.invalid', pid: await deadPid() }), ageMs: 0, takenOver: false },
    { name: 'another host, no heartbeat', content: async () => record({ hostname: 'elsewhere.invalid' }), ageMs: hour, takenOver: true },
    { name: 'an unreadable record just written', content: async () => '', ageMs: 0, takenOver: false },
    { name: 'an unreadable record, old', content: async () => '{"pid":', ageMs: hour, takenOver: true },
  ];

  it.each(cases)('$name → taken over: $takenOver', async ({ content, ageMs, takenOver }) => {
    await withLock(lockPath, () => undefined); // creates the directory
    await writeFile(lockPath, await content());
    const mtime = new Date(Date.now() - ageMs);
    await utimes(lockPath, mtime, mtime);
    const attempt = withLock(lockPath, () => 'ran', { timeoutMs: 150, staleMs: 60_000 });
    if (takenOver) {
      await expect(attempt).resolves.toBe('ran');
      await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
    } else {
      await expectLockCode(attempt, 'E_LOCK_TIMEOUT');
    }
  });
});

describe('withLock across processes', () => {
  it('keeps processes mutually exclusive', async () => {
    const logPath = join(dir, 'log');
    const starters = Array.from({ length: 4 }, (_, id) => startChild('contend', lockPath, logPath, String(id), '15'));
    await Promise.all(starters.map((c) => c.line('ready')));
    for (const c of starters) c.send('go');
    await Promise.all(starters.map((c) => c.line('done')));
    await expectNoInterleaving(logPath, 60);
  });

  it('takes over a lock whose holder was SIGKILLed', async () => {
    const holder = startChild('hold', lockPath);
    await holder.line('locked');
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toMatchObject({ pid: holder.child.pid });
    holder.child.kill('SIGKILL');
    await holder.exited;
    await expect(withLock(lockPath, () => 'ran', { timeoutMs: 5000 })).resolves.toBe('ran');
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails with E_LOCK_TIMEOUT naming the pid when a live process keeps the lock', async () => {
    const holder = startChild('hold', lockPath);
    await holder.line('locked');
    const error = await expectLockCode(withLock(lockPath, () => 'ran', { timeoutMs: 200 }), 'E_LOCK_TIMEOUT');
    expect(error.message).toContain(`pid ${holder.child.pid}`);
    expect(error.message).toContain(lockPath);
    holder.send('release');
    await holder.line('done');
    await expect(withLock(lockPath, () => 'ran')).resolves.toBe('ran');
  });

  it('lets exactly one of many racing takers through a stale lock at a time (stale guard too)', async () => {
    const logPath = join(dir, 'log');
    await withLock(lockPath, () => undefined);
    const stalePid = String(await deadPid());
    await writeFile(lockPath, record({ pid: Number(stalePid) }));
    await writeFile(`${lockPath}.takeover`, record({ pid: Number(stalePid), token: 'b'.repeat(24) }));
    const racers = Array.from({ length: 6 }, (_, id) => startChild('contend', lockPath, logPath, String(id), '8', stalePid));
    await Promise.all(racers.map((c) => c.line('ready')));
    for (const c of racers) c.send('go');
    await Promise.all(racers.map((c) => c.line('done')));
    await expectNoInterleaving(logPath, 48);
  });
});

describe('isProcessAlive and removeOrphanTempFiles', () => {
  it('tells a live pid from a dead one', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(await deadPid())).toBe(false);
  });

  it('removes temp files of dead processes only', async () => {
    const target = join(dir, 'config.json');
    const dead = join(dir, `.config.json.${await deadPid()}.a1b2c3.tmp`);
    const live = join(dir, `.config.json.${process.pid}.d4e5f6.tmp`);
    const unrelated = join(dir, `.other.json.${await deadPid()}.a1b2c3.tmp`);
    for (const path of [dead, live, unrelated]) await writeFile(path, 'x');
    await removeOrphanTempFiles(target);
    await expect(stat(dead)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(live)).resolves.toBeDefined();
    await expect(stat(unrelated)).resolves.toBeDefined();
  });
});
