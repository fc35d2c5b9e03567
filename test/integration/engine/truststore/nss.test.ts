import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElevator } from '../../../../main/engine/system/elevate';
import { exec, mustSucceed } from '../../../../main/engine/system/exec';
import { createChromiumNssStore, createFirefoxNssStore } from '../../../../main/engine/truststore/nss';
import { rootCertFromPem } from '../../../../main/engine/truststore/root';
import type { RootCert, TrustStoreDeps } from '../../../../main/engine/truststore/types';
import { RecordingExec, toolMissing } from '../../../helpers/recording-exec';

/**
 * Real NSS databases in a throwaway HOME, driven by the real certutil (libnss3-tools): the same
 * databases Chromium and Firefox read. Every certutil call goes through a RecordingExec that
 * delegates to the real exec, so the tests can count them.
 */
let dir: string;
let home: string;
let root: RootCert;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-nss-'));
  home = join(dir, 'home');
  await mkdir(home);
  const certPath = join(dir, 'root.pem');
  mustSucceed(
    await exec([
      'openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30',
      '-keyout', join(dir, 'root-key.pem'), '-out', certPath,
      '-subj', '/CN=Portico CA test',
      '-addext', 'basicConstraints=critical,CA:true',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]),
  );
  root = rootCertFromPem(await readFile(certPath, 'utf8'), certPath);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deps(recording: RecordingExec): TrustStoreDeps {
  return { exec: recording.exec, elevator: createElevator({ platform: 'linux', uid: 0, exec: recording.exec }), home, env: {}, platform: 'linux' };
}

const hint = 'Install NSS tools: `sudo apt install libnss3-tools`';

describe('Chromium NSS store (~/.pki/nssdb) with the real certutil', () => {
  it('detect → check → install (verified) → install again (no-op) → uninstall', async () => {
    const recording = new RecordingExec(undefined, exec);
    const primary = join(home, '.pki', 'nssdb');
    const store = createChromiumNssStore(deps(recording), { certutil: 'certutil', toolHint: hint, primary, extra: [join(home, 'snap', 'chromium', 'current', '.pki', 'nssdb')] });

    expect(await store.detect()).toEqual({ available: true });
    expect(await store.check(root)).toMatchObject({ store: 'nss', status: 'not-installed' });

    const installed = await store.install(root);
    expect(installed).toMatchObject({ store: 'nss', status: 'installed', verified: true, locations: [primary] });
    expect((await stat(join(primary, 'cert9.db'))).isFile()).toBe(true);
    expect((await stat(primary)).mode & 0o777).toBe(0o700);
    expect(recording.count('certutil', '-N')).toBe(1);
    expect(recording.count('certutil', '-A')).toBe(1);

    // The trust flags are C,, (TLS server CA only), as certutil lists them.
    const listed = await exec(['certutil', '-L', '-d', `sql:${primary}`]);
    expect(listed.stdout).toMatch(new RegExp(`${root.nickname}\\s+C,,\\s*$`, 'm'));

    const again = await store.install(root);
    expect(again).toMatchObject({ status: 'installed', verified: true });
    expect(recording.count('certutil', '-A')).toBe(1);
    expect(recording.count('certutil', '-N')).toBe(1);

    expect(await store.uninstall(root)).toMatchObject({ status: 'not-installed' });
    expect((await exec(['certutil', '-L', '-d', `sql:${primary}`, '-n', root.nickname])).exitCode).not.toBe(0);
    expect(await store.uninstall(root)).toMatchObject({ status: 'not-installed' });
    expect(recording.count('certutil', '-D')).toBe(1);
  });

  it('an entry without the C flag is present but not verified, and install fixes its trust', async () => {
    const primary = join(home, 'untrusted', 'nssdb');
    const store = createChromiumNssStore(deps(new RecordingExec(undefined, exec)), { certutil: 'certutil', toolHint: hint, primary, extra: [] });
    await mkdir(primary, { recursive: true });
    mustSucceed(await exec(['certutil', '-N', '--empty-password', '-d', `sql:${primary}`]));
    mustSucceed(await exec(['certutil', '-A', '-d', `sql:${primary}`, '-t', ',,', '-n', root.nickname, '-i', root.certPath]));

    expect(await store.check(root)).toMatchObject({ status: 'installed', verified: false });
    expect(await store.install(root)).toMatchObject({ status: 'installed', verified: true });
  });
});

