import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../../shared/config';
import { createEngineParts, type EngineParts } from '../../../main/engine';
import { hostsBlockNames } from '../../../main/engine/hosts/hosts';
import type { HostsFs } from '../../../main/engine/hosts/write';
import { withPort } from '../../../main/engine/ledger';
import { setUpMachine } from '../../../main/engine/setup';
import { createElevator, type ElevationMethod } from '../../../main/engine/system/elevate';
import { exec } from '../../../main/engine/system/exec';
import { createTrustService } from '../../../main/engine/trust';
import { createLinuxSystemStore, LINUX_LAYOUTS } from '../../../main/engine/truststore/linux';
import { createMemoryStore, rootCertFromPem } from '../../../main/engine/truststore';
import { revertLedger } from '../../../main/engine/uninstall';
import { RecordingExec } from '../../helpers/recording-exec';

/**
 * Issue 4, "one consent per user action (trust + hosts lines together)": `portico setup` and
 * `portico uninstall` as a normal user on a desktop, where pkexec (Linux) or osascript (macOS)
 * would prompt once per process they start. Those prompts cannot appear here, so the stand-in
 * for each records the process and then really runs the shell script it was given (the tests run
 * as root, which is what the prompt would grant): the system store's anchor lands in a temporary
 * root, the hosts block in a temporary hosts file Portico may not write without the elevator.
 */
let dir: string;
let parts: EngineParts;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-one-consent-'));
  parts = createEngineParts({ dataDir: join(dir, 'data') });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const debian = LINUX_LAYOUTS.find((layout) => layout.family === 'debian');
