import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFirefoxEnterpriseStore, enterpriseRootsEnabled, withEnterpriseRoots, withoutEnterpriseRoots } from '../../../../main/engine/truststore/firefox-enterprise';
import type { RootCert } from '../../../../main/engine/truststore/types';
import { RecordingElevator } from '../../../helpers/recording-elevator';
import { RecordingExec } from '../../../helpers/recording-exec';

const MARK = '// Portico: Firefox trusts the operating system root store (removed by `portico trust uninstall`).';
const PREF = 'user_pref("security.enterprise_roots.enabled", true);';

describe('user.js editing', () => {
  it.each([
    ['empty file', '', `${MARK}\n${PREF}\n`],
    ['LF lines kept', 'user_pref("a", 1);\n', `user_pref("a", 1);\n${MARK}\n${PREF}\n`],
    ['CRLF kept', 'user_pref("a", 1);\r\n', `user_pref("a", 1);\r\n${MARK}\r\n${PREF}\r\n`],
    ['no final newline', 'user_pref("a", 1);', `user_pref("a", 1);\n${MARK}\n${PREF}\n`],
  ])('adds our two lines: %s', (_name, input, expected) => {
    expect(withEnterpriseRoots(input)).toBe(expected);
  });

  it.each(['', 'user_pref("a", 1);\n', 'user_pref("a", 1);\r\n// c\r\n', '\tweird  spacing \n'])('removing our lines restores %j', (input) => {
    expect(withoutEnterpriseRoots(withEnterpriseRoots(input))).toBe(input.endsWith('\n') || input === '' ? input : input + '\n');
  });

  it('leaves a setting the user wrote', () => {
    const users = `${PREF}\n`;
    expect(withoutEnterpriseRoots(users)).toBe(users);
  });

  it.each([
    ['absent', '', false],
    ['true', 'user_pref("security.enterprise_roots.enabled", true);', true],
    ['spaces', '  user_pref( "security.enterprise_roots.enabled" ,true ) ;', true],
    ['false', 'user_pref("security.enterprise_roots.enabled", false);', false],
    ['last one wins', 'user_pref("security.enterprise_roots.enabled", true);\nuser_pref("security.enterprise_roots.enabled", false);', false],
    ['commented out', '// user_pref("security.enterprise_roots.enabled", true);', false],
  ])('enterpriseRootsEnabled: %s', (_name, text, expected) => {
    expect(enterpriseRootsEnabled(text)).toBe(expected);
  });
});

describe('Firefox on Windows (enterprise roots)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-ff-win-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('pins the preference in every profile, keeps other lines, and removes only its own', async () => {
    const base = join(dir, 'AppData', 'Roaming', 'Mozilla', 'Firefox', 'Profiles');
    const first = join(base, 'a1.default-release');
    const second = join(base, 'b2.dev-edition-default');
    for (const profile of [first, second]) {
      await mkdir(profile, { recursive: true });
      await writeFile(join(profile, 'prefs.js'), '');
    }
    await writeFile(join(first, 'user.js'), 'user_pref("browser.startup.page", 3);\r\n');
    await mkdir(join(base, 'not-a-profile'));

    const recording = new RecordingExec();
    const store = createFirefoxEnterpriseStore({ exec: recording.exec, elevator: new RecordingElevator(recording.exec), home: dir, env: {}, platform: 'win32' }, { profileBases: [base], osName: 'Windows' });
    const root = { certPem: '', certPath: '', nickname: 'Portico CA 01', fingerprint256: '', serial: '01' } satisfies RootCert;

    expect(await store.detect()).toEqual({ available: true });
    expect(await store.check(root)).toMatchObject({ store: 'firefox', status: 'not-installed', detail: expect.stringMatching(/by default/) });
    const installed = await store.install(root);
    expect(installed).toMatchObject({ status: 'installed', locations: [first, second] });
    expect(installed.verified).toBeUndefined();
    expect(await readFile(join(first, 'user.js'), 'utf8')).toBe(`user_pref("browser.startup.page", 3);\r\n${MARK}\r\n${PREF}\r\n`);
    expect(await readFile(join(second, 'user.js'), 'utf8')).toBe(`${MARK}\n${PREF}\n`);

    await store.install(root);
    expect((await readFile(join(second, 'user.js'), 'utf8')).split(PREF)).toHaveLength(2);

    expect(await store.uninstall(root)).toMatchObject({ status: 'not-installed' });
    expect(await readFile(join(first, 'user.js'), 'utf8')).toBe('user_pref("browser.startup.page", 3);\r\n');
    await expect(readFile(join(second, 'user.js'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(recording.calls).toEqual([]);
  });

  it('no profile: unavailable, with the reason', async () => {
    const recording = new RecordingExec();
    const store = createFirefoxEnterpriseStore({ exec: recording.exec, elevator: new RecordingElevator(recording.exec), home: dir, env: {}, platform: 'win32' }, { profileBases: [join(dir, 'none')], osName: 'Windows' });
    expect(await store.detect()).toMatchObject({ available: false, reason: expect.stringMatching(/start Firefox once/) });
  });
});
