import { PorticoError } from '../errors';
import { joinsConsent } from './consent';
import type { Exec, ExecResult } from './exec';

/**
 * How a privileged command is started:
 * - `none`: we are root already, so the command runs as is;
 * - `sudo`: `sudo --prompt=… -- argv` (terminal sessions; mkcert `commandWithSudo`);
 * - `pkexec`: polkit's graphical prompt (desktop sessions without a terminal);
 * - `osascript`: macOS `do shell script … with administrator privileges`;
 * - `uac`: Windows `Start-Process -Verb RunAs` from PowerShell.
 */
export type ElevationMethod = 'none' | 'sudo' | 'pkexec' | 'osascript' | 'uac';

export interface ElevateOptions {
  /** Why, in a few words after "Portico needs to …" (e.g. "trust the Portico CA system-wide"). */
  reason: string;
}

/**
 * Runs fixed argv arrays with administrator rights, one consent per user action (TS-6). The app
 * itself never runs elevated; only these commands do. Results are returned whatever the exit code.
 */
export interface Elevator {
  readonly method: ElevationMethod;
  run(argv: readonly string[], options: ElevateOptions): Promise<ExecResult>;
  /**
   * Several commands under one consent, in order, stopping at the first failure; resolves with
   * the failing command's result or the last one's. osascript, pkexec and UAC batch them into
   * one elevated process. sudo runs them one by one: its credential cache (`timestamp_timeout`,
   * 5 minutes by default, sudoers(5)) makes the first prompt the only one.
   */
  runAll(commands: readonly (readonly string[])[], options: ElevateOptions): Promise<ExecResult>;
}

export interface ElevatorDeps {
  platform: NodeJS.Platform;
  exec: Exec;
  /** The effective user id (`process.getuid()`); 0 means no elevation is needed. Absent on Windows. */
  uid?: number;
  /** True when a terminal can answer sudo's prompt; otherwise Linux uses pkexec's dialog. */
  interactive?: boolean;
  /** Forces the Linux method (e.g. from a setting or a test). */
  linuxMethod?: 'sudo' | 'pkexec';
}

/** Picks the method for this platform and user. */
export function elevationMethod(deps: Omit<ElevatorDeps, 'exec'>): ElevationMethod {
  if (deps.platform === 'win32') return 'uac';
  if (deps.uid === 0) return 'none';
  if (deps.platform === 'darwin') return 'osascript';
  return deps.linuxMethod ?? (deps.interactive ? 'sudo' : 'pkexec');
}

export function createElevator(deps: ElevatorDeps): Elevator {
  const method = elevationMethod(deps);
  const runAll = async (commands: readonly (readonly string[])[], options: ElevateOptions): Promise<ExecResult> => {
    let last: ExecResult | undefined;
    for (const argv of elevatedArgv(method, commands, options.reason)) {
      last = await deps.exec(argv);
      if (last.exitCode !== 0) return last;
    }
    if (!last) throw new PorticoError('E_INTERNAL', 'elevator called without a command');
    return last;
  };
  // Inside `withOneConsent` the commands wait for the action's single batch (consent.ts).
  return joinsConsent({ method, runAll, run: (argv, options) => runAll([argv], options) });
}

/** The elevator for this process: its platform, its user, and whether a terminal can answer sudo. */
export function systemElevator(exec: Exec): Elevator {
  return createElevator({ platform: process.platform, exec, uid: process.getuid?.(), interactive: process.stdin.isTTY === true });
}

/**
 * The exact processes spawned (each with `shell: false`) to run `commands` elevated. Pure, so
 * tests can check every quoting layer with hostile arguments.
 */
export function elevatedArgv(method: ElevationMethod, commands: readonly (readonly string[])[], reason: string): string[][] {
  if (commands.length === 0) throw new PorticoError('E_INTERNAL', 'elevator called without a command');
  for (const argv of commands) checkArgv(argv);
  switch (method) {
    case 'none':
      return commands.map((argv) => [...argv]);
    case 'sudo':
      return commands.map((argv) => ['sudo', `--prompt=${sudoPrompt(reason)}`, '--', ...argv]);
    case 'pkexec': {
      const [only] = commands;
      if (commands.length === 1 && only) return [['pkexec', ...only]];
      return [['pkexec', '/bin/sh', '-c', posixScript(commands)]];
    }
    case 'osascript':
      // The AppleScript is constant; the shell script and prompt arrive as `argv` of the run
      // handler (osascript(1): arguments after the script go to `on run`), so no AppleScript
      // string escaping is involved. `do shell script` hands its text to /bin/sh -c (Apple TN2065).
      return [['osascript', '-e', 'on run argv', '-e', 'do shell script (item 1 of argv) with prompt (item 2 of argv) with administrator privileges', '-e', 'end run', posixScript(commands), `Portico needs to ${cleanReason(reason)}.`]];
    case 'uac':
      return [powershellArgv(uacScript(commands))];
  }
}

