/**
 * Child processes for tests: a script under tsx (or any argv), its stdout as lines, a way to await
 * a line, and its exit. Each test kills what it started, by pid.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  process: ChildProcessWithoutNullStreams;
  pid: number;
  lines: string[];
  /** The first line (seen or to come) that passes `test`; rejects if the child exits first. */
  waitFor(test: (line: string) => boolean): Promise<string>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  stderr(): string;
  /** SIGKILL (if still running) and wait until it is reaped. */
  kill(): Promise<void>;
}

export function startChild(argv: string[], options: { env?: NodeJS.ProcessEnv } = {}): Child {
  const [command, ...args] = argv;
  const child = spawn(command!, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const lines: string[] = [];
  const waiters: { test: (line: string) => boolean; done: (line: string) => void }[] = [];
  let stderr = '';
  let buffer = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const complete = buffer.split('\n');
    buffer = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.test(line))) waiter.done(line);
    }
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const waitFor = (test: (line: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find(test);
      if (seen !== undefined) return resolve(seen);
      waiters.push({ test, done: resolve });
      void exited.then(() => reject(new Error(`${argv.join(' ')} exited first; stdout: ${lines.join(' | ')}; stderr: ${stderr}`)));
    });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { process: child, pid: child.pid!, lines, waitFor, exited, stderr: () => stderr, kill };
}

/** A TypeScript file run under tsx, as its own process: `script` is a file URL or path. */
export function startTsWorker(script: URL | string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Child {
  return startChild([process.execPath, '--import', 'tsx', script instanceof URL ? fileURLToPath(script) : script, ...args], options);
}
