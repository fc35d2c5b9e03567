import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecResult } from '../../../../main/engine/system/exec';
import { RecordingExec } from '../../../helpers/recording-exec';

/**
 * A WSL distro and its Windows side inside one temp dir: `<root>/mnt/c` is drive C:, the binfmt
 * entry marks WSL, and the exec answers like interop does — `cmd.exe /c echo %VAR%` (with the UNC
 * warning cmd.exe prints when started from a Linux directory), `wslpath -u` and the elevated
 * `powershell.exe`, whose script is decoded and carried out the way Windows would: read the staged
 * file, check its SHA-256, write the bytes over %SystemRoot%\System32\drivers\etc\hosts.
 */
export interface FakeWsl {
  root: string;
  /** The Windows hosts file as WSL sees it. */
  hostsPath: string;
  /** The Windows %TEMP% as WSL sees it. */
  tempDir: string;
  /** `%USERPROFILE%\.wslconfig` as WSL sees it. */
  wslConfigPath: string;
  exec: RecordingExec;
  /** The bytes each elevated PowerShell read from its staged file. */
  staged: Buffer[];
  /** Behave as if the user declined the UAC prompt. */
  decline: boolean;
  /** Replace the staged file's bytes before the elevated step reads them. */
  tamper: boolean;
  cleanup(): Promise<void>;
}

export const WINDOWS_TEMP = 'C:\\Users\\me\\AppData\\Local\\Temp';
const VARIABLES: Record<string, string> = { SystemRoot: 'C:\\Windows', TEMP: WINDOWS_TEMP, USERPROFILE: 'C:\\Users\\me' };

/** Undoes psQuote: a PowerShell verbatim string's doubled quotes. */
function psUnquote(quoted: string): string {
  return quoted.replace(/''/g, "'");
}

/** The script inside `-EncodedCommand <base64 of UTF-16LE>`. */
export function decodeEncodedCommand(text: string): string {
  const match = /-EncodedCommand ([A-Za-z0-9+/=]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no -EncodedCommand in ${text}`);
  return Buffer.from(match[1], 'base64').toString('utf16le');
}

export async function makeFakeWsl(options: { hosts?: Uint8Array; wslConfig?: string } = {}): Promise<FakeWsl> {
  const root = await mkdtemp(join(tmpdir(), 'portico-fake-wsl-'));
  const toWsl = (windowsPath: string) => join(root, 'mnt', windowsPath[0]!.toLowerCase(), ...windowsPath.slice(3).split('\\'));
  const hostsPath = toWsl('C:\\Windows\\System32\\drivers\\etc\\hosts');
  const tempDir = toWsl(WINDOWS_TEMP);
  const wslConfigPath = toWsl('C:\\Users\\me\\.wslconfig');
  await mkdir(join(root, 'proc', 'sys', 'fs', 'binfmt_misc'), { recursive: true });
  await writeFile(join(root, 'proc', 'sys', 'fs', 'binfmt_misc', 'WSLInterop'), 'enabled\n');
  await mkdir(dirname(hostsPath), { recursive: true });
  await mkdir(tempDir, { recursive: true });
  if (options.hosts) await writeFile(hostsPath, options.hosts);
  if (options.wslConfig !== undefined) await writeFile(wslConfigPath, options.wslConfig);

  const fake: FakeWsl = {
    root,
    hostsPath,
    tempDir,
    wslConfigPath,
    staged: [],
    decline: false,
    tamper: false,
    cleanup: () => rm(root, { recursive: true, force: true }),
    exec: new RecordingExec(async (argv): Promise<Partial<ExecResult>> => {
      const [program, ...args] = argv;
      if (program === 'cmd.exe') {
        const name = /^%(\w+)%$/.exec(args.at(-1) ?? '')?.[1] ?? '';
        const value = VARIABLES[name] ?? `%${name}%`;
        return { stdout: `${value}\r\n`, stderr: 'UNC paths are not supported.  Defaulting to Windows directory.\r\n' };
      }
      if (program === 'wslpath' && args[0] === '-u' && /^[A-Za-z]:\\/.test(args[1] ?? '')) return { stdout: `${toWsl(args[1]!)}\n` };
      if (program === 'powershell.exe') return runElevatedCopy(argv);
      return { exitCode: 127, stderr: `fake WSL: unexpected ${argv.join(' ')}` };
    }),
  };

  async function runElevatedCopy(argv: readonly string[]): Promise<Partial<ExecResult>> {
    const outer = decodeEncodedCommand(argv.join(' '));
    if (!/Start-Process -FilePath 'powershell\.exe' .* -Verb RunAs -Wait -PassThru/.test(outer)) return { exitCode: 1, stderr: 'not an elevated Start-Process' };
    if (fake.decline) return { exitCode: 1, stderr: 'Start-Process : This command cannot be run due to the error: The operation was canceled by the user.' };
    const inner = decodeEncodedCommand(outer);
    const source = /^\$source = '((?:[^']|'')*)'$/m.exec(inner)?.[1];
    const expected = /if \(\$hash -ne '([0-9A-F]{64})'\) \{ exit (\d+) \}/.exec(inner);
    if (source === undefined || !expected || !inner.includes("$hosts = Join-Path $env:SystemRoot 'System32\\drivers\\etc\\hosts'")) return { exitCode: 1, stderr: 'unexpected script' };
    const stagedPath = toWsl(psUnquote(source));
    if (fake.tamper) await writeFile(stagedPath, '0.0.0.0 evil.test\r\n');
    const bytes = await readFile(stagedPath);
    fake.staged.push(bytes);
    if (createHash('sha256').update(bytes).digest('hex').toUpperCase() !== expected[1]) return { exitCode: Number(expected[2]) };
    await writeFile(toWsl(`${VARIABLES.SystemRoot}\\System32\\drivers\\etc\\hosts`), bytes);
    return { exitCode: 0 };
  }

  return fake;
}
