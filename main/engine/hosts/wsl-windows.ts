/**
 * The Windows hosts file, kept from inside WSL (issue 4). A browser on the Windows side resolves
 * names through %SystemRoot%\System32\drivers\etc\hosts, never the distro's /etc/hosts, so under
 * WSL `portico hosts apply` writes the same block there too.
 *
 * The names map to 127.0.0.1 and ::1 on the Windows side as well: WSL 2 forwards connections to
 * Windows' localhost into the distro by default ("Accessing Linux networking apps from Windows
 * (localhost)", learn.microsoft.com/windows/wsl/networking; `localhostForwarding`, default true,
 * learn.microsoft.com/windows/wsl/wsl-config), mirrored networking shares loopback outright, and
 * WSL 1 shares Windows' network stack. The relay's IPv6 side has had gaps (microsoft/WSL#4851);
 * browsers then fall back to 127.0.0.1 (Happy Eyeballs, RFC 8305).
 *
 * Writing it needs administrator rights on Windows, which no Linux elevator (sudo, pkexec) has: a
 * drvfs file keeps its Windows ACL whatever the Linux uid. So the new bytes are staged in the
 * user's Windows temp dir and ONE elevated PowerShell (UAC, `Start-Process -Verb RunAs`) copies
 * them over the hosts file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, win32 } from 'node:path';
import { PorticoError } from '../errors';
import { encodePowerShell, powershellArgv, psQuote, windowsCommandLine } from '../system/elevate';
import type { Exec } from '../system/exec';
import { detectWsl, wslWindowsHostsPath } from '../truststore/select';
import type { HostsWriter } from './hosts';

/** Where the Windows hosts file is and how to reach Windows programs from this distro. */
export interface WindowsHostsTarget {
  /** The Windows hosts file as WSL sees it (`/mnt/c/Windows/System32/drivers/etc/hosts`). */
  path: string;
  /** Runs `cmd.exe`, `wslpath` and `powershell.exe` (WSL interop). */
  exec: Exec;
}

export interface WindowsHostsDeps {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  exec: Exec;
  /** Prefix for `/proc` in WSL detection (tests). */
  fsRoot?: string;
  /** Already known; detected when absent. */
  wsl?: boolean;
}

/**
 * The Windows hosts file to keep in step, or null: not WSL, or PORTICO_HOSTS_FILE names the one
 * file Portico manages (tests and unusual setups must never reach the real Windows file).
 */
export async function windowsHostsTarget(deps: WindowsHostsDeps): Promise<WindowsHostsTarget | null> {
  if (deps.env.PORTICO_HOSTS_FILE) return null;
  const wsl = deps.wsl ?? (await detectWsl(deps.platform, deps.env, deps.fsRoot));
  if (!wsl) return null;
  return { path: await wslWindowsHostsPath(deps.exec, deps.env), exec: deps.exec };
}

/** A Windows environment variable through `cmd.exe` (interop); null when unset (cmd echoes `%NAME%` back). */
export async function windowsVariable(exec: Exec, name: string): Promise<string | null> {
  const echoed = await exec(['cmd.exe', '/d', '/c', 'echo', `%${name}%`]).catch(() => null);
  // cmd.exe started from a Linux directory warns about UNC paths first: the value is the last line.
  const value = echoed?.exitCode === 0 ? echoed.stdout.trim().split(/\r?\n/).pop()?.trim() : undefined;
  return value && /^[A-Za-z]:\\/.test(value) ? value.replace(/\\+$/, '') : null;
}

/** A Windows path as this distro reaches it (`wslpath -u`). */
export async function wslPathOf(exec: Exec, windowsPath: string): Promise<string | null> {
  const converted = await exec(['wslpath', '-u', windowsPath]).catch(() => null);
  const path = converted?.stdout.trim();
  return converted?.exitCode === 0 && path?.startsWith('/') ? path : null;
}

/** The user's Windows %TEMP%, as Windows and as WSL name it. */
export async function windowsTempDir(exec: Exec): Promise<{ windows: string; wsl: string }> {
  const windows = await windowsVariable(exec, 'TEMP');
  const wsl = windows ? await wslPathOf(exec, windows) : null;
  if (!windows || !wsl) {
    throw new PorticoError('E_TOOL_MISSING', 'cannot reach the Windows temp folder through WSL interop (cmd.exe and wslpath); check that interop is enabled ([interop] in /etc/wsl.conf) and retry.');
  }
  return { windows, wsl };
}

