import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../../shared/config';
import { domainKind, planHosts, removeHostsBlock, showHosts, syncHosts } from '../../../main/engine/domains';
import { createLedger, type Ledger } from '../../../main/engine/ledger';
import { exec } from '../../../main/engine/system/exec';
import { RecordingElevator } from '../../helpers/recording-elevator';

function project(name: string, domains: string[], extra: Partial<Project> = {}): Project {
  return { name, upstream: 'http://localhost:5173', domains, enabled: true, https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', createdAt: 't', updatedAt: 't', ...extra };
}

describe('domainKind', () => {
  const cases: [string, ReturnType<typeof domainKind>][] = [
    ['web.localhost', 'localhost'],
    ['a.b.localhost', 'localhost'],
    ['localhost', 'localhost'],
    ['web.test', 'hosts'],
    ['api.dev.internal', 'hosts'],
    ['*.web.test', 'wildcard'],
    ['*.web.localhost', 'wildcard'],
  ];
  for (const [domain, kind] of cases) it(`${domain} → ${kind}`, () => expect(domainKind(domain)).toBe(kind));
});

describe('planHosts', () => {
  const cases: { name: string; projects: Project[]; includeLocalhost: boolean; names: string[]; skipped: string[] }[] = [
    { name: 'only .localhost: nothing to write', projects: [project('web', ['web.localhost'])], includeLocalhost: false, names: [], skipped: ['web.localhost'] },
    { name: '.localhost on request', projects: [project('web', ['web.localhost'])], includeLocalhost: true, names: ['web.localhost'], skipped: [] },
    { name: 'other names, sorted and unique', projects: [project('b', ['z.test', 'b.test']), project('a', ['a.test'])], includeLocalhost: false, names: ['a.test', 'b.test', 'z.test'], skipped: [] },
    { name: 'wildcards never', projects: [project('w', ['w.test', '*.w.test', '*.w.localhost'])], includeLocalhost: true, names: ['w.test'], skipped: ['*.w.test', '*.w.localhost'] },
    { name: 'disabled projects get nothing', projects: [project('off', ['off.test'], { enabled: false })], includeLocalhost: true, names: [], skipped: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planHosts({ projects: c.projects }, { includeLocalhost: c.includeLocalhost });
      expect(plan.names).toEqual(c.names);
      expect(plan.skipped.map((s) => s.domain)).toEqual(c.skipped);
    });
  }
});

describe('syncHosts against PORTICO_HOSTS_FILE', () => {
  let dir: string;
  let hostsPath: string;
  let ledger: Ledger;
  let elevator: RecordingElevator;
  const original = '# my hosts\r\n127.0.0.1\tlocalhost\r\n10.0.0.5 nas.lan   # keep my spacing\r\n';
  const options = () => ({ env: { PORTICO_HOSTS_FILE: hostsPath }, platform: 'linux' as const, elevator, ledger, backupDir: join(dir, 'data', 'hosts') });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-domains-'));
    hostsPath = join(dir, 'hosts');
    await writeFile(hostsPath, original);
    ledger = createLedger(join(dir, 'data', 'ledger.json'));
    elevator = new RecordingElevator(exec);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes the needed names, records them, keeps every other byte, and removes cleanly', async () => {
    const config = { projects: [project('web', ['web.localhost', 'web.test']), project('api', ['api.test'])] };
    const result = await syncHosts(config, options());
    expect(result).toMatchObject({ path: hostsPath, names: ['api.test', 'web.test'], changed: true, includeLocalhost: false });
    const written = await readFile(hostsPath, 'utf8');
    expect(written.startsWith(original)).toBe(true);
    expect(written.slice(original.length)).toBe(
      ['# BEGIN portico', '# Managed by Portico: do not edit, Portico rewrites or removes this block.', '127.0.0.1 api.test', '::1 api.test', '127.0.0.1 web.test', '::1 web.test', '# END portico', ''].join('\r\n'),
    );
    expect((await ledger.read()).hosts).toEqual([expect.objectContaining({ path: hostsPath, names: ['api.test', 'web.test'], includeLocalhost: false })]);
    expect(await showHosts(options())).toEqual({ path: hostsPath, names: ['api.test', 'web.test'], includeLocalhost: false, recorded: true });

    // Unchanged config: nothing written, no prompt.
    expect((await syncHosts(config, options())).changed).toBe(false);

    expect(await removeHostsBlock(options())).toEqual({ path: hostsPath, changed: true });
    expect(await readFile(hostsPath, 'utf8')).toBe(original);
    expect((await ledger.read()).hosts).toEqual([]);
    expect(elevator.consents).toEqual([]);
  });

  it('remembers --localhost for later syncs until turned off', async () => {
    const config = { projects: [project('web', ['web.localhost'])] };
    expect((await syncHosts(config, { ...options(), includeLocalhost: true })).names).toEqual(['web.localhost']);
    expect((await syncHosts(config, options())).names).toEqual(['web.localhost']);
    const off = await syncHosts(config, { ...options(), includeLocalhost: false });
    expect(off.names).toEqual([]);
    expect(await readFile(hostsPath, 'utf8')).toBe(original);
    expect((await ledger.read()).hosts).toEqual([]);
  });

  it('fails closed on a damaged block and leaves the ledger as it was', async () => {
    await writeFile(hostsPath, `${original}# BEGIN portico\n127.0.0.1 x.test\n`);
    await expect(syncHosts({ projects: [project('web', ['web.test'])] }, options())).rejects.toMatchObject({ code: 'E_HOSTS_CORRUPT' });
    expect((await ledger.read()).hosts).toEqual([]);
  });
});
