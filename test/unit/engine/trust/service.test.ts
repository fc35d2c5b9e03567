import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, createEngineParts, type EngineParts } from '../../../../main/engine';
import { exec } from '../../../../main/engine/system/exec';
import { createTrustService, followRotation, type TrustServiceOptions } from '../../../../main/engine/trust';
import { createMemoryStore, rootCertFromPem, type MemoryTrustStore, type RootCert } from '../../../../main/engine/truststore';
import { thumbprints } from '../../../../main/engine/truststore/root';
import { RecordingElevator } from '../../../helpers/recording-elevator';
import { RecordingExec } from '../../../helpers/recording-exec';

/**
 * The engine-level trust service over a real Portico CA in a temp data dir. Stores that cannot run
 * here (the real system store, Windows through WSL) are driven through a recording exec and
 * elevator; the Linux system store writes into a temp fsRoot with the real install(1) and rm(1).
 */
let dir: string;
let parts: EngineParts;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-trust-service-'));
  parts = createEngineParts({ dataDir: join(dir, 'data') });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function memoryService(stores: MemoryTrustStore[], extra: Partial<TrustServiceOptions> = {}) {
  return createTrustService({ paths: parts.paths, ca: parts.ca, env: {}, interactive: true, platform: 'linux', uid: 0, stores: async () => stores, ...extra });
}

async function currentRoot(): Promise<RootCert> {
  const { ca } = await parts.ca.get();
  return rootCertFromPem(ca.certPem, parts.paths.caCert);
}

describe('trust service with in-memory stores', () => {
  it('status before any CA creates nothing; install creates the CA and records receipts; uninstall clears them', async () => {
    const nss = createMemoryStore({ id: 'nss', label: 'NSS' });
    const system = createMemoryStore({ id: 'system', label: 'System' });
    const trust = memoryService([system, nss]);

    expect((await trust.status()).map((s) => [s.store, s.status])).toEqual([['system', 'not-installed'], ['nss', 'not-installed']]);
    await expect(stat(parts.paths.caCert)).rejects.toMatchObject({ code: 'ENOENT' });

    const installed = await trust.install();
    expect(installed.map((s) => [s.store, s.status, s.verified])).toEqual([['system', 'installed', true], ['nss', 'installed', true]]);
    const root = await currentRoot();
    const ledger = await trust.ledger.read();
    expect(ledger.trust.map((r) => [r.store, r.fingerprint256, r.nickname, r.locations])).toEqual([
      ['system', root.fingerprint256, `Portico CA ${root.serial}`, ['memory']],
      ['nss', root.fingerprint256, `Portico CA ${root.serial}`, ['memory']],
    ]);
    expect(ledger.trust[0]?.certPem).toBe(root.certPem);

    // Idempotent: a second install changes no store.
    await trust.install();
    expect(nss.changes + system.changes).toBe(2);

    expect((await trust.uninstall(['nss'])).map((s) => [s.store, s.status])).toEqual([['nss', 'not-installed']]);
    expect((await trust.ledger.read()).trust.map((r) => r.store)).toEqual(['system']);
  });

  it('names unknown stores, and answers for stores this platform does not have', async () => {
    const trust = memoryService([createMemoryStore({ id: 'nss' })]);
    await expect(trust.status(['nss', 'keychain'])).rejects.toMatchObject({ code: 'E_INVALID_INPUT', message: expect.stringContaining('"keychain"') });
    expect(await trust.status(['macos'])).toEqual([expect.objectContaining({ store: 'macos', status: 'unavailable', detail: expect.stringContaining('Linux') })]);
  });

  it('a failed store is reported, and not recorded', async () => {
    const trust = memoryService([createMemoryStore({ id: 'java', failInstall: 'keytool exploded' }), createMemoryStore({ id: 'nss' })]);
    const states = await trust.install();
    expect(states.map((s) => [s.store, s.status])).toEqual([['java', 'error'], ['nss', 'installed']]);
    expect((await trust.ledger.read()).trust.map((r) => r.store)).toEqual(['nss']);
  });
});