describe('Firefox NSS store with fake profiles', () => {
  it('finds every profile with cert9.db and installs into each', async () => {
    const base = join(home, '.mozilla', 'firefox');
    const snapBase = join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox');
    const profiles = [join(base, 'abcd.default-release'), join(snapBase, 'efgh.default')];
    for (const profile of profiles) {
      await mkdir(profile, { recursive: true });
      mustSucceed(await exec(['certutil', '-N', '--empty-password', '-d', `sql:${profile}`]));
    }
    await mkdir(join(base, 'Crash Reports'), { recursive: true });

    const recording = new RecordingExec(undefined, exec);
    const store = createFirefoxNssStore(deps(recording), { certutil: 'certutil', toolHint: hint, profileBases: [base, snapBase, join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox')] });

    expect(await store.detect()).toEqual({ available: true });
    expect(await store.check(root)).toMatchObject({ store: 'firefox', status: 'not-installed', detail: 'not in 2 databases' });

    // One profile already has it: install adds only the other.
    mustSucceed(await exec(['certutil', '-A', '-d', `sql:${profiles[0]}`, '-t', 'C,,', '-n', root.nickname, '-i', root.certPath]));
    expect(await store.check(root)).toMatchObject({ status: 'not-installed', detail: 'trusted in 1 of 2 databases', locations: [profiles[0]] });

    const installed = await store.install(root);
    expect(installed).toMatchObject({ status: 'installed', verified: true, locations: profiles });
    expect(installed.hint).toMatch(/Restart the browser/);
    expect(recording.argvs.filter((argv) => argv[1] === '-A')).toEqual([['certutil', '-A', '-d', `sql:${profiles[1]}`, '-t', 'C,,', '-n', root.nickname, '-i', root.certPath]]);

    expect(await store.uninstall(root)).toMatchObject({ status: 'not-installed', detail: 'not in 2 databases' });
  });

  it('without any profile: unavailable from detect, not-installed with the reason from install', async () => {
    const store = createFirefoxNssStore(deps(new RecordingExec(undefined, exec)), { certutil: 'certutil', toolHint: hint, profileBases: [join(home, 'nowhere')] });
    expect(await store.detect()).toMatchObject({ available: false, reason: expect.stringMatching(/start Firefox once/) });
    expect(await store.install(root)).toMatchObject({ status: 'not-installed', detail: expect.stringMatching(/start Firefox once/) });
  });
});

describe('without certutil', () => {
  it.each([
    ['an exec that reports ENOENT', () => new RecordingExec((argv) => (argv[0] === 'certutil' ? toolMissing(argv) : undefined), exec).exec],
    ['a PATH without certutil', () => (argv: readonly string[]) => exec(argv, { env: { PATH: '/nonexistent' } })],
  ])('%s → unavailable with the install hint, never a throw', async (_name, makeExec) => {
    const run = makeExec();
    const storeDeps: TrustStoreDeps = { exec: run, elevator: createElevator({ platform: 'linux', uid: 0, exec: run }), home, env: {}, platform: 'linux' };
    const nss = createChromiumNssStore(storeDeps, { certutil: 'certutil', toolHint: hint, primary: join(home, 'missing-tool', 'nssdb'), extra: [] });
    expect(await nss.detect()).toEqual({ available: false, reason: 'certutil (NSS tools) is not installed', hint });
    for (const state of [await nss.check(root), await nss.install(root), await nss.uninstall(root)]) {
      expect(state).toMatchObject({ store: 'nss', status: 'unavailable', hint });
    }
    await expect(stat(join(home, 'missing-tool'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
