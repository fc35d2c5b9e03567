/**
 * The start-up check of private-key permissions (security-requirements.md CA-6: the CA directory
 * 0700, keys 0600). Everything Portico writes already has these modes; this catches what happened
 * since — a backup restored with `cp`, an `chmod -R` on the home directory, a sync tool — and puts
 * the modes back, telling the user, because a key readable by another local user lets that user
 * mint certificates every browser on this machine trusts.
 *
 * Checked: the CA key, the keys of previous roots (`ca/previous/<serial>/`, still trusted
 * somewhere), every project key, and the directories holding them. Windows is skipped: there
 * `chmod` cannot take read access away (Node fs docs, "File modes"); the desktop app seals the key
 * with safeStorage instead.
 */
import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataPaths } from '../system/data-dir';

export type KeyPermissionPaths = Pick<DataPaths, 'caDir' | 'caKey' | 'certsDir'>;

export interface KeyPermissionOptions {
  platform?: NodeJS.Platform;
}

const KEY_MODE = 0o600;
const DIR_MODE = 0o700;
const KEY_FILE_NAMES = new Set(['root-key.pem', 'key.pem']);

interface Target {
  path: string;
  kind: 'key' | 'directory';
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

async function listDirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => join(dir, entry.name));
}

async function keysIn(dir: string): Promise<Target[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => KEY_FILE_NAMES.has(entry.name)).map((entry) => ({ path: join(dir, entry.name), kind: 'key' as const }));
}

/** The CA key and directory, previous roots' keys, and each project's key and directory. */
async function targets(paths: KeyPermissionPaths): Promise<Target[]> {
  const found: Target[] = [{ path: paths.caDir, kind: 'directory' }, { path: paths.caKey, kind: 'key' }];
  const previousRoot = join(paths.caDir, 'previous');
  for (const dir of await listDirectories(previousRoot)) found.push({ path: dir, kind: 'directory' }, ...(await keysIn(dir)));
  for (const dir of await listDirectories(paths.certsDir)) found.push({ path: dir, kind: 'directory' }, ...(await keysIn(dir)));
  return found;
}

async function check(target: Target): Promise<string | null> {
  let info;
  try {
    info = await lstat(target.path);
  } catch (error) {
    // Not there yet (no CA, no projects): nothing to protect.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return `cannot check the permissions of ${target.path}: ${(error as Error).message}.`;
  }
  // chmod follows links: a planted link must not make Portico change a file it does not own.
  if (info.isSymbolicLink()) return `${target.path} is a symbolic link; Portico left it alone. Replace it with the file itself so its permissions can be checked.`;
  const expected = target.kind === 'key' ? KEY_MODE : DIR_MODE;
  if (target.kind === 'key' && !info.isFile()) return `${target.path} is not a regular file; Portico left it alone.`;
  if (target.kind === 'directory' && !info.isDirectory()) return null;
  // Only group/other bits matter; a stricter mode (0400, 0500) is fine.
  if ((info.mode & 0o077) === 0) return null;
  const was = octal(info.mode);
  try {
    await chmod(target.path, expected);
  } catch (error) {
    return `${target.path} is ${was}, readable by other users, and could not be changed (${(error as Error).message}). Run: chmod ${octal(expected)} '${target.path}'`;
  }
  return `${target.path} was ${was}, readable by other users: set to ${octal(expected)}.`;
}

/**
 * Makes every private key 0600 and every key directory 0700, and returns one line per file it
 * had to change or could not check (empty when all was well). Never throws: a start must not fail
 * over this, but the engine logs each line.
 */
export async function secureKeyFiles(paths: KeyPermissionPaths, options: KeyPermissionOptions = {}): Promise<string[]> {
  if ((options.platform ?? process.platform) === 'win32') return [];
  const warnings: string[] = [];
  for (const target of await targets(paths)) {
    const warning = await check(target);
    if (warning) warnings.push(warning);
  }
  return warnings;
}
