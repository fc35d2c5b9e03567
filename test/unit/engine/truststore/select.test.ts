import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nssDbIn } from '../../../../main/engine/truststore/nss-db';
import { thumbprints } from '../../../../main/engine/truststore/root';
import {
  certutilCommand,
  certutilInstallHint,
  createPlatformStores,
  detectWsl,
  firefoxProfileBases,
  javaHomes,
  storeIdsFor,
  wslWindowsHostsPath,
} from '../../../../main/engine/truststore/select';
import { RecordingElevator } from '../../../helpers/recording-elevator';
import { RecordingExec } from '../../../helpers/recording-exec';
import { makeTestRoot } from './fixtures';

let fsRoot: string;
beforeEach(async () => {
  fsRoot = await mkdtemp(join(tmpdir(), 'portico-select-'));
});
afterEach(async () => {
  await rm(fsRoot, { recursive: true, force: true });
});

async function touch(path: string, content = ''): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

describe('storeIdsFor', () => {
  it.each<[string, NodeJS.Platform, boolean, string[]]>([
    ['Linux', 'linux', false, ['system', 'nss', 'firefox', 'java']],
    ['WSL', 'linux', true, ['system', 'nss', 'firefox', 'java', 'windows']],
    ['macOS', 'darwin', false, ['macos', 'firefox', 'java']],
    ['Windows', 'win32', false, ['windows', 'firefox', 'java']],
  ])('%s', (_name, platform, wsl, expected) => {
    expect(storeIdsFor(platform, wsl)).toEqual(expected);
  });
});

describe('detectWsl', () => {
  it('from WSL_DISTRO_NAME', async () => {
    expect(await detectWsl('linux', { WSL_DISTRO_NAME: 'Debian' }, fsRoot)).toBe(true);
  });
  it.each(['WSLInterop', 'WSLInterop-late'])('from the %s binfmt entry', async (name) => {
    await touch(join(fsRoot, 'proc', 'sys', 'fs', 'binfmt_misc', name));
    expect(await detectWsl('linux', {}, fsRoot)).toBe(true);
  });
  it('plain Linux and other platforms are not WSL', async () => {
    expect(await detectWsl('linux', {}, fsRoot)).toBe(false);
    expect(await detectWsl('darwin', { WSL_DISTRO_NAME: 'x' }, fsRoot)).toBe(false);
  });
});

describe('firefoxProfileBases', () => {
  it.each<[string, NodeJS.Platform, Record<string, string>, string[]]>([
    ['Linux: classic, Snap, Flatpak, XDG', 'linux', {}, ['/home/u/.mozilla/firefox', '/home/u/snap/firefox/common/.mozilla/firefox', '/home/u/.var/app/org.mozilla.firefox/.mozilla/firefox', '/home/u/.config/mozilla/firefox']],
    ['Linux with XDG_CONFIG_HOME', 'linux', { XDG_CONFIG_HOME: '/x' }, ['/home/u/.mozilla/firefox', '/home/u/snap/firefox/common/.mozilla/firefox', '/home/u/.var/app/org.mozilla.firefox/.mozilla/firefox', '/x/mozilla/firefox']],
    ['macOS', 'darwin', {}, ['/home/u/Library/Application Support/Firefox/Profiles']],
    ['Windows', 'win32', { APPDATA: '/appdata' }, ['/appdata/Mozilla/Firefox/Profiles']],
  ])('%s', (_name, platform, env, expected) => {
    expect(firefoxProfileBases(platform, '/home/u', env)).toEqual(expected);
  });
});

