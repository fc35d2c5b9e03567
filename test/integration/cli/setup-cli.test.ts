import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../../main/engine/system/exec';
import { runCli, runCliJson } from '../../helpers/run-cli';
import { systemHome, type SystemHome } from '../../helpers/system-home';

const hasCertutil = await exec(['certutil', '-H']).then(() => true, () => false);

describe('portico setup', () => {
  let world: SystemHome;
  beforeEach(async () => {
    world = await systemHome();
  });
  afterEach(() => world.cleanup());

  it.skipIf(!hasCertutil)('trusts the root and writes the hosts block in one command', async () => {
    expect((await runCli(['add', 'api', '--port', '3000', '--domain', 'api.test'], world.env)).code).toBe(0);
    const result = await runCliJson<{ trust: { store: string; status: string }[]; hosts: { names: string[] } }>(['setup', '--store', 'nss'], world.env);
    expect(result.trust).toEqual([expect.objectContaining({ store: 'nss', status: 'installed' })]);
    expect(result.hosts.names).toEqual(['api.test']);
    expect(await readFile(world.hostsFile, 'utf8')).toContain('127.0.0.1 api.test');
    const ledger = JSON.parse(await readFile(`${world.data}/ledger.json`, 'utf8'));
    expect([ledger.trust.length, ledger.hosts.length]).toEqual([1, 1]);
  });

  it('setup ports reports 443/80 and prints the platform fix without applying it', async () => {
    const report = await runCliJson<{ ports: { port: number; state: string }[]; advice: { applicable: boolean; fixes: { method: string; shell: string[] }[] } }>(['setup', 'ports'], world.env);
    expect(report.ports.map((p) => p.port)).toEqual([443, 80]);
    if (process.platform === 'linux') {
      expect(report.advice.fixes.map((f) => f.method)).toEqual(['sysctl', 'setcap']);
      expect(report.advice.fixes[1]?.shell[0]).toMatch(/^sudo setcap cap_net_bind_service=\+ep \//);
    }
    const text = await runCli(['setup', 'ports'], world.env);
    if (process.platform === 'linux') expect(text.stdout).toContain('sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80');
    expect((await runCli(['setup', 'ports', '--store', 'nss'], world.env)).code).toBe(2);
    expect((await readFile(`${world.data}/ledger.json`, 'utf8').catch(() => null)) ?? '').not.toContain('"method"');
  });
});
