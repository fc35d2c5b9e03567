import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedger, type Ledger } from '../../../main/engine/ledger';
import { portAdvice, probePort, SYSCTL_CONTENT } from '../../../main/engine/port-access';
import { applyPortFix, parseGetcap, undoPortChange } from '../../../main/engine/port-setup';
import { RecordingElevator } from '../../helpers/recording-elevator';
import { RecordingExec } from '../../helpers/recording-exec';

function listen(host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => resolve(server));
  });
}
const portOf = (server: Server) => (server.address() as { port: number }).port;
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('probePort', () => {
  it('a port held by this process is in use, with our pid and command (Linux /proc)', async () => {
    const server = await listen();
    try {
      const probe = await probePort(portOf(server), { hosts: ['127.0.0.1'] });
      expect(probe.state).toBe('in-use');
      if (process.platform === 'linux') {
        expect(probe.holder?.pid).toBe(process.pid);
        expect(probe.detail).toContain(`pid ${process.pid}`);
      }
    } finally {
      await close(server);
    }
  });

  it('a port nobody holds is free, and stays free after the probe', async () => {
    const server = await listen();
    const port = portOf(server);
    await close(server);
    expect(await probePort(port)).toMatchObject({ port, state: 'free' });
    const again = await listen();
    await close(again);
  });
});

describe('portAdvice', () => {
  const cases: { platform: NodeJS.Platform; applicable: boolean; methods: string[]; note: RegExp }[] = [
    { platform: 'linux', applicable: true, methods: ['sysctl', 'setcap'], note: /ip_unprivileged_port_start/ },
    { platform: 'darwin', applicable: false, methods: [], note: /only on the wildcard address.*still takes root/ },
    { platform: 'win32', applicable: false, methods: [], note: /no privileged ports/ },
  ];
  for (const c of cases) {
    it(c.platform, () => {
      const advice = portAdvice(c.platform, '/usr/bin/node');
      expect(advice.applicable).toBe(c.applicable);
      expect(advice.fixes.map((f) => f.method)).toEqual(c.methods);
      expect(advice.note).toMatch(c.note);
    });
  }
  it('the setcap line names the node binary and warns that it covers every script', () => {
    const setcap = portAdvice('linux', '/opt/node/bin/node').fixes.find((f) => f.method === 'setcap');
    expect(setcap?.shell).toEqual(['sudo setcap cap_net_bind_service=+ep /opt/node/bin/node']);
    expect(setcap?.warning).toMatch(/every script/);
  });
});

describe('parseGetcap', () => {
  const cases: [string, string, string][] = [
    ['libcap ≥ 2.41', '/usr/bin/node cap_net_bind_service=ep\n', 'cap_net_bind_service=ep'],
    ['older libcap', '/usr/bin/node = cap_net_raw+ep\n', 'cap_net_raw+ep'],
    ['no capabilities', '', ''],
  ];
  for (const [name, output, caps] of cases) it(name, () => expect(parseGetcap(output, '/usr/bin/node')).toBe(caps));
});

describe('applyPortFix (recorded, reverted)', () => {
  let dir: string;
  let ledger: Ledger;
  let procRoot: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-ports-'));
    ledger = createLedger(join(dir, 'ledger.json'));
    procRoot = join(dir, 'proc');
    await mkdir(join(procRoot, 'sys', 'net', 'ipv4'), { recursive: true });
    await writeFile(join(procRoot, 'sys', 'net', 'ipv4', 'ip_unprivileged_port_start'), '1024\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('sysctl: one consent installs the persisted file and sets the value; the ledger holds the exact undo', async () => {
    let staged = '';
    const recording = new RecordingExec(async (argv) => {
      if (argv[0] === 'install') staged = await readFile(argv[3] ?? '', 'utf8');
      return { exitCode: 0 };
    });
    const elevator = new RecordingElevator(recording.exec);
    const result = await applyPortFix('sysctl', { elevator, exec: recording.exec, ledger, platform: 'linux', procRoot });
    expect(result).toMatchObject({ method: 'sysctl', changed: true });
    expect(elevator.consents).toHaveLength(1);
    const [install, sysctl] = elevator.consents[0]?.commands ?? [];
    expect(install?.slice(0, 3)).toEqual(['install', '-m', '0644']);
    expect(install?.[4]).toBe('/etc/sysctl.d/50-portico.conf');
    expect(sysctl).toEqual(['sysctl', '-w', 'net.ipv4.ip_unprivileged_port_start=80']);
    expect(staged).toBe(SYSCTL_CONTENT);
    const [receipt] = (await ledger.read()).ports;
    expect(receipt?.undo).toEqual([['rm', '-f', '/etc/sysctl.d/50-portico.conf'], ['sysctl', '-w', 'net.ipv4.ip_unprivileged_port_start=1024']]);

    await undoPortChange(receipt!, { elevator, ledger });
    expect(elevator.consents[1]?.commands).toEqual(receipt?.undo);
    expect((await ledger.read()).ports).toEqual([]);
  });

  it('sysctl: nothing to do when low ports are already unprivileged', async () => {
    await writeFile(join(procRoot, 'sys', 'net', 'ipv4', 'ip_unprivileged_port_start'), '0\n');
    const recording = new RecordingExec();
    const elevator = new RecordingElevator(recording.exec);
    expect(await applyPortFix('sysctl', { elevator, exec: recording.exec, ledger, platform: 'linux', procRoot })).toMatchObject({ changed: false });
    expect(elevator.consents).toEqual([]);
    expect((await ledger.read()).ports).toEqual([]);
  });

  it('setcap: restores the capabilities the binary had, and a declined prompt records nothing', async () => {
    const node = '/opt/node/bin/node';
    const recording = new RecordingExec((argv) => (argv[0] === 'getcap' ? { stdout: `${node} cap_net_raw=ep\n` } : { exitCode: 0 }));
    const elevator = new RecordingElevator(recording.exec);
    await applyPortFix('setcap', { elevator, exec: recording.exec, ledger, platform: 'linux', node });
    expect(elevator.argvs).toEqual([['setcap', 'cap_net_bind_service=+ep', node]]);
    expect((await ledger.read()).ports[0]?.undo).toEqual([['setcap', 'cap_net_raw=ep', node]]);

    const declined = new RecordingExec((argv) => (argv[0] === 'getcap' ? { stdout: '' } : { exitCode: 1, stderr: 'Request dismissed' }));
    const fresh = createLedger(join(dir, 'other.json'));
    await expect(applyPortFix('setcap', { elevator: new RecordingElevator(declined.exec), exec: declined.exec, ledger: fresh, platform: 'linux', node })).rejects.toMatchObject({ code: 'E_EXEC_FAILED' });
    expect((await fresh.read()).ports).toEqual([]);
  });

  it('refuses on a platform without a one-time fix', async () => {
    const recording = new RecordingExec();
    await expect(applyPortFix('sysctl', { elevator: new RecordingElevator(recording.exec), exec: recording.exec, ledger, platform: 'darwin' })).rejects.toMatchObject({ code: 'E_INVALID_INPUT' });
  });
});