describe('certutil location and install hint', () => {
  it('macOS: Homebrew’s keg-only nss when present', async () => {
    expect(await certutilCommand('darwin', fsRoot)).toBe('certutil');
    await touch(join(fsRoot, 'opt/homebrew/opt/nss/bin/certutil'));
    expect(await certutilCommand('darwin', fsRoot)).toBe(join(fsRoot, 'opt/homebrew/opt/nss/bin/certutil'));
    expect(await certutilCommand('linux', fsRoot)).toBe('certutil');
  });

  it.each<[string, NodeJS.Platform, string | null, string]>([
    ['Debian', 'linux', 'ID=debian\nVERSION_ID="12"\n', 'sudo apt install libnss3-tools'],
    ['Ubuntu', 'linux', 'ID=ubuntu\nID_LIKE=debian\n', 'sudo apt install libnss3-tools'],
    ['Fedora', 'linux', 'ID=fedora\n', 'sudo dnf install nss-tools'],
    ['RHEL', 'linux', 'ID="rhel"\nID_LIKE="fedora"\n', 'sudo dnf install nss-tools'],
    ['Arch', 'linux', 'ID=arch\n', 'sudo pacman -S nss'],
    ['openSUSE', 'linux', 'ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\n', 'sudo zypper install mozilla-nss-tools'],
    ['macOS', 'darwin', null, 'brew install nss'],
  ])('%s', async (_name, platform, osRelease, expected) => {
    if (osRelease !== null) await touch(join(fsRoot, 'etc', 'os-release'), osRelease);
    expect(await certutilInstallHint(platform, fsRoot)).toBe(`Install NSS tools: \`${expected}\``);
  });

  it('an unknown distribution gets every command', async () => {
    expect(await certutilInstallHint('linux', fsRoot)).toMatch(/apt install libnss3-tools.*dnf install nss-tools.*pacman -S nss/);
  });
});

describe('javaHomes', () => {
  it('Linux: JAVA_HOME first, then /usr/lib/jvm/*', async () => {
    await mkdir(join(fsRoot, 'usr/lib/jvm/java-17-openjdk-amd64'), { recursive: true });
    await mkdir(join(fsRoot, 'usr/lib/jvm/java-21-openjdk-amd64'), { recursive: true });
    const recording = new RecordingExec();
    expect(await javaHomes({ exec: recording.exec, env: { JAVA_HOME: '/opt/jdk' }, platform: 'linux', fsRoot })).toEqual([
      '/opt/jdk',
      join(fsRoot, 'usr/lib/jvm/java-17-openjdk-amd64'),
      join(fsRoot, 'usr/lib/jvm/java-21-openjdk-amd64'),
    ]);
    expect(recording.calls).toEqual([]);
  });

  it('macOS: asks /usr/libexec/java_home -V (which lists on stderr)', async () => {
    const recording = new RecordingExec(() => ({ stderr: 'Matching Java Virtual Machines (1):\n    21 (arm64) "Temurin" - "OpenJDK 21" /Library/Java/JavaVirtualMachines/t21.jdk/Contents/Home\n' }));
    expect(await javaHomes({ exec: recording.exec, env: {}, platform: 'darwin', fsRoot })).toEqual(['/Library/Java/JavaVirtualMachines/t21.jdk/Contents/Home']);
    expect(recording.argvs).toEqual([['/usr/libexec/java_home', '-V']]);
  });

  it('Windows: JAVA_HOME only', async () => {
    expect(await javaHomes({ exec: new RecordingExec().exec, env: {}, platform: 'win32', fsRoot })).toEqual([]);
  });
});

