import { access, readdir, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';

/** `path` under `fsRoot` (tests point fsRoot at a temp dir so /etc and /usr are never touched). */
export function rooted(fsRoot: string | undefined, path: string): string {
  return fsRoot && fsRoot !== '/' ? join(fsRoot, path) : path;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function isWritable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The sub-directories of `dir` (an expanded `dir/*`), sorted; none when it does not exist. */
export async function subdirectories(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const name of names.sort()) {
    if (await isDirectory(join(dir, name))) dirs.push(join(dir, name));
  }
  return dirs;
}
