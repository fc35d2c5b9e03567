import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../system/atomic-file';
import { exists, subdirectories } from './paths';
import { settled } from './state';
import type { TrustState, TrustStore, TrustStoreDeps } from './types';

/**
 * Firefox where no certutil exists (Windows): Firefox can read the operating system's root store
 * through `security.enterprise_roots.enabled` and does so by default on Windows and macOS
 * (FiloSottile/mkcert#653, a Mozilla engineer). Portico installs its root in the Windows store,
 * so "installing" here pins that preference in each profile's `user.js`, which Firefox applies
 * after prefs.js on every start (Mozilla Support, "user.js file").
 */
export interface FirefoxEnterpriseOptions {
  profileBases: string[];
  /** The OS store Firefox reads, for messages ("Windows", "macOS"). */
  osName: string;
}

const PREF = 'security.enterprise_roots.enabled';
const MARK = '// Portico: Firefox trusts the operating system root store (removed by `portico trust uninstall`).';
const PREF_LINE = `user_pref("${PREF}", true);`;
const PREF_SETTING = /^\s*user_pref\(\s*"security\.enterprise_roots\.enabled"\s*,\s*(true|false)\s*\)\s*;/;

/** A Firefox profile directory holds prefs.js once Firefox has started with it. */
async function profiles(bases: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const base of bases) {
    for (const dir of await subdirectories(base)) if (await exists(join(dir, 'prefs.js'))) found.push(dir);
  }
  return found;
}

async function readUserJs(profile: string): Promise<string> {
  try {
    return await readFile(join(profile, 'user.js'), 'utf8');
  } catch {
    return '';
  }
}

/** The last assignment wins, as Firefox reads the file top to bottom. */
export function enterpriseRootsEnabled(userJs: string): boolean {
  let enabled = false;
  for (const line of userJs.split(/\r?\n/)) {
    const match = PREF_SETTING.exec(line);
    if (match) enabled = match[1] === 'true';
  }
  return enabled;
}

/** user.js with our two lines appended; every other byte kept. */
export function withEnterpriseRoots(userJs: string): string {
  const eol = userJs.includes('\r\n') ? '\r\n' : '\n';
  const separator = userJs === '' || userJs.endsWith('\n') ? '' : eol;
  return `${userJs}${separator}${MARK}${eol}${PREF_LINE}${eol}`;
}

/** user.js without the two lines we added (a setting the user wrote stays). */
export function withoutEnterpriseRoots(userJs: string): string {
  const eol = userJs.includes('\r\n') ? '\r\n' : '\n';
  return userJs.split(`${MARK}${eol}${PREF_LINE}${eol}`).join('');
}

export function createFirefoxEnterpriseStore(_deps: TrustStoreDeps, options: FirefoxEnterpriseOptions): TrustStore {
  const id = 'firefox';
  const noProfile = 'no Firefox profile found; start Firefox once so it creates one, then retry';

  const check = async (): Promise<TrustState> => {
    const found = await profiles(options.profileBases);
    if (found.length === 0) return { store: id, status: 'not-installed', detail: noProfile };
    const pinned: string[] = [];
    for (const profile of found) if (enterpriseRootsEnabled(await readUserJs(profile))) pinned.push(profile);
    if (pinned.length === found.length) {
      return { store: id, status: 'installed', detail: `Firefox reads the ${options.osName} root store (${PREF} is on in every profile)`, locations: pinned };
    }
    return {
      store: id,
      status: 'not-installed',
      detail: `Firefox trusts the ${options.osName} root store by default; installing pins ${PREF} in ${found.length - pinned.length} profile(s) so it stays on`,
      locations: pinned,
    };
  };

  const rewrite = async (transform: (text: string) => string, onlyWhen: (text: string) => boolean): Promise<void> => {
    for (const profile of await profiles(options.profileBases)) {
      const path = join(profile, 'user.js');
      const text = await readUserJs(profile);
      if (!onlyWhen(text)) continue;
      const next = transform(text);
      // A user.js that only held our lines goes away with them (empty and absent mean the same to Firefox).
      if (next === '') {
        await rm(path, { force: true });
        continue;
      }
      const mode = await stat(path).then((s) => s.mode & 0o777, () => 0o644);
      await writeFileAtomic(path, next, { mode });
    }
  };

  const store: TrustStore = {
    id,
    label: 'Firefox',
    async detect() {
      const found = await profiles(options.profileBases);
      return found.length > 0 ? { available: true } : { available: false, reason: noProfile };
    },
    check,
    async install() {
      await rewrite(withEnterpriseRoots, (text) => !enterpriseRootsEnabled(text));
      return { ...(await check()), hint: 'Restart Firefox so it reads user.js again.' };
    },
    async uninstall() {
      await rewrite(withoutEnterpriseRoots, (text) => withoutEnterpriseRoots(text) !== text);
      // A pin the user wrote stays: it is theirs, so check() may still report "installed".
      return check();
    },
  };
  return settled(store);
}