describe('wslWindowsHostsPath (argv only: no Windows here)', () => {
  it('asks cmd.exe for %SystemRoot% and converts it with wslpath -u', async () => {
    const recording = new RecordingExec((argv) =>
      argv[0] === 'cmd.exe' ? { stdout: 'C:\\WINDOWS\r\n', stderr: 'UNC paths are not supported.' } : { stdout: '/mnt/c/WINDOWS/System32/drivers/etc/hosts\n' },
    );
    expect(await wslWindowsHostsPath(recording.exec, {})).toBe('/mnt/c/WINDOWS/System32/drivers/etc/hosts');
    expect(recording.argvs).toEqual([
      ['cmd.exe', '/d', '/c', 'echo', '%SystemRoot%'],
      ['wslpath', '-u', 'C:\\WINDOWS\\System32\\drivers\\etc\\hosts'],
    ]);
  });

  it('uses SystemRoot forwarded through WSLENV without asking cmd.exe', async () => {
    const recording = new RecordingExec(() => ({ stdout: '/mnt/d/Win/System32/drivers/etc/hosts\n' }));
    expect(await wslWindowsHostsPath(recording.exec, { SystemRoot: 'D:\\Win\\' })).toBe('/mnt/d/Win/System32/drivers/etc/hosts');
    expect(recording.argvs).toEqual([['wslpath', '-u', 'D:\\Win\\System32\\drivers\\etc\\hosts']]);
  });

  it.each([
    ['interop missing', () => new RecordingExec((argv) => { throw new Error(`no ${argv[0]}`); })],
    ['nonsense from cmd.exe', () => new RecordingExec(() => ({ stdout: '%SystemRoot%\r\n' }))],
    ['wslpath fails', () => new RecordingExec((argv) => (argv[0] === 'cmd.exe' ? { stdout: 'C:\\Windows\r\n' } : { exitCode: 1 }))],
  ])('%s → the default location', async (_name, make) => {
    expect(await wslWindowsHostsPath(make().exec, {})).toBe('/mnt/c/Windows/System32/drivers/etc/hosts');
  });
});

describe('createPlatformStores', () => {
  const make = async (platform: NodeJS.Platform, wsl: boolean) => {
    const recording = new RecordingExec(() => ({ exitCode: 1 }));
    const stores = await createPlatformStores({ exec: recording.exec, elevator: new RecordingElevator(recording.exec), home: join(fsRoot, 'home'), env: {}, platform, fsRoot, wsl });
    return { recording, stores };
  };

  it.each<[NodeJS.Platform, boolean, string[]]>([
    ['linux', false, ['system', 'nss', 'firefox', 'java']],
    ['linux', true, ['system', 'nss', 'firefox', 'java', 'windows']],
    ['darwin', false, ['macos', 'firefox', 'java']],
    ['win32', false, ['windows', 'firefox', 'java']],
  ])('%s (wsl %s)', async (platform, wsl, ids) => {
    const { stores } = await make(platform, wsl);
    expect(stores.map((store) => store.id)).toEqual(ids);
  });

  it('WSL reaches the Windows store through certutil.exe', async () => {
    const { root, cleanup } = await makeTestRoot();
    try {
      const { recording, stores } = await make('linux', true);
      const windows = stores.find((store) => store.id === 'windows');
      expect(await windows?.check(root)).toMatchObject({ status: 'not-installed' });
      expect(recording.argvs).toEqual([['certutil.exe', '-user', '-verifystore', 'Root', thumbprints(root).sha1]]);
    } finally {
      await cleanup();
    }
  });

  it('Windows Firefox goes through user.js, not certutil', async () => {
    const { recording, stores } = await make('win32', false);
    const firefox = stores.find((store) => store.id === 'firefox');
    expect(await firefox?.detect()).toMatchObject({ available: false, reason: expect.stringMatching(/no Firefox profile/) });
    expect(recording.calls).toEqual([]);
  });
});

describe('nssDbIn', () => {
  it('sql: for cert9.db, dbm: for the legacy cert8.db, nothing otherwise', async () => {
    await touch(join(fsRoot, 'new', 'cert9.db'));
    await touch(join(fsRoot, 'old', 'cert8.db'));
    await mkdir(join(fsRoot, 'empty'));
    expect(await nssDbIn(join(fsRoot, 'new'))).toEqual({ dir: join(fsRoot, 'new'), spec: `sql:${join(fsRoot, 'new')}` });
    expect(await nssDbIn(join(fsRoot, 'old'))).toEqual({ dir: join(fsRoot, 'old'), spec: `dbm:${join(fsRoot, 'old')}` });
    expect(await nssDbIn(join(fsRoot, 'empty'))).toBeNull();
  });
});