/** The exit status of the elevated copy when the staged file is not the one Portico wrote. */
export const STAGED_FILE_CHANGED = 3;

/**
 * What runs elevated: read the staged bytes once, check their SHA-256 (so a file swapped between
 * staging and the UAC consent is refused), and write them into the existing hosts file, which
 * keeps its ACL and owner. A read-only attribute, which some users set to guard the file, is
 * lifted for the write and put back.
 */
export function windowsHostsCopyScript(sourceWindowsPath: string, sha256Hex: string): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    `$source = ${psQuote(sourceWindowsPath)}`,
    "$hosts = Join-Path $env:SystemRoot 'System32\\drivers\\etc\\hosts'",
    '$bytes = [System.IO.File]::ReadAllBytes($source)',
    "$hash = [System.BitConverter]::ToString([System.Security.Cryptography.SHA256]::Create().ComputeHash($bytes)).Replace('-', '')",
    `if ($hash -ne ${psQuote(sha256Hex.toUpperCase())}) { exit ${STAGED_FILE_CHANGED} }`,
    '$readOnly = (Test-Path -LiteralPath $hosts) -and (Get-Item -LiteralPath $hosts -Force).IsReadOnly',
    'if ($readOnly) { Set-ItemProperty -LiteralPath $hosts -Name IsReadOnly -Value $false }',
    '[System.IO.File]::WriteAllBytes($hosts, $bytes)',
    'if ($readOnly) { Set-ItemProperty -LiteralPath $hosts -Name IsReadOnly -Value $true }',
    'exit 0',
  ].join('\n');
}

/**
 * The one process spawned from WSL: an unelevated PowerShell whose only step is
 * `Start-Process powershell.exe -Verb RunAs -Wait` with the copy as `-EncodedCommand` (base64
 * UTF-16LE, so no quoting layer is left between us and the script), exiting with its status.
 * Declining the UAC prompt makes Start-Process throw, so the outer PowerShell exits 1.
 */
export function windowsHostsCopyArgv(sourceWindowsPath: string, sha256Hex: string): string[] {
  const elevatedArgs = windowsCommandLine(['-NoProfile', '-NonInteractive', '-EncodedCommand', encodePowerShell(windowsHostsCopyScript(sourceWindowsPath, sha256Hex))]);
  return powershellArgv(
    [
      "$ErrorActionPreference = 'Stop'",
      `$p = Start-Process -FilePath 'powershell.exe' -ArgumentList ${psQuote(elevatedArgs)} -Verb RunAs -Wait -PassThru -WindowStyle Hidden`,
      'exit $p.ExitCode',
    ].join('\n'),
  );
}

/**
 * Writes the Windows hosts file from WSL: stage `data` in the Windows temp dir, one elevated copy,
 * then read the file back through /mnt (success is what the file holds, not an exit code).
 */
export function windowsHostsWriter(exec: Exec): HostsWriter {
  return async (path, data) => {
    const temp = await windowsTempDir(exec);
    const name = `portico-hosts-${randomBytes(6).toString('hex')}.tmp`;
    const staged = join(temp.wsl, name);
    await writeFile(staged, data, { flag: 'wx', mode: 0o600 });
    let exitCode: number;
    try {
      const sha256 = createHash('sha256').update(data).digest('hex');
      exitCode = (await exec(windowsHostsCopyArgv(win32.join(temp.windows, name), sha256))).exitCode;
    } finally {
      await rm(staged, { force: true });
    }
    const now = await readFile(path).catch(() => null);
    if (now === null || Buffer.compare(now, data) !== 0) {
      const why = exitCode === STAGED_FILE_CHANGED ? 'the staged copy changed before the elevated step read it' : `the elevated PowerShell exited with ${exitCode}: was the Windows administrator prompt declined?`;
      throw new PorticoError('E_WRITE_FAILED', `the Windows hosts file ${path} was not updated (${why}); it is unchanged or restorable from Portico's backup. Run the command again and accept the prompt.`);
    }
    return 'elevated';
  };
}
