import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDesktopLaunch, nodeLaunchProbe } from '../../../main/headless/launch-check';
import type { LaunchProbe } from '../../../main/headless/launch-check';
import { tempHome } from '../../helpers/portico-home';

const PKG = '/repo/node_modules/electron';

function probe(files: Record<string, string>, installed = true): LaunchProbe {
  return {
    electronPackageDir: () => (installed ? PKG : null),
    readText: (path) => files[path] ?? null,
    exists: (path) => path in files,
  };
}

const withBinary = probe({ [`${PKG}/path.txt`]: 'electron', [`${PKG}/dist/electron`]: '' });

describe('checkDesktopLaunch', () => {
  const cases: Array<[string, NodeJS.ProcessEnv, NodeJS.Platform, LaunchProbe, boolean, RegExp]> = [
    ['Linux with X11', { DISPLAY: ':0' }, 'linux', withBinary, true, /DISPLAY=:0/],
    ['Linux with Wayland', { WAYLAND_DISPLAY: 'wayland-0' }, 'linux', withBinary, true, /WAYLAND_DISPLAY=wayland-0/],
    ['Linux without a display', {}, 'linux', withBinary, false, /no display/],
    ['FreeBSD without a display', {}, 'freebsd', withBinary, false, /no display/],
    ['macOS needs no DISPLAY', {}, 'darwin', probe({ [`${PKG}/path.txt`]: 'Electron.app/Contents/MacOS/Electron', [`${PKG}/dist/Electron.app/Contents/MacOS/Electron`]: '' }), true, /available/],
    ['Windows', {}, 'win32', probe({ [`${PKG}/path.txt`]: 'electron.exe', [`${PKG}/dist/electron.exe`]: '' }), true, /available/],
    ['electron not installed', { DISPLAY: ':0' }, 'linux', probe({}, false), false, /not installed/],
    ['binary never downloaded (no path.txt)', { DISPLAY: ':0' }, 'linux', probe({}), false, /never downloaded/],
    ['path.txt but no binary', { DISPLAY: ':0' }, 'linux', probe({ [`${PKG}/path.txt`]: 'electron' }), false, /missing/],
    ['headless asked for', { DISPLAY: ':0', PORTICO_HEADLESS: '1' }, 'linux', withBinary, false, /PORTICO_HEADLESS/],
    ['ELECTRON_OVERRIDE_DIST_PATH to a real binary', { DISPLAY: ':0', ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }, 'linux', probe({ '/opt/electron/electron': '' }), true, /available/],
    ['ELECTRON_OVERRIDE_DIST_PATH to nothing', { DISPLAY: ':0', ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' }, 'linux', probe({}), false, /\/nowhere\/electron does not exist/],
  ];
  it.each(cases)('%s', (_name, env, platform, launchProbe, desktop, reason) => {
    const decision = checkDesktopLaunch(env, platform, launchProbe);
    expect(decision.desktop).toBe(desktop);
    expect(decision.reason).toMatch(reason);
    expect(decision.electronPath !== undefined).toBe(desktop);
  });

  it('refuses root on Linux (Chromium would need --no-sandbox), not on macOS', () => {
    expect(checkDesktopLaunch({ DISPLAY: ':0' }, 'linux', withBinary, 0)).toMatchObject({ desktop: false, reason: expect.stringMatching(/root.*--no-sandbox/) });
    expect(checkDesktopLaunch({ DISPLAY: ':0' }, 'linux', withBinary, 1000).desktop).toBe(true);
  });

  it('trims the newline an editor may leave in path.txt', () => {
    const decision = checkDesktopLaunch({ DISPLAY: ':0' }, 'linux', probe({ [`${PKG}/path.txt`]: 'electron\n', [`${PKG}/dist/electron`]: '' }));
    expect(decision.electronPath).toBe(`${PKG}/dist/electron`);
  });
});

describe('nodeLaunchProbe on a real directory layout', () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  beforeEach(async () => {
    home = await tempHome('portico-launch-');
  });
  afterEach(async () => {
    await home.cleanup();
  });

  it('finds the package, reads path.txt and checks the binary without loading electron', async () => {
    const pkg = join(home.dir, 'node_modules', 'electron');
    await mkdir(join(pkg, 'dist'), { recursive: true });
    await writeFile(join(home.dir, 'package.json'), '{"name":"x"}');
    await writeFile(join(pkg, 'package.json'), '{"name":"electron","main":"index.js"}');
    // index.js would download: it must never be loaded.
    await writeFile(join(pkg, 'index.js'), 'throw new Error("loaded electron/index.js")');
    const realProbe = nodeLaunchProbe(home.dir);
    expect(checkDesktopLaunch({ DISPLAY: ':0' }, 'linux', realProbe)).toMatchObject({ desktop: false, reason: expect.stringMatching(/never downloaded/) });
    await writeFile(join(pkg, 'path.txt'), 'electron');
    expect(checkDesktopLaunch({ DISPLAY: ':0' }, 'linux', realProbe)).toMatchObject({ desktop: false, reason: expect.stringMatching(/missing/) });
    await writeFile(join(pkg, 'dist', 'electron'), '');
    expect(checkDesktopLaunch({ DISPLAY: ':0' }, 'linux', realProbe)).toEqual({ desktop: true, reason: 'Electron and a display (DISPLAY=:0) are available.', electronPath: join(pkg, 'dist', 'electron') });
  });

  it('reports a project without electron installed', () => {
    expect(nodeLaunchProbe(home.dir).electronPackageDir()).toBeNull();
  });
});
