import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { PorticoError } from '../errors';
import { powershellArgv, psQuote, type Elevator } from '../system/elevate';

/** The file operations a write may fail in, injectable so tests can simulate EBUSY or EACCES. */
export interface HostsFs {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
}

export const realHostsFs: HostsFs = { open: fsp.open, rename: fsp.rename };

export interface WriteHostsOptions {
  elevator: Elevator;
  platform: NodeJS.Platform;
  fs?: Partial<HostsFs>;
}

/** How the new content got there. */
export type WriteMethod = 'rename' | 'in-place' | 'elevated';

/** A bind-mounted file (Docker's /etc/hosts, WSL) cannot be renamed over (moby/moby#17190, DNS-4). */
const RENAME_FALLBACK = new Set(['EBUSY', 'EXDEV', 'EPERM']);
const NOT_OURS = new Set(['EACCES', 'EPERM', 'EROFS']);

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Replaces the hosts file with `data`: atomically (temp file in the same directory, fsync, original
 * mode and owner, rename) when we may write there; in place when the rename is refused or only the
 * file is writable; through the elevator when neither is ours. The caller has taken a backup.
 */
export async function writeHostsFile(linkPath: string, data: Uint8Array, options: WriteHostsOptions): Promise<WriteMethod> {
  const fs = { ...realHostsFs, ...options.fs };
  // Write the file a symlink points to, so the link (NixOS, dotfile managers) stays a link.
  const path = await fsp.realpath(linkPath).catch(() => linkPath);
  const info = await fsp.stat(path).catch(() => null);
  const mode = info ? info.mode & 0o7777 : 0o644;
  try {
    return await writeUnprivileged(fs, path, data, mode, info);
  } catch (error) {
    if (!NOT_OURS.has(code(error) ?? '')) throw writeFailed(path, error);
  }
  await writeElevated(path, data, mode, options);
  return 'elevated';
}

async function writeUnprivileged(fs: HostsFs, path: string, data: Uint8Array, mode: number, info: Awaited<ReturnType<typeof fsp.stat>> | null): Promise<WriteMethod> {
  const temp = join(dirname(path), `.${basename(path)}.portico-${randomBytes(6).toString('hex')}.tmp`);
  let handle: fsp.FileHandle;
  try {
    handle = await fs.open(temp, 'wx', mode);
  } catch (error) {
    // The directory is not ours (e.g. /etc) but the file may be: write it in place.
    if (NOT_OURS.has(code(error) ?? '')) return writeInPlace(fs, path, data);
    throw error;
  }
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
    // Keep root:root / root:wheel when we run as root (DNS-4); only root may chown.
    if (info && process.getuid?.() === 0) await handle.chown(Number(info.uid), Number(info.gid));
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fsp.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temp, path);
    return 'rename';
  } catch (error) {
    await fsp.rm(temp, { force: true });
    if (RENAME_FALLBACK.has(code(error) ?? '')) return writeInPlace(fs, path, data);
    throw error;
  }
}

/** Overwrites the file's bytes through its own inode (the only way into a bind mount); the backup covers a crash midway. */
async function writeInPlace(fs: HostsFs, path: string, data: Uint8Array): Promise<WriteMethod> {
  const handle = await fs.open(path, 'r+').catch((error: unknown) => (code(error) === 'ENOENT' ? fs.open(path, 'w') : Promise.reject(error)));
  try {
    await handle.write(data, 0, data.length, 0);
    await handle.truncate(data.length);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return 'in-place';
}

/** Cache flushes after a hosts change on macOS (DNS-7; Apple HT202516). */
export function flushCommands(platform: NodeJS.Platform): string[][] {
  return platform === 'darwin' ? [['dscacheutil', '-flushcache'], ['killall', '-HUP', 'mDNSResponder']] : [];
}

/**
 * Stages the content in a temp file we own, then one elevated batch copies it next to the hosts
 * file and renames it over (atomic, root-owned, argv only). If the rename is refused (a bind
 * mount: the copy is there, the file unchanged), a second batch copies it in place. Success is
 * judged by reading the file back.
 */
async function writeElevated(path: string, data: Uint8Array, mode: number, options: WriteHostsOptions): Promise<void> {
  const staging = await fsp.mkdtemp(join(tmpdir(), 'portico-hosts-'));
  const source = join(staging, 'hosts');
  const reason = { reason: 'update the hosts file' };
  try {
    await fsp.writeFile(source, data);
    await fsp.chmod(source, mode);
    if (options.platform === 'win32') {
      await options.elevator.run(powershellArgv(`Copy-Item -LiteralPath ${psQuote(source)} -Destination ${psQuote(path)} -Force`), reason);
    } else {
      const sibling = join(dirname(path), `.${basename(path)}.portico-${randomBytes(6).toString('hex')}.tmp`);
      const flush = flushCommands(options.platform);
      await options.elevator.runAll([['cp', source, sibling], ['mv', '-f', sibling, path], ...flush], reason);
      // A second prompt only when the copy is there and the rename was refused; after a declined
      // prompt (no copy) asking again would not be one consent per action.
      if (!(await holds(path, data)) && (await holds(sibling, data))) {
        await options.elevator.runAll([['cp', source, path], ['rm', '-f', sibling], ...flush], reason);
      }
    }
    if (!(await holds(path, data))) {
      throw new PorticoError('E_WRITE_FAILED', `the hosts file ${path} could not be updated with administrator rights (was the prompt declined?); it is unchanged or restorable from the backup.`);
    }
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
}

async function holds(path: string, data: Uint8Array): Promise<boolean> {
  const current = await fsp.readFile(path).catch(() => null);
  return current !== null && Buffer.compare(current, data) === 0;
}

function writeFailed(path: string, error: unknown): PorticoError {
  const reason = error instanceof Error ? error.message : String(error);
  return new PorticoError('E_WRITE_FAILED', `writing ${path}: ${reason}. The previous content is in Portico's hosts backup.`, { cause: error });
}