describe('rotation', () => {
  it('trusts the new root where the old one was, and retires the old one once no certificate uses it', async () => {
    const nss = createMemoryStore({ id: 'nss' });
    const java = createMemoryStore({ id: 'java' });
    const trust = memoryService([nss, java]);
    await trust.install(['nss']);
    const old = await currentRoot();

    // A certificate signed by the old root keeps it trusted through the rotation.
    const { handlers } = createEngine({ dataDir: parts.paths.dir, env: { HOME: join(dir, 'home') }, interactive: true });
    await handlers['projects.add']({ name: 'web', port: 5173 });
    await handlers['certs.get']({ name: 'web' });

    await followRotation(parts.ca, trust).rotate([]);
    const next = await currentRoot();
    expect(next.fingerprint256).not.toBe(old.fingerprint256);
    expect([...nss.trusted].sort()).toEqual([old.fingerprint256, next.fingerprint256].sort());
    expect(java.trusted.size).toBe(0);
    expect((await trust.ledger.read()).trust.map((r) => r.fingerprint256).sort()).toEqual([old.fingerprint256, next.fingerprint256].sort());

    // Re-issued by the new root: the old one is no longer needed anywhere.
    expect((await handlers['certs.get']({ name: 'web' })).issued).toBe(true);
    await trust.retireUnusedRoots();
    expect([...nss.trusted]).toEqual([next.fingerprint256]);
    expect((await trust.ledger.read()).trust.map((r) => r.fingerprint256)).toEqual([next.fingerprint256]);
  });

  it('an old root that signed nothing is removed right away', async () => {
    const nss = createMemoryStore({ id: 'nss' });
    const trust = memoryService([nss]);
    await trust.install();
    const old = await currentRoot();
    await followRotation(parts.ca, trust).rotate([]);
    const next = await currentRoot();
    expect([...nss.trusted]).toEqual([next.fingerprint256]);
    expect(next.fingerprint256).not.toBe(old.fingerprint256);
  });
});

describe('intent: a dashboard request to an engine that is not root', () => {
  async function systemFixture() {
    const fsRoot = join(dir, 'root');
    const anchorDir = join(fsRoot, 'usr', 'local', 'share', 'ca-certificates');
    await mkdir(anchorDir, { recursive: true });
    // update-ca-certificates is scripted; install(1), rm(1), certutil and openssl are the real ones.
    const recording = new RecordingExec((argv) => (argv[0] === 'update-ca-certificates' ? { exitCode: 0 } : undefined), exec);
    const elevator = new RecordingElevator(recording.exec);
    const home = join(dir, 'home');
    await mkdir(home);
    return { fsRoot, anchorDir, recording, elevator, home };
  }

  it('refuses the store that needs privileges with the exact command, after trusting the others', async () => {
    const fx = await systemFixture();
    const trust = createTrustService({
      paths: parts.paths, ca: parts.ca, env: { HOME: fx.home, PORTICO_HOME: parts.paths.dir }, interactive: false, uid: 1000,
      platform: 'linux', fsRoot: fx.fsRoot, wsl: false, exec: fx.recording.exec, elevator: fx.elevator, home: fx.home,
    });
    const error = await trust.install(['nss', 'system']).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_TRUST_FAILED' });
    expect((error as Error).message).toContain(`Run this in a terminal instead: PORTICO_HOME=${parts.paths.dir} portico trust install --store system`);
    expect((error as Error).message).toContain('Trusted in Chrome/Chromium (NSS)');
    expect(fx.elevator.consents).toEqual([]);
    const root = await currentRoot();
    await expect(stat(join(fx.anchorDir, `portico-ca-${root.serial.toLowerCase()}.crt`))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await trust.ledger.read()).trust.map((r) => r.store)).toEqual(['nss']);
  });

  it('a terminal (interactive) gets one consent for the system store, and uninstall undoes it', async () => {
    const fx = await systemFixture();
    const trust = createTrustService({
      paths: parts.paths, ca: parts.ca, env: { HOME: fx.home }, interactive: true, uid: 1000,
      platform: 'linux', fsRoot: fx.fsRoot, wsl: false, exec: fx.recording.exec, elevator: fx.elevator, home: fx.home,
    });
    const [state] = await trust.install(['system']);
    const root = await currentRoot();
    const anchor = join(fx.anchorDir, `portico-ca-${root.serial.toLowerCase()}.crt`);
    expect(state).toMatchObject({ store: 'system', status: 'installed', locations: [anchor] });
    expect(await readFile(anchor, 'utf8')).toBe(`${root.certPem.trimEnd()}\n`);
    expect(fx.elevator.consents).toHaveLength(1);
    expect(fx.elevator.consents[0]?.commands.map((argv) => argv[0])).toEqual(['install', 'update-ca-certificates']);
    expect((await trust.ledger.read()).trust).toEqual([expect.objectContaining({ store: 'system', locations: [anchor] })]);

    await trust.install(['system']);
    expect(fx.elevator.consents).toHaveLength(1);

    expect(await trust.uninstall(['system'])).toEqual([expect.objectContaining({ store: 'system', status: 'not-installed' })]);
    await expect(stat(anchor)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await trust.ledger.read()).trust).toEqual([]);
  });

  it('an engine running as root needs no prompt and is not refused', async () => {
    const fx = await systemFixture();
    const trust = createTrustService({
      paths: parts.paths, ca: parts.ca, env: { HOME: fx.home }, interactive: false, uid: 0,
      platform: 'linux', fsRoot: fx.fsRoot, wsl: false, exec: fx.recording.exec, elevator: fx.elevator, home: fx.home,
    });
    expect(await trust.install(['system'])).toEqual([expect.objectContaining({ status: 'installed' })]);
  });
});

