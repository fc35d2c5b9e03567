import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mustSucceed, type Exec } from '../system/exec';
import { createMacosStore } from './darwin';
import { createFirefoxEnterpriseStore } from './firefox-enterprise';
import { createJavaStore, parseJavaHomeList } from './java';
import { createLinuxSystemStore } from './linux';
import { createChromiumNssStore, createFirefoxNssStore } from './nss';
import { exists, rooted, subdirectories } from './paths';
import type { TrustStore, TrustStoreDeps, TrustStoreId } from './types';
import { createWindowsStore } from './win32';

/**
 * The one platform switch for trust (ARCHITECTURE.md): which stores exist where, and where each
 * keeps its files. Everything else takes these answers as injected values.
 */
export function storeIdsFor(platform: NodeJS.Platform, wsl = false): TrustStoreId[] {
  if (platform === 'darwin') return ['macos', 'firefox', 'java'];
  if (platform === 'win32') return ['windows', 'firefox', 'java'];
  // WSL: Windows browsers run on the Windows side and read its store, reachable through interop.
  return ['system', 'nss', 'firefox', 'java', ...(wsl ? (['windows'] as const) : [])];
}

/** WSL sets WSL_DISTRO_NAME and registers a binfmt handler for Windows executables (Microsoft WSL docs, "Interop"). */
export async function detectWsl(platform: NodeJS.Platform, env: Record<string, string | undefined>, fsRoot?: string): Promise<boolean> {
  if (platform !== 'linux') return false;
  if (env.WSL_DISTRO_NAME) return true;
  const binfmt = rooted(fsRoot, '/proc/sys/fs/binfmt_misc');
  return (await exists(join(binfmt, 'WSLInterop'))) || (await exists(join(binfmt, 'WSLInterop-late')));
}

/** Directories whose sub-directories are Firefox profiles (mkcert truststore_{linux,darwin}.go, TS-4). */
export function firefoxProfileBases(platform: NodeJS.Platform, home: string, env: Record<string, string | undefined>): string[] {
  if (platform === 'darwin') return [join(home, 'Library', 'Application Support', 'Firefox', 'Profiles')];
  if (platform === 'win32') return [join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Mozilla', 'Firefox', 'Profiles')];
  return [
    join(home, '.mozilla', 'firefox'),
    join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
    // Firefox builds that follow the XDG base directory spec (Mozilla bug 259356).
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'mozilla', 'firefox'),
  ];
}

/** certutil on PATH, or Homebrew's keg-only `nss` on macOS (mkcert #135: not linked into PATH). */
export async function certutilCommand(platform: NodeJS.Platform, fsRoot?: string): Promise<string> {
  if (platform === 'darwin') {
    for (const path of ['/opt/homebrew/opt/nss/bin/certutil', '/usr/local/opt/nss/bin/certutil']) {
      if (await exists(rooted(fsRoot, path))) return rooted(fsRoot, path);
    }
  }
  return 'certutil';
}

