import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngineParts, type EngineParts } from '../../../main/engine';
import { syncHosts } from '../../../main/engine/domains';
import { isLedgerEmpty, withPort, withTrust } from '../../../main/engine/ledger';
import { createTrustService } from '../../../main/engine/trust';
import { createMemoryStore } from '../../../main/engine/truststore';
import { revertLedger } from '../../../main/engine/uninstall';
import { RecordingElevator } from '../../helpers/recording-elevator';
import { RecordingExec } from '../../helpers/recording-exec';

let dir: string;
let parts: EngineParts;
let hostsPath: string;
const original = '127.0.0.1 localhost\n# mine\n';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-uninstall-'));
  parts = createEngineParts({ dataDir: join(dir, 'data') });
  hostsPath = join(dir, 'hosts');
  await writeFile(hostsPath, original);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const project = { name: 'web', upstream: 'http://localhost:5173', domains: ['web.test'], enabled: true, https: true, hsts: 'dev' as const, secureCookies: true, hostHeader: 'preserve' as const, createdAt: 't', updatedAt: 't' };

describe('revertLedger', () => {
  it('reverts trust, the hosts block and the port change; a second run has nothing to do', async () => {
    const nss = createMemoryStore({ id: 'nss', label: 'NSS' });
    const trust = createTrustService({ paths: parts.paths, ca: parts.ca, env: {}, interactive: true, uid: 0, platform: 'linux', stores: async () => [nss] });
    await trust.install();
    const elevator = new RecordingElevator(new RecordingExec().exec);
    await syncHosts({ projects: [project] }, { env: { PORTICO_HOSTS_FILE: hostsPath }, platform: 'linux', elevator, ledger: trust.ledger, backupDir: parts.paths.hostsDir });
    await trust.ledger.update((doc) => withPort(doc, { method: 'sysctl', description: 'ports from 80', undo: [['rm', '-f', '/etc/sysctl.d/50-portico.conf']], at: 't' }));

    const result = await revertLedger({ trust, elevator, backupDir: parts.paths.hostsDir, platform: 'linux' });
    expect(result.steps.map((s) => [s.kind, s.ok])).toEqual([['trust', true], ['hosts', true], ['ports', true]]);
    expect(nss.trusted.size).toBe(0);
    expect(await readFile(hostsPath, 'utf8')).toBe(original);
    expect(elevator.argvs).toEqual([['rm', '-f', '/etc/sysctl.d/50-portico.conf']]);
    expect(isLedgerEmpty(result.remaining)).toBe(true);

    expect((await revertLedger({ trust, elevator, backupDir: parts.paths.hostsDir })).steps).toEqual([]);
  });

  it('keeps what it could not revert, and finishes it on the next run', async () => {
    const nss = createMemoryStore({ id: 'nss' });
    const trust = createTrustService({ paths: parts.paths, ca: parts.ca, env: {}, interactive: true, uid: 0, platform: 'linux', stores: async () => [nss] });
    await trust.install();
    const [receipt] = (await trust.ledger.read()).trust;
    // Recorded on a store this machine does not offer right now (e.g. WSL interop turned off).
    await trust.ledger.update((doc) => withTrust(doc, { ...receipt!, store: 'windows' }));
    await trust.ledger.update((doc) => withPort(doc, { method: 'setcap', description: 'cap on node', undo: [['setcap', '-r', '/usr/bin/node']], at: 't' }));
    const refusing = new RecordingElevator(new RecordingExec(() => ({ exitCode: 1, stderr: 'Request dismissed' })).exec);

    const first = await revertLedger({ trust, elevator: refusing, backupDir: parts.paths.hostsDir });
    expect(first.steps.filter((s) => !s.ok).map((s) => s.kind).sort()).toEqual(['ports', 'trust']);
    expect(first.remaining.trust.map((r) => r.store)).toEqual(['windows']);
    expect(first.remaining.ports.map((r) => r.method)).toEqual(['setcap']);
    expect(nss.trusted.size).toBe(0);

    const second = await revertLedger({ trust, elevator: new RecordingElevator(new RecordingExec().exec), backupDir: parts.paths.hostsDir });
    expect(second.remaining.ports).toEqual([]);
    expect(second.remaining.trust.map((r) => r.store)).toEqual(['windows']);
  });
});
