/**
 * Real storage faults for "a failing write loses nothing" tests. Tests run as root here, and root
 * ignores file modes, so `chmod 0555` proves nothing. Instead:
 *  - disk full: a small tmpfs filled to its last page (ENOSPC);
 *  - read-only: the same tmpfs remounted read-only (EROFS);
 *  - where mounting is not permitted but chattr works: an immutable directory and file (EPERM).
 * Each fault reports whether this machine can produce it; a test skips the ones it cannot.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PAGE = 4096;

function run(argv: string[]): boolean {
  try {
    execFileSync(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN, as in CI here). */
export const canMount: boolean = (() => {
  if (process.platform !== 'linux') return false;
  const probe = mkdtempSync(join(tmpdir(), 'portico-mount-probe-'));
  const mounted = run(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
  if (mounted) run(['umount', probe]);
  rmSync(probe, { recursive: true, force: true });
  return mounted;
})();

/** Whether chattr +i works on this machine's temp directory (root on ext4/xfs/btrfs). */
export const canMakeImmutable: boolean = (() => {
  if (process.platform !== 'linux') return false;
  const probe = mkdtempSync(join(tmpdir(), 'portico-chattr-probe-'));
  const file = join(probe, 'f');
  writeFileSync(file, 'x');
  const ok = run(['chattr', '+i', file]);
  if (ok) run(['chattr', '-i', file]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

/** A directory on its own small tmpfs; `release` unmounts and removes it. */
export async function smallDisk(sizeKb = 512): Promise<{ dir: string; release(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-disk-'));
  if (!run(['mount', '-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', dir])) throw new Error(`could not mount a tmpfs on ${dir}`);
  return {
    dir,
    async release() {
      run(['umount', '-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Fills the file system holding `dir` until a write fails with ENOSPC, then gives back
 * `leavePages` pages (the data-dir lock needs one, so a config write fails at the config itself).
 */
export async function fillDisk(dir: string, leavePages = 0): Promise<void> {
  const filler = await open(join(dir, '.filler'), 'w');
  const chunk = Buffer.alloc(PAGE, 0x5a);
  let written = 0;
  try {
    for (;;) {
      await filler.write(chunk, 0, chunk.length, written);
      written += chunk.length;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  await filler.truncate(Math.max(0, written - leavePages * PAGE));
  await filler.close();
}

export function remountReadOnly(dir: string): void {
  if (!run(['mount', '-o', 'remount,ro', dir])) throw new Error(`could not remount ${dir} read-only`);
}

/** chattr +i (or -i) on each path; an immutable entry refuses every change, even root's. */
export function setImmutable(paths: string[], on: boolean): void {
  for (const path of paths) run(['chattr', on ? '+i' : '-i', path]);
}
