import { appendFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../../../main/engine/system/exec';
import { LINUX_LAYOUTS, anchorFileName, createLinuxSystemStore, detectLinuxLayout, type LinuxLayout } from '../../../../main/engine/truststore/linux';
import type { RootCert } from '../../../../main/engine/truststore/types';
import { RecordingElevator } from '../../../helpers/recording-elevator';
import { RecordingExec } from '../../../helpers/recording-exec';
import { makeTestRoot } from './fixtures';

let root: RootCert;
let base: string;
let cleanup: () => Promise<void>;
let case_ = 0;

beforeAll(async () => {
  ({ root, dir: base, cleanup } = await makeTestRoot());
});
afterAll(async () => {
  await cleanup();
});

/** A fake filesystem root per test: real files, never /etc or /usr. */
let fsRoot: string;
beforeEach(async () => {
  case_ += 1;
  fsRoot = join(base, `fs-${case_}`);
  await mkdir(fsRoot);
});

const debian = LINUX_LAYOUTS.find((layout) => layout.family === 'debian') as LinuxLayout;

/**
 * A stand-in for update-ca-certificates: concatenates the anchors into the bundle, which is what
 * makes `openssl verify -CAfile <bundle>` succeed. Everything else (install, rm, openssl) is real.
 */
function harness(layout: LinuxLayout = debian, refresh: 'works' | 'fails' = 'works') {
  const recording = new RecordingExec(async (argv) => {
    if (argv.join(' ') !== layout.refresh.join(' ')) return undefined;
    if (refresh === 'fails') return { exitCode: 1, stderr: 'refresh failed' };
    const anchors = join(fsRoot, layout.anchorDir);
    const bundle = join(fsRoot, layout.bundle);
    await mkdir(join(bundle, '..'), { recursive: true });
    await writeFile(bundle, '');
    for (const name of await readdir(anchors)) await appendFile(bundle, await readFile(join(anchors, name)));
    return { exitCode: 0 };
  }, exec);
  const elevator = new RecordingElevator(recording.exec);
  const store = createLinuxSystemStore({ exec: recording.exec, elevator, home: fsRoot, env: {}, platform: 'linux', fsRoot });
  return { recording, elevator, store };
}

describe('Linux system store (Debian layout in a temp root)', () => {
  it('installs the exact bytes with mode 0644 and refreshes, in one consent; then is idempotent', async () => {
    await mkdir(join(fsRoot, debian.anchorDir), { recursive: true });
    const { elevator, store } = harness();
    const target = join(fsRoot, debian.anchorDir, `portico-ca-${root.serial.toLowerCase()}.crt`);

    expect(await store.detect()).toEqual({ available: true });
    expect(await store.check(root)).toMatchObject({ store: 'system', status: 'not-installed' });

    const state = await store.install(root);
    expect(state).toMatchObject({ store: 'system', status: 'installed', verified: true, locations: [target] });
    expect(await readFile(target, 'utf8')).toBe(`${root.certPem.trimEnd()}\n`);
    expect((await stat(target)).mode & 0o777).toBe(0o644);

    expect(elevator.consents).toHaveLength(1);
    const [copy, refresh] = elevator.consents[0]?.commands ?? [];
    expect(copy?.slice(0, 3)).toEqual(['install', '-m', '0644']);
    expect(copy?.[4]).toBe(target);
    expect(refresh).toEqual(['update-ca-certificates']);
    expect(elevator.consents[0]?.reason).toBe('trust the Portico CA system-wide');
    await expect(stat(copy?.[3] ?? '')).rejects.toMatchObject({ code: 'ENOENT' });

    expect(await store.install(root)).toMatchObject({ status: 'installed', verified: true });
    expect(elevator.consents).toHaveLength(1);
  });

  it('a file present but missing from the bundle is unverified; install only refreshes', async () => {
    await mkdir(join(fsRoot, debian.anchorDir), { recursive: true });
    const { elevator, store } = harness();
    await store.install(root);
    await writeFile(join(fsRoot, debian.bundle), '');

    expect(await store.check(root)).toMatchObject({ status: 'installed', verified: false, detail: expect.stringMatching(/not rebuilt/) });
    expect(await store.install(root)).toMatchObject({ status: 'installed', verified: true });
    expect(elevator.consents[1]?.commands).toEqual([['update-ca-certificates']]);
  });

  it('uninstall removes exactly our file and refreshes', async () => {
    const anchors = join(fsRoot, debian.anchorDir);
    await mkdir(anchors, { recursive: true });
    await writeFile(join(anchors, 'corporate-proxy.crt'), 'someone else\n');
    const { elevator, store } = harness();
    await store.install(root);
    const target = join(anchors, anchorFileName(root, debian));

    expect(await store.uninstall(root)).toMatchObject({ status: 'not-installed' });
    expect(await readdir(anchors)).toEqual(['corporate-proxy.crt']);
    expect(elevator.consents[1]).toEqual({ commands: [['rm', '-f', target], ['update-ca-certificates']], reason: 'remove the Portico CA from the system store' });

    expect(await store.uninstall(root)).toMatchObject({ status: 'not-installed' });
    expect(elevator.consents).toHaveLength(2);
  });

  it('a different certificate under our name is replaced', async () => {
    const anchors = join(fsRoot, debian.anchorDir);
    await mkdir(anchors, { recursive: true });
    await writeFile(join(anchors, anchorFileName(root, debian)), 'stale\n');
    const { store } = harness();
    expect(await store.check(root)).toMatchObject({ status: 'not-installed', detail: expect.stringMatching(/different certificate/) });
    expect(await store.install(root)).toMatchObject({ status: 'installed', verified: true });
  });

  it('a failing refresh is an error state carrying the command and its output', async () => {
    await mkdir(join(fsRoot, debian.anchorDir), { recursive: true });
    const { store } = harness(debian, 'fails');
    const state = await store.install(root);
    expect(state).toMatchObject({ store: 'system', status: 'error' });
    expect(state.detail).toContain('`update-ca-certificates` exited with 1: refresh failed');
  });
});

describe('layouts', () => {
  it.each(LINUX_LAYOUTS.map((layout) => [layout.family, layout] as const))('%s: detected from its anchor directory; file name and refresh argv', async (_family, layout) => {
    await mkdir(join(fsRoot, layout.anchorDir), { recursive: true });
    expect(await detectLinuxLayout(fsRoot)).toEqual(layout);
    const { elevator, store } = harness(layout);
    await store.install(root);
    const target = join(fsRoot, layout.anchorDir, `portico-ca-${root.serial.toLowerCase()}${layout.extension}`);
    expect(elevator.consents[0]?.commands[0]?.[4]).toBe(target);
    expect(elevator.consents[0]?.commands[1]).toEqual(layout.refresh);
  });

  it.each([
    ['fedora', ['update-ca-trust', 'extract'], '/etc/pki/ca-trust/source/anchors', '.pem'],
    ['debian', ['update-ca-certificates'], '/usr/local/share/ca-certificates', '.crt'],
    ['arch', ['trust', 'extract-compat'], '/etc/ca-certificates/trust-source/anchors', '.crt'],
    ['opensuse', ['update-ca-certificates'], '/usr/share/pki/trust/anchors', '.pem'],
  ])('%s matches TS-3', (family, refresh, anchorDir, extension) => {
    expect(LINUX_LAYOUTS.find((layout) => layout.family === family)).toMatchObject({ refresh, anchorDir, extension });
  });

  it('RHEL wins when a machine has both directories (TS-3 order)', async () => {
    await mkdir(join(fsRoot, '/etc/pki/ca-trust/source/anchors'), { recursive: true });
    await mkdir(join(fsRoot, '/usr/local/share/ca-certificates'), { recursive: true });
    expect((await detectLinuxLayout(fsRoot))?.family).toBe('fedora');
  });

  it('no known layout: unavailable everywhere, with a hint, and nothing run', async () => {
    const { recording, elevator, store } = harness();
    expect(await store.detect()).toMatchObject({ available: false, reason: expect.stringMatching(/no supported system trust layout/) });
    expect(await store.install(root)).toMatchObject({ status: 'unavailable', hint: expect.stringMatching(/Browsers still trust Portico/) });
    expect(await store.uninstall(root)).toMatchObject({ status: 'unavailable' });
    expect(elevator.consents).toEqual([]);
    expect(recording.calls).toEqual([]);
  });

  it('the refresh command can be overridden', async () => {
    await mkdir(join(fsRoot, debian.anchorDir), { recursive: true });
    const recording = new RecordingExec((argv) => (argv[0] === 'my-refresh' ? { exitCode: 0 } : undefined), exec);
    const elevator = new RecordingElevator(recording.exec);
    const store = createLinuxSystemStore({ exec: recording.exec, elevator, home: fsRoot, env: {}, platform: 'linux', fsRoot }, { refreshCommand: ['my-refresh', '--now'] });
    await store.install(root);
    expect(elevator.consents[0]?.commands[1]).toEqual(['my-refresh', '--now']);
  });
});
