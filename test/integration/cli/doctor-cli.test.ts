import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../../main/engine/system/exec';
import { runCli } from '../../helpers/run-cli';
import { systemHome, type SystemHome } from '../../helpers/system-home';

interface Check { id: string; title: string; status: 'ok' | 'warn' | 'fail' | 'skip'; detail: string; fix?: string }
interface Report { ok: boolean; checks: Check[] }

const hasCertutil = await exec(['certutil', '-H']).then(() => true, () => false);

async function doctor(env: NodeJS.ProcessEnv): Promise<{ code: number; report: Report }> {
  const result = await runCli(['doctor', '--json'], env);
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
}
const byId = (report: Report, id: string) => report.checks.find((c) => c.id === id);

/** A port held by another process (a child node), so doctor must name a pid that is not its own. */
async function holdPort(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, port: Number(chunk.toString().trim()) };
}

describe('portico doctor', () => {
  let world: SystemHome;
  beforeEach(async () => {
    world = await systemHome();
  });
  afterEach(() => world.cleanup());

  it('on a fresh home: broken (no CA), exit 1, and every check has the documented shape', async () => {
    const { code, report } = await doctor(world.env);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(byId(report, 'ca')).toMatchObject({ status: 'fail', fix: expect.stringContaining('portico trust install') });
    expect(byId(report, 'trust')).toMatchObject({ status: 'skip' });
    expect(byId(report, 'engine')).toMatchObject({ status: 'warn' });
    for (const c of report.checks) {
      expect(Object.keys(c).sort()).toEqual(expect.arrayContaining(['detail', 'id', 'status', 'title']));
      expect(['ok', 'warn', 'fail', 'skip']).toContain(c.status);
    }
    const human = await runCli(['doctor'], world.env);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^\[FAIL\] Local CA: there is no local CA yet/m);
    expect(human.stdout).toMatch(/^ {7}fix: .*portico trust install/m);
  });

  it.skipIf(!hasCertutil)('after `ca` and `trust install --store nss`: the CA and the browser store are ok', async () => {
    expect((await runCli(['ca'], world.env)).code).toBe(0);
    expect((await runCli(['trust', 'install', '--store', 'nss'], world.env)).code).toBe(0);
    const { report } = await doctor(world.env);
    expect(byId(report, 'ca')).toMatchObject({ status: 'ok' });
    expect(byId(report, 'trust.nss')).toMatchObject({ status: 'ok', detail: expect.stringContaining('verified') });
    expect(byId(report, 'node')).toMatchObject({ status: 'warn', fix: expect.stringContaining('portico env') });
  });

  it('names the pid holding a configured port, and a domain that does not resolve', async () => {
    const { child, port } = await holdPort();
    try {
      expect((await runCli(['add', 'web', '--port', '5173', '--domain', 'web.test'], world.env)).code).toBe(0);
      const configPath = join(world.data, 'config.json');
      const config = JSON.parse(await readFile(configPath, 'utf8'));
      config.proxy = { httpsPort: port, httpPort: null };
      await writeFile(configPath, JSON.stringify(config, null, 2));

      const { code, report } = await doctor(world.env);
      expect(code).toBe(1);
      const held = byId(report, `port.${port}`);
      expect(held?.status).toBe('fail');
      if (process.platform === 'linux') {
        expect(held?.detail).toContain(`pid ${child.pid}`);
        expect(held?.fix).toContain(`stop pid ${child.pid}`);
      }
      expect(byId(report, 'domain.web.test')).toMatchObject({ status: 'fail', fix: expect.stringContaining('portico hosts apply') });

      expect((await runCli(['hosts', 'apply'], world.env)).code).toBe(0);
      const after = await doctor(world.env);
      // In the block now; this machine's resolver does not read PORTICO_HOSTS_FILE, which doctor says.
      expect(byId(after.report, 'domain.web.test')).toMatchObject({ status: 'warn', fix: expect.stringContaining('PORTICO_HOSTS_FILE') });
      expect(byId(after.report, 'hosts')).toMatchObject({ status: 'ok' });
    } finally {
      child.kill();
    }
  });
});