describe('WSL: one install also trusts the Windows user store', () => {
  it('runs certutil.exe through interop next to the Linux stores', async () => {
    const fsRoot = join(dir, 'root');
    await mkdir(join(fsRoot, 'usr', 'local', 'share', 'ca-certificates'), { recursive: true });
    const home = join(dir, 'home');
    await mkdir(home);
    const root = await currentRoot();
    const { sha1 } = thumbprints(root);
    let inWindows = false;
    const recording = new RecordingExec((argv) => {
      if (argv[0] === 'update-ca-certificates') return { exitCode: 0 };
      if (argv[0] === 'wslpath') return { stdout: `\\\\wsl.localhost\\Debian${(argv[2] ?? '').replace(/\//g, '\\')}\n` };
      if (argv[0] !== 'certutil.exe') return undefined;
      if (argv[2] === '-verifystore') return inWindows ? { stdout: `Cert Hash(sha1): ${sha1}\n` } : { exitCode: 1, stdout: 'CRYPT_E_NOT_FOUND' };
      if (argv[2] === '-addstore') inWindows = true;
      if (argv[2] === '-delstore') inWindows = false;
      return { exitCode: 0 };
    }, exec);
    const trust = createTrustService({
      paths: parts.paths, ca: parts.ca, env: { HOME: home, WSL_DISTRO_NAME: 'Debian' }, interactive: true, uid: 0,
      platform: 'linux', fsRoot, exec: recording.exec, elevator: new RecordingElevator(recording.exec), home,
    });
    const states = await trust.install();
    expect(states.map((s) => [s.store, s.status])).toEqual([
      ['system', 'installed'],
      ['nss', 'installed'],
      ['firefox', 'unavailable'],
      ['java', 'unavailable'],
      ['windows', 'installed'],
    ]);
    expect(recording.argvs).toContainEqual(['certutil.exe', '-user', '-addstore', 'Root', `\\\\wsl.localhost\\Debian${parts.paths.caCert.replace(/\//g, '\\')}`]);
    expect((await trust.ledger.read()).trust.map((r) => r.store).sort()).toEqual(['nss', 'system', 'windows']);

    // Uninstall removes it from Windows too, by thumbprint.
    await trust.uninstall(['windows']);
    expect(recording.argvs).toContainEqual(['certutil.exe', '-user', '-delstore', 'Root', sha1]);
  });
});