function checkArgv(argv: readonly string[]): void {
  if (argv.length === 0 || argv[0] === '') throw new PorticoError('E_INTERNAL', 'elevator called with an empty argv');
  if (argv.some((arg) => arg.includes('\0'))) {
    throw new PorticoError('E_INVALID_INPUT', `refusing to run ${argv[0]}: an argument contains a NUL byte`);
  }
}

function cleanReason(reason: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return reason.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** sudo expands `%p`, `%u`, `%h`… in its prompt (sudo(8) --prompt); `%%` is a literal percent. */
function sudoPrompt(reason: string): string {
  return `[portico] ${cleanReason(reason).replace(/%/g, '%%')}. Password for %p: `;
}

/**
 * One argument as a POSIX shell word: single quotes keep every byte literal except `'` itself,
 * written as `'\''` (POSIX.1-2017 XCU 2.2.2). Newlines, `$()`, backticks and `;` stay inert.
 */
export function posixQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Commands joined with `&&`, so the script stops at the first failure and exits with its status. */
export function posixScript(commands: readonly (readonly string[])[]): string {
  return commands.map((argv) => argv.map(posixQuote).join(' ')).join(' && ');
}

/**
 * One argument as Windows' C runtime (and CommandLineToArgvW) parses it back: quoted when it
 * holds whitespace or `"`, backslashes doubled only before a quote ("Parsing C++ command-line
 * arguments", Microsoft Learn; Daniel Colascione, "Everyone quotes command line arguments the
 * wrong way").
 */
export function windowsQuoteArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const char of arg) {
    if (char === '\\') {
      backslashes += 1;
      continue;
    }
    if (char === '"') out += '\\'.repeat(backslashes * 2 + 1) + '"';
    else out += '\\'.repeat(backslashes) + char;
    backslashes = 0;
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}

/** A Windows command line (without the program) for `args`. */
export function windowsCommandLine(args: readonly string[]): string {
  return args.map(windowsQuoteArg).join(' ');
}

/**
 * A PowerShell verbatim string. PowerShell treats the curly quotes U+2018–U+201B like `'`
 * (about_Quoting_Rules; the tokenizer's single-quote set), so each of them is doubled too.
 */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (quote) => quote + quote)}'`;
}

/** `-EncodedCommand` takes base64 of UTF-16LE (powershell.exe /?): no command-line quoting layer left. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

export function powershellArgv(script: string): string[] {
  return ['powershell.exe', '-NoProfile', '-NonInteractive', '-EncodedCommand', encodePowerShell(script)];
}

/** `Start-Process` of one program with a pre-quoted argument line (PowerShell 5.1 would join an array unquoted). */
function startProcess(argv: readonly string[], extra: string): string {
  const [file, ...args] = argv;
  const argumentList = args.length > 0 ? ` -ArgumentList ${psQuote(windowsCommandLine(args))}` : '';
  return `$p = Start-Process -FilePath ${psQuote(file ?? '')}${argumentList} -Wait -PassThru ${extra}`;
}

/**
 * An unelevated PowerShell that starts one elevated PowerShell (one UAC consent) running every
 * command in order, stopping at the first non-zero exit. UAC shows its own text; `reason` cannot
 * be displayed there. Output of the elevated process is not captured.
 */
function uacScript(commands: readonly (readonly string[])[]): string {
  const inner = ["$ErrorActionPreference = 'Stop'"];
  for (const argv of commands) {
    inner.push(startProcess(argv, '-NoNewWindow'), 'if ($p.ExitCode -ne 0) { exit $p.ExitCode }');
  }
  inner.push('exit 0');
  const elevated = ['powershell.exe', '-NoProfile', '-NonInteractive', '-EncodedCommand', encodePowerShell(inner.join('\n'))];
  return ["$ErrorActionPreference = 'Stop'", startProcess(elevated, '-Verb RunAs -WindowStyle Hidden'), 'exit $p.ExitCode'].join('\n');
}