const project = (name: string, domains: string[]): Project => ({ name, upstream: 'http://localhost:5173', domains, enabled: true, https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', createdAt: 't', updatedAt: 't' });
/** The hosts file is "not ours": opening it or a sibling for writing is refused, as for a normal user and /etc/hosts. */
const notOurs: Partial<HostsFs> = { open: (() => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' }))) as unknown as HostsFs['open'] };

/** Where the elevated process's script sits in its argv, per method (elevate.ts `elevatedArgv`). */
const SCRIPT_AT: Partial<Record<ElevationMethod, number>> = { pkexec: 3, osascript: 7 };

async function machine(method: 'pkexec' | 'osascript') {
  const fsRoot = join(dir, 'root');
  const anchorDir = join(fsRoot, 'usr', 'local', 'share', 'ca-certificates');
  await mkdir(anchorDir, { recursive: true });
  const hostsPath = join(dir, 'etc-hosts');
  const original = '127.0.0.1 localhost\n::1 localhost\n';
  await writeFile(hostsPath, original);

  const prompts = new RecordingExec(async (argv) => {
    if (argv[0] !== method) return undefined;
    const script = argv[SCRIPT_AT[method] ?? -1];
    if (argv[0] === 'pkexec' && argv.length === 2) return exec(argv.slice(1)); // a single command needs no shell
    if (script === undefined) throw new Error(`no script in ${argv.join(' ')}`);
    return exec(['/bin/sh', '-c', script]);
  });
  const elevator = createElevator({ platform: method === 'pkexec' ? 'linux' : 'darwin', exec: prompts.exec, uid: 1000, linuxMethod: 'pkexec' });
  const nss = createMemoryStore({ id: 'nss', label: 'NSS' });
  const trust = createTrustService({
    paths: parts.paths, ca: parts.ca, env: {}, interactive: true, platform: 'linux', uid: 1000, elevator, exec,
    // The real Linux store; its refresh command is `true`, since the real update-ca-certificates would rebuild this machine's bundle.
    stores: async (deps) => [createLinuxSystemStore({ ...deps, fsRoot }, { ...(debian && { layout: debian }), refreshCommand: ['true'] }), nss],
  });
  const hosts = { env: { PORTICO_HOSTS_FILE: hostsPath }, platform: 'linux' as const, elevator, ledger: trust.ledger, backupDir: parts.paths.hostsDir, fs: notOurs };
  return { prompts, trust, hosts, hostsPath, original, anchorDir, nss };
}

describe('one consent per user action', () => {
  it.each(['pkexec', 'osascript'] as const)('%s: setup trusts the root and writes the hosts block under one prompt; uninstall reverts both under one more', async (method) => {
    const m = await machine(method);
    const config = { projects: [project('web', ['web.localhost']), project('api', ['api.test'])] };

    const setup = await setUpMachine({ trust: m.trust, config, hosts: m.hosts });

    expect(m.prompts.argvs.map((argv) => argv[0])).toEqual([method]);
    if (method === 'osascript') expect(m.prompts.argvs[0]?.at(-1)).toBe('Portico needs to trust the Portico CA system-wide and update the hosts file.');
    expect(setup.trust.map((s) => [s.store, s.status])).toEqual([['system', 'installed'], ['nss', 'installed']]);
    const root = rootCertFromPem(await readFile(parts.paths.caCert, 'utf8'), parts.paths.caCert);
    const anchor = join(m.anchorDir, `portico-ca-${root.serial.toLowerCase()}.crt`);
    expect(await readFile(anchor, 'utf8')).toBe(`${root.certPem.trimEnd()}\n`);
    expect(setup.hosts).toMatchObject({ path: m.hostsPath, names: ['api.test'], changed: true });
    expect(await hostsBlockNames(m.hostsPath)).toEqual(['api.test']);
    const ledger = await m.trust.ledger.read();
    expect(ledger.trust.map((r) => r.store)).toEqual(['system', 'nss']);
    expect(ledger.hosts.map((r) => r.path)).toEqual([m.hostsPath]);

    // Setting up again changes nothing and asks nothing.
    await setUpMachine({ trust: m.trust, config, hosts: m.hosts });
    expect(m.prompts.argvs).toHaveLength(1);

    // A port change recorded earlier is undone in the same prompt as the rest (TS-8 order: trust, hosts, ports).
    const marker = join(dir, 'port-change');
    await writeFile(marker, 'sysctl');
    await m.trust.ledger.update((doc) => withPort(doc, { method: 'sysctl', description: 'a test port change', undo: [['rm', '-f', marker]], at: 't' }));

    const reverted = await revertLedger({ trust: m.trust, elevator: m.hosts.elevator, backupDir: parts.paths.hostsDir, platform: 'linux', hostsFs: notOurs });
    expect(reverted.steps.map((step) => [step.kind, step.ok])).toEqual([['trust', true], ['trust', true], ['hosts', true], ['ports', true]]);
    expect(m.prompts.argvs.map((argv) => argv[0])).toEqual([method, method]);
    const script = m.prompts.argvs[1]?.[SCRIPT_AT[method] ?? -1] ?? '';
    expect(script.indexOf('ca-certificates')).toBeLessThan(script.indexOf('etc-hosts'));
    expect(script.indexOf('etc-hosts')).toBeLessThan(script.indexOf('port-change'));
    await expect(stat(anchor)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(marker)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(m.hostsPath, 'utf8')).toBe(m.original);
    expect(reverted.remaining).toEqual({ version: expect.any(Number), trust: [], hosts: [], ports: [] });
  });

  it('a declined prompt changes nothing and records nothing, for trust and hosts alike', async () => {
    const m = await machine('pkexec');
    const declined = new RecordingExec(() => ({ exitCode: 126, stderr: 'Error executing command as another user: Not authorized' }));
    const elevator = createElevator({ platform: 'linux', exec: declined.exec, uid: 1000, linuxMethod: 'pkexec' });
    const fsRoot = join(dir, 'root');
    const trust = createTrustService({
      paths: parts.paths, ca: parts.ca, env: {}, interactive: true, platform: 'linux', uid: 1000, elevator, exec,
      stores: async (deps) => [createLinuxSystemStore({ ...deps, fsRoot }, { ...(debian && { layout: debian }), refreshCommand: ['true'] })],
    });
    const config = { projects: [project('api', ['api.test'])] };

    const outcome = await setUpMachine({ trust, config, hosts: { ...m.hosts, elevator, ledger: trust.ledger } }).catch((error: unknown) => error);

    expect(declined.argvs.map((argv) => argv[0])).toEqual(['pkexec']);
    expect(outcome).toMatchObject({ code: 'E_WRITE_FAILED' });
    expect(await readFile(m.hostsPath, 'utf8')).toBe(m.original);
    const ledger = await trust.ledger.read();
    expect(ledger.trust).toEqual([]);
    expect(ledger.hosts).toEqual([]);
  });
});
