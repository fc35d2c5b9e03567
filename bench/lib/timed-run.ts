/**
 * Runs a command to its end and reports the CPU time it used, so the bench can say what the load
 * generator itself costs beside the servers it loads. The command runs under bash, which reaps it
 * and then prints `times` (getrusage(RUSAGE_CHILDREN): user and system time of every reaped child,
 * threads included — bash(1), SHELL BUILTIN COMMANDS). Polling /proc/<pid>/stat instead would miss
 * whatever the process used between the last sample and its exit.
 */
import { runToEnd } from './procs';

// `"$@" &` then `wait`, rather than running it in the foreground, so a SIGTERM from runToEnd's
// timeout reaches the command too (bash defers a trapped signal until a foreground child exits).
// The second `wait` reaps the command after such a signal; its exit status is the first's.
const WRAPPER = [
  'trap \'kill -TERM "$pid" 2>/dev/null\' TERM',
  '"$@" & pid=$!',
  'wait "$pid"; code=$?',
  'wait "$pid" 2>/dev/null',
  'times >&2',
  'exit "$code"',
].join('\n');

/** `times` prints two lines, the shell's then its children's: `0m1.234s 0m0.567s` (user, system). */
const TIMES_LINE = /^(\d+)m(\d+[.,]\d+)s (\d+)m(\d+[.,]\d+)s$/gm;

/** The children's user + system milliseconds from `times` output at the end of `stderr`, or null. */
export function parseChildrenTimes(stderr: string): number | null {
  const lines = [...stderr.matchAll(TIMES_LINE)];
  const children = lines.length >= 2 ? lines[lines.length - 1] : undefined;
  if (!children) return null;
  const seconds = (minutes: string | undefined, rest: string | undefined) => Number(minutes) * 60 + Number((rest ?? '').replace(',', '.'));
  const ms = (seconds(children[1], children[2]) + seconds(children[3], children[4])) * 1000;
  return Number.isFinite(ms) ? ms : null;
}

export interface TimedResult {
  code: number | null;
  stdout: string;
  /** The command's stderr, without the `times` lines. */
  stderr: string;
  /** User + system CPU of the command (ms), or null when bash did not report it. */
  cpuMs: number | null;
}

export async function runToEndTimed(command: string, args: string[], timeoutMs: number): Promise<TimedResult> {
  const result = await runToEnd('bash', ['-c', WRAPPER, 'bench-timed', command, ...args], timeoutMs);
  return { code: result.code, stdout: result.stdout, stderr: result.stderr.replace(TIMES_LINE, '').trimEnd(), cpuMs: parseChildrenTimes(result.stderr) };
}