/** The exact command that installs certutil here, from /etc/os-release's ID and ID_LIKE (os-release(5)). */
export async function certutilInstallHint(platform: NodeJS.Platform, fsRoot?: string): Promise<string> {
  if (platform === 'darwin') return 'Install NSS tools: `brew install nss`';
  const osRelease = await readFile(rooted(fsRoot, '/etc/os-release'), 'utf8').catch(() => '');
  const ids = [...osRelease.matchAll(/^(?:ID|ID_LIKE)=["']?([^"'\n]*)/gm)].flatMap((match) => (match[1] ?? '').split(/\s+/));
  if (ids.some((id) => id === 'debian' || id === 'ubuntu')) return 'Install NSS tools: `sudo apt install libnss3-tools`';
  if (ids.some((id) => ['fedora', 'rhel', 'centos'].includes(id))) return 'Install NSS tools: `sudo dnf install nss-tools`';
  if (ids.includes('arch')) return 'Install NSS tools: `sudo pacman -S nss`';
  if (ids.some((id) => id.startsWith('opensuse') || id === 'suse')) return 'Install NSS tools: `sudo zypper install mozilla-nss-tools`';
  return 'Install NSS tools: `sudo apt install libnss3-tools` (Debian/Ubuntu), `sudo dnf install nss-tools` (Fedora/RHEL) or `sudo pacman -S nss` (Arch)';
}

/** JDK homes to look in: JAVA_HOME first, then what the platform lists. */
export async function javaHomes(deps: Pick<TrustStoreDeps, 'exec' | 'env' | 'platform' | 'fsRoot'>): Promise<string[]> {
  const homes: string[] = deps.env.JAVA_HOME ? [deps.env.JAVA_HOME] : [];
  if (deps.platform === 'linux') homes.push(...(await subdirectories(rooted(deps.fsRoot, '/usr/lib/jvm'))));
  if (deps.platform === 'darwin') {
    // java_home(1) prints the JVM list on stderr.
    const listed = await deps.exec(['/usr/libexec/java_home', '-V']).catch(() => null);
    if (listed) homes.push(...parseJavaHomeList(`${listed.stdout}\n${listed.stderr}`));
  }
  return [...new Set(homes)];
}

/**
 * The Windows hosts file as a WSL path: %SystemRoot% asked from cmd.exe through interop, converted
 * by wslpath (Microsoft WSL docs, "Interop"); the default install location if either fails.
 */
export async function wslWindowsHostsPath(exec: Exec, env: Record<string, string | undefined>): Promise<string> {
  const fallback = '/mnt/c/Windows/System32/drivers/etc/hosts';
  try {
    let systemRoot = env.SystemRoot ?? env.SYSTEMROOT;
    if (!systemRoot) {
      const echoed = await exec(['cmd.exe', '/d', '/c', 'echo', '%SystemRoot%']);
      systemRoot = echoed.stdout.trim().split(/\r?\n/).pop()?.trim();
    }
    if (!systemRoot || !/^[A-Za-z]:\\/.test(systemRoot)) return fallback;
    const converted = await exec(['wslpath', '-u', `${systemRoot.replace(/\\$/, '')}\\System32\\drivers\\etc\\hosts`]);
    const path = converted.stdout.trim();
    return converted.exitCode === 0 && path.startsWith('/') ? path : fallback;
  } catch {
    return fallback;
  }
}

/** Every store this platform has, in the order the UI lists them. */
export async function createPlatformStores(deps: TrustStoreDeps & { wsl?: boolean }): Promise<TrustStore[]> {
  const wsl = deps.wsl ?? (await detectWsl(deps.platform, deps.env, deps.fsRoot));
  const profileBases = firefoxProfileBases(deps.platform, deps.home, deps.env);
  const nssOptions = async () => ({ certutil: await certutilCommand(deps.platform, deps.fsRoot), toolHint: await certutilInstallHint(deps.platform, deps.fsRoot) });
  const stores: TrustStore[] = [];
  for (const id of storeIdsFor(deps.platform, wsl)) {
    switch (id) {
      case 'system':
        stores.push(createLinuxSystemStore(deps));
        break;
      case 'nss':
        stores.push(createChromiumNssStore(deps, { ...(await nssOptions()), primary: join(deps.home, '.pki', 'nssdb'), extra: [join(deps.home, 'snap', 'chromium', 'current', '.pki', 'nssdb')] }));
        break;
      case 'firefox':
        stores.push(
          deps.platform === 'win32'
            ? createFirefoxEnterpriseStore(deps, { profileBases, osName: 'Windows' })
            : createFirefoxNssStore(deps, { ...(await nssOptions()), profileBases }),
        );
        break;
      case 'macos':
        stores.push(createMacosStore(deps));
        break;
      case 'windows':
        stores.push(
          deps.platform === 'win32'
            ? createWindowsStore(deps)
            : createWindowsStore(deps, {
                certutil: 'certutil.exe',
                windowsPath: async (path) => mustSucceed(await deps.exec(['wslpath', '-w', path]), 'converting a path for Windows').stdout.trim(),
              }),
        );
        break;
      case 'java':
        stores.push(createJavaStore(deps, { javaHomes: () => javaHomes(deps), keytoolName: deps.platform === 'win32' ? 'keytool.exe' : 'keytool' }));
        break;
    }
  }
  return stores;
}
