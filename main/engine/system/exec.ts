import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { PorticoError } from '../errors';

/** Options for one external command. */
export interface ExecOptions {
  /** Bytes written to the command's stdin, which is then closed. */
  input?: string | Uint8Array;
  /** Variables set on top of the inherited environment (a value of `undefined` removes one). */
  env?: Record<string, string | undefined>;
  /** Kill the command (SIGKILL) after this many milliseconds and fail with E_EXEC_FAILED. */
  timeoutMs?: number;
  /** Working directory; the current one when absent. */
  cwd?: string;
}

/** What a finished command left behind. A non-zero exit is a result, not an exception. */
export interface ExecResult {
  argv: readonly string[];
  /** The exit status; 128 + signal number when a signal ended it (the shell convention). */
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one program with an argv array, never through a shell (security-requirements.md TS-6).
 * Resolves with the exit code and output whatever the exit code; rejects only when the program
 * could not run at all: E_TOOL_MISSING when it is not installed, E_EXEC_FAILED otherwise.
 */
export type Exec = (argv: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

/** Output beyond this is dropped: no command we run prints more, and a runaway one must not eat memory. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** An external command that failed; keeps its argv, exit code and output for logs and the UI. */
export class CommandError extends PorticoError {
  readonly argv: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;

  constructor(result: ExecResult, what?: string, options?: { cause?: unknown }) {
    const output = (result.stderr.trim() || result.stdout.trim()).slice(0, 2000);
    const head = what ? `${what}: ` : '';
    super('E_EXEC_FAILED', `${head}\`${formatArgv(result.argv)}\` exited with ${result.exitCode}${output ? `: ${output}` : ''}`, options);
    this.name = 'CommandError';
    this.argv = result.argv;
    this.exitCode = result.exitCode;
    this.stdout = result.stdout;
    this.stderr = result.stderr;
  }
}

/** Returns `result` when it exited 0, else throws a CommandError saying `what` failed. */
export function mustSucceed(result: ExecResult, what?: string): ExecResult {
  if (result.exitCode !== 0) throw new CommandError(result, what);
  return result;
}

/** The argv as one readable line for messages (never executed). */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ');
}

/** The real Exec: child_process.spawn with `shell: false`. */
export const exec: Exec = (argv, options = {}) => {
  const [file, ...args] = argv;
  if (file === undefined || file === '') {
    return Promise.reject(new PorticoError('E_INTERNAL', 'exec called with an empty argv'));
  }
  if (argv.some((arg) => arg.includes('\0'))) {
    // A NUL would silently truncate the argument at the OS boundary.
    return Promise.reject(new PorticoError('E_INVALID_INPUT', `refusing to run ${file}: an argument contains a NUL byte`));
  }
  return new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(file, args, {
      shell: false,
      windowsHide: true,
      cwd: options.cwd,
      env: options.env ? mergeEnv(process.env, options.env) : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout = collect();
    const stderr = collect();
    child.stdout.on('data', stdout.push);
    child.stderr.on('data', stderr.push);

    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (error.code === 'ENOENT') {
        reject(new PorticoError('E_TOOL_MISSING', `${file} is not installed or not on PATH; install it and retry.`, { cause: error }));
      } else {
        reject(new PorticoError('E_EXEC_FAILED', `could not run ${file}: ${error.message}`, { cause: error }));
      }
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const result: ExecResult = {
        argv: [...argv],
        exitCode: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0),
        stdout: stdout.text(),
        stderr: stderr.text(),
      };
      if (timedOut) reject(new CommandError(result, `timed out after ${options.timeoutMs} ms`));
      else resolve(result);
    });

    // A command that exits without reading stdin makes our write fail with EPIPE: not our error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
};

function mergeEnv(base: NodeJS.ProcessEnv, overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function collect() {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push: (chunk: Buffer) => {
      if (size >= MAX_OUTPUT_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}
