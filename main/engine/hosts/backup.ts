import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../system/atomic-file';

/** The hosts file as it was before Portico first changed it: written once, never overwritten (DNS-5). */
export const ORIGINAL_BACKUP = 'hosts.original';

const ROTATING = /^hosts-\d{8}T\d{9}Z-\d{2}\.bak$/;

export interface BackupOptions {
  /** How many rotating backups to keep besides the pristine original. */
  keep?: number;
  now?: () => Date;
}

/**
 * Saves `current` (the bytes about to be replaced): as the pristine original the first time, and
 * as a rotating backup every time, keeping the latest few. Returns the rotating backup's path.
 */
export async function backupHosts(backupDir: string, current: Uint8Array, options: BackupOptions = {}): Promise<string> {
  const original = join(backupDir, ORIGINAL_BACKUP);
  if (!(await stat(original).then(() => true, () => false))) {
    await writeFileAtomic(original, current, { mode: 0o644, dirMode: 0o700 });
  }
  const stamp = (options.now ?? (() => new Date()))().toISOString().replace(/[-:.]/g, '');
  const existing = await listRotating(backupDir);
  let sequence = 0;
  while (existing.includes(`hosts-${stamp}-${String(sequence).padStart(2, '0')}.bak`)) sequence += 1;
  const path = join(backupDir, `hosts-${stamp}-${String(sequence).padStart(2, '0')}.bak`);
  await writeFileAtomic(path, current, { mode: 0o644, dirMode: 0o700 });
  const all = await listRotating(backupDir);
  for (const name of all.slice(0, Math.max(0, all.length - (options.keep ?? 5)))) await rm(join(backupDir, name), { force: true });
  return path;
}

/** Rotating backups, oldest first (their names sort by time). */
export async function listRotating(backupDir: string): Promise<string[]> {
  const names = await readdir(backupDir).catch(() => [] as string[]);
  return names.filter((name) => ROTATING.test(name)).sort();
}
