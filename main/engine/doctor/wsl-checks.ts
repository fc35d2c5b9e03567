/**
 * Under WSL, what the Windows browser needs (issue 4): the Portico block in the Windows hosts
 * file, and Windows' localhost reaching this distro.
 */
import { readFile } from 'node:fs/promises';
import { isPorticoError } from '../errors';
import { hostsBlockNames } from '../hosts/hosts';
import { windowsVariable, wslPathOf, type WindowsHostsTarget } from '../hosts/wsl-windows';
import type { Exec } from '../system/exec';
import { porticoCommand } from '../trust';
import { check, type DoctorCheck } from './types';

const HOSTS_TITLE = 'WSL: Windows hosts file';
const LOCALHOST_TITLE = 'WSL: localhost from Windows';

/** The block of the Windows hosts file against the names enabled projects need. */
export async function windowsHostsCheck(target: WindowsHostsTarget | null, wanted: readonly string[], env: Record<string, string | undefined>): Promise<DoctorCheck> {
  if (!target) return check('wsl.hosts', HOSTS_TITLE, 'skip', 'PORTICO_HOSTS_FILE is set, so Portico manages that file only, not the Windows hosts file');
  const apply = `${porticoCommand(['hosts', 'apply'], env)} (one Windows administrator prompt)`;
  let names: string[];
  try {
    names = await hostsBlockNames(target.path);
  } catch (error) {
    const detail = isPorticoError(error) ? error.message : String(error);
    return check('wsl.hosts', HOSTS_TITLE, 'fail', `${target.path}: ${detail}`, `repair the "# BEGIN portico" / "# END portico" lines in an editor run as administrator, then ${apply}`);
  }
  const missing = wanted.filter((name) => !names.includes(name));
  const stale = names.filter((name) => !wanted.includes(name));
  if (missing.length > 0) {
    return check('wsl.hosts', HOSTS_TITLE, 'warn', `browsers on the Windows side read ${target.path}, whose Portico block does not map ${missing.join(', ')}`, apply);
  }
  if (stale.length > 0) return check('wsl.hosts', HOSTS_TITLE, 'warn', `the Portico block of ${target.path} maps names no enabled project uses: ${stale.join(', ')}`, apply);
  if (names.length === 0) return check('wsl.hosts', HOSTS_TITLE, 'ok', `no name needs ${target.path} (every name is under .localhost, which browsers resolve themselves)`);
  return check('wsl.hosts', HOSTS_TITLE, 'ok', `the Portico block of ${target.path} maps ${names.length} name(s) to 127.0.0.1 and ::1 for browsers on the Windows side`);
}

export interface WslNetworking {
  /** `[wsl2] localhostForwarding`, true unless set to false (learn.microsoft.com/windows/wsl/wsl-config). */
  localhostForwarding: boolean;
  /** `networkingMode=mirrored`: Windows and WSL share 127.0.0.1 (learn.microsoft.com/windows/wsl/networking). */
  mirrored: boolean;
}

/** The settings of `%USERPROFILE%\.wslconfig` (an INI file) that decide whether Windows' localhost reaches WSL. */
export function parseWslConfig(text: string): WslNetworking {
  const found: WslNetworking = { localhostForwarding: true, mirrored: false };
  let section = '';
  for (const raw of text.replace(/^\ufeff/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]*)\]$/.exec(line);
    if (header) {
      section = (header[1] ?? '').trim().toLowerCase();
      continue;
    }
    const pair = /^([^=]+)=(.*)$/.exec(line);
    if (!pair) continue;
    const key = (pair[1] ?? '').trim().toLowerCase();
    const value = (pair[2] ?? '').replace(/\s[#;].*$/, '').trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (section === 'wsl2' && key === 'localhostforwarding') found.localhostForwarding = value !== 'false';
    // networkingMode moved from [experimental] to [wsl2]; both are still read by WSL.
    if ((section === 'wsl2' || section === 'experimental') && key === 'networkingmode') found.mirrored = value === 'mirrored';
  }
  return found;
}

/** Whether a browser on Windows reaching 127.0.0.1 reaches Portico in this distro. */
export async function localhostForwardingCheck(exec: Exec): Promise<DoctorCheck> {
  const profile = await windowsVariable(exec, 'USERPROFILE');
  const path = profile ? await wslPathOf(exec, `${profile}\\.wslconfig`) : null;
  if (!profile || !path) return check('wsl.localhost', LOCALHOST_TITLE, 'skip', 'cannot read %USERPROFILE%\\.wslconfig through WSL interop (cmd.exe, wslpath)');
  const text = await readFile(path, 'utf8').catch(() => '');
  const settings = parseWslConfig(text);
  if (settings.mirrored) return check('wsl.localhost', LOCALHOST_TITLE, 'ok', 'mirrored networking: Windows and WSL share 127.0.0.1, so the Windows browser reaches Portico');
  if (!settings.localhostForwarding) {
    return check(
      'wsl.localhost',
      LOCALHOST_TITLE,
      'warn',
      `localhostForwarding=false in ${profile}\\.wslconfig: 127.0.0.1 on Windows does not reach Portico in WSL 2, so the Windows browser cannot open your projects`,
      `set localhostForwarding=true under [wsl2] in ${profile}\\.wslconfig (or delete the line), then run \`wsl --shutdown\` from Windows`,
    );
  }
  return check('wsl.localhost', LOCALHOST_TITLE, 'ok', `WSL 2 forwards 127.0.0.1 on Windows to this distro (localhostForwarding is on${text ? '' : ': the default'}), so the Windows browser reaches Portico`);
}
