import { readFile } from 'node:fs/promises';
import { join, win32 } from 'node:path';
import { PorticoError } from '../errors';
import type { Elevator } from '../system/elevate';
import { withLock } from '../system/lock';
import { ORIGINAL_BACKUP, backupHosts } from './backup';
import { blockNames, parseHosts, renderHosts, type HostsEntry } from './hostsfile';
import { flushCommands, writeHostsFile, type HostsFs, type WriteMethod } from './write';

/**
 * The hosts file path: `PORTICO_HOSTS_FILE` when set (tests, unusual setups), else `/etc/hosts`,
 * or `%SystemRoot%\System32\drivers\etc\hosts` on Windows, read from the environment rather than
 * assuming `C:` (DNS-6; goodhosts `os_windows.go`).
 */
export function hostsFilePath(env: Record<string, string | undefined>, platform: NodeJS.Platform): string {
  if (env.PORTICO_HOSTS_FILE) return env.PORTICO_HOSTS_FILE;
  if (platform !== 'win32') return '/etc/hosts';
  const systemRoot = env.SystemRoot ?? env.SYSTEMROOT ?? env.windir ?? env.WINDIR;
  if (!systemRoot) {
    throw new PorticoError('E_INVALID_INPUT', 'cannot locate the hosts file: %SystemRoot% is not set. Set PORTICO_HOSTS_FILE to its path and retry.');
  }
  return win32.join(systemRoot, 'System32', 'drivers', 'etc', 'hosts');
}

export interface HostsOptions {
  path: string;
  elevator: Elevator;
  /** Portico-owned directory for backups and the lock (`<data>/hosts`). */
  backupDir: string;
  /** Decides the default line ending, the elevated copy command and the macOS cache flush. */
  platform?: NodeJS.Platform;
  /** Rotating backups to keep besides the pristine original. */
  keepBackups?: number;
  /** Test seam: simulate a rename refused (EBUSY) or a file that is not ours (EACCES). */
  fs?: Partial<HostsFs>;
  now?: () => Date;
  /** Puts the new bytes in place instead of `writeHostsFile` (the Windows hosts file from WSL goes through interop and UAC). */
  writer?: HostsWriter;
}

/** Replaces the file at `path` with `data` and says how; the caller has taken the backup. */
export type HostsWriter = (path: string, data: Uint8Array) => Promise<WriteMethod>;

function writerOf(options: HostsOptions, platform: NodeJS.Platform): HostsWriter {
  return options.writer ?? ((path, data) => writeHostsFile(path, data, { elevator: options.elevator, platform, fs: options.fs }));
}

export interface HostsResult {
  path: string;
  /** False when the file already said this: nothing written, no prompt. */
  changed: boolean;
  method?: WriteMethod;
  /** The rotating backup of the content this change replaced. */
  backup?: string;
}

type Encoding = 'latin1' | 'utf16le';

/**
 * latin1 maps each byte to one character and back, so bytes outside the block survive whatever
 * their encoding (UTF-8, a legacy code page); a UTF-16LE file (BOM FF FE) is kept UTF-16LE (DNS-6).
 */
function decode(bytes: Buffer): { text: string; encoding: Encoding } {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    throw new PorticoError('E_HOSTS_CORRUPT', 'the hosts file is UTF-16 big-endian, which Windows does not read either; save it as ASCII or UTF-8 and retry.');
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.toString('utf16le'), encoding: 'utf16le' };
  return { text: bytes.toString('latin1'), encoding: 'latin1' };
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw new PorticoError('E_WRITE_FAILED', `cannot read the hosts file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Makes the Portico block say exactly `entries` (none removes it). Reads, parses (failing closed
 * on damaged markers before any write), renders, and writes only when something changes, after
 * backing up the current bytes — all under one lock (DNS-3, DNS-4, DNS-5).
 */
export async function applyHosts(options: HostsOptions & { entries: readonly HostsEntry[] }): Promise<HostsResult> {
  const platform = options.platform ?? process.platform;
  return withLock(join(options.backupDir, 'hosts.lock'), async () => {
    const bytes = await readBytes(options.path);
    const { text, encoding } = decode(bytes);
    const next = renderHosts(parseHosts(text, { defaultEol: platform === 'win32' ? '\r\n' : '\n' }), options.entries);
    if (next === text) return { path: options.path, changed: false };
    const backup = await backupHosts(options.backupDir, bytes, { keep: options.keepBackups, now: options.now });
    const method = await writerOf(options, platform)(options.path, Buffer.from(next, encoding));
    if (method !== 'elevated') await flush(options.elevator, platform);
    return { path: options.path, changed: true, method, backup };
  });
}

/** Removes the Portico block; a file Portico only appended to returns to its exact original bytes. */
export function removeHosts(options: HostsOptions): Promise<HostsResult> {
  return applyHosts({ ...options, entries: [] });
}

/** Puts back the file as it was before Portico first changed it ("Restore original", DNS-5). */
export async function restoreOriginalHosts(options: HostsOptions): Promise<HostsResult> {
  const platform = options.platform ?? process.platform;
  const original = await readFile(join(options.backupDir, ORIGINAL_BACKUP)).catch(() => null);
  if (!original) throw new PorticoError('E_INVALID_INPUT', 'Portico never changed the hosts file, so there is no original to restore.');
  return withLock(join(options.backupDir, 'hosts.lock'), async () => {
    const current = await readBytes(options.path);
    if (Buffer.compare(current, original) === 0) return { path: options.path, changed: false };
    const backup = await backupHosts(options.backupDir, current, { keep: options.keepBackups, now: options.now });
    const method = await writerOf(options, platform)(options.path, original);
    if (method !== 'elevated') await flush(options.elevator, platform);
    return { path: options.path, changed: true, method, backup };
  });
}

/** The names the Portico block maps now (throws E_HOSTS_CORRUPT on a damaged block). */
export async function hostsBlockNames(path: string): Promise<string[]> {
  return blockNames(parseHosts(decode(await readBytes(path)).text));
}

/** Best effort: a stale resolver cache is an annoyance, not a failure. */
async function flush(elevator: Elevator, platform: NodeJS.Platform): Promise<void> {
  const commands = flushCommands(platform);
  if (commands.length === 0) return;
  await elevator.runAll(commands, { reason: 'refresh the DNS cache' }).catch(() => undefined);
}
