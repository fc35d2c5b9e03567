/**
 * Child processes of the bench: each server and load generator gets its own, so no two share an
 * event loop, and the orchestrator stays idle while a load runs. Every wait is bounded.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  process: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout match of `pattern`; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function startChild(command: string, args: string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const watcher of watchers) watcher();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const watcher of watchers) watcher();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      for (const watcher of watchers) watcher();
      resolve(code);
    });
    child.once('error', () => resolve(null));
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  return {
    process: child,
    pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`${command} ${args.join(' ')}: no ${pattern} within ${timeoutMs} ms\n${out}\n${err}`)), timeoutMs);
        const check = () => {
          const match = pattern.exec(out);
          if (match) finish(null, match);
          else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`${command} exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${out}\n${err}`));
        };
        function finish(error: Error | null, match?: RegExpExecArray) {
          clearTimeout(timer);
          watchers.delete(check);
          if (error) reject(error);
          else resolve(match as RegExpExecArray);
        }
        watchers.add(check);
        check();
      });
    },
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to its end (killed after `timeoutMs`) and returns its output. */
export async function runToEnd(command: string, args: string[], timeoutMs: number, options: SpawnOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startChild(command, args, options);
  const timer = setTimeout(() => void child.stop(1000), timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

/** A TypeScript file of the bench run in its own Node process (through tsx, as `npm run bench` itself). */
export function startTs(file: string, args: string[], options: SpawnOptions = {}): Child {
  return startChild(process.execPath, ['--import', 'tsx', file, ...args], options);
}

/** Resident set size of a process in bytes (Linux /proc), or null where unavailable. */
export async function rssBytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** RSS split as Linux reports it: anonymous memory (heap, buffers) and file-backed pages (the node binary, shared with every node process). */
export async function rssParts(pid: number): Promise<{ rss: number; anon: number; file: number } | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    const parts = { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem') };
    return Number.isFinite(parts.rss) ? parts : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used, in milliseconds (Linux /proc, 10 ms ticks), or null. */
export async function cpuMs(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; reports the peak. */
export function sampleRss(pid: number, everyMs = 100): { stop(): Promise<number | null> } {
  let peak: number | null = null;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rss = await rssBytes(pid);
      if (rss !== null && (peak === null || rss > peak)) peak = rss;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

/** Whether an executable is on PATH. */
export async function hasCommand(name: string): Promise<boolean> {
  const result = await runToEnd('sh', ['-c', `command -v ${name}`], 5000).catch(() => null);
  return result?.code === 0;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
