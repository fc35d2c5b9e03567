import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PorticoError } from '../errors';

export interface AtomicWriteOptions {
  /** File mode of the new file (e.g. 0o600 for keys). Default 0o644. */
  mode?: number;
  /** Mode of the directory when it has to be created. Default 0o755. */
  dirMode?: number;
}

/**
 * Replace `path` with `data` so that a reader sees either the old bytes or the new ones, never a
 * mix, whatever happens mid-write (crash, SIGKILL, full disk): write a temp file in the same
 * directory, fsync it, rename it over the target, fsync the directory (the rename itself is made
 * durable only by the directory's fsync — see rename(2) and LWN "ext4 and data loss").
 * A failure leaves the old file in place and is reported as E_WRITE_FAILED.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o755 });
    const handle = await open(temp, 'wx', options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      // The umask may have narrowed the mode given to open(); set it exactly.
      await handle.chmod(options.mode ?? 0o644);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncDirectory(dir);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new PorticoError('E_WRITE_FAILED', `writing ${path}: ${reason}. The previous file, if any, is unchanged; free disk space or fix the permissions and retry.`, { cause: error });
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Directories cannot be opened for fsync on Windows; there the rename is what we get.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
