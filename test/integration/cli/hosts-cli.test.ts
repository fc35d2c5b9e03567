import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../../helpers/run-cli';
import { systemHome, type SystemHome } from '../../helpers/system-home';

describe('portico hosts against PORTICO_HOSTS_FILE', () => {
  let world: SystemHome;
  beforeEach(async () => {
    world = await systemHome('# keep\r\n127.0.0.1\tlocalhost   \r\n\r\n10.1.2.3 nas.lan');
  });
  afterEach(() => world.cleanup());

  it('apply writes only the block, show reports it, remove restores the exact bytes', async () => {
    expect((await runCli(['add', 'web', '--port', '5173', '--domain', 'web.localhost', '--domain', 'web.test', '--domain', '*.web.test'], world.env)).code).toBe(0);
    expect((await runCli(['add', 'api', '--port', '3000'], world.env)).code).toBe(0);

    const applied = await runCli(['hosts', 'apply'], world.env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('maps web.test to 127.0.0.1 and ::1');
    expect(applied.stdout).toMatch(/not added: \*\.web\.test — a hosts file cannot hold wildcards/);
    const written = await readFile(world.hostsFile, 'utf8');
    expect(written.startsWith(world.hostsContent)).toBe(true);
    expect(written.slice(world.hostsContent.length)).toBe(
      '\r\n# BEGIN portico\r\n# Managed by Portico: do not edit, Portico rewrites or removes this block.\r\n127.0.0.1 web.test\r\n::1 web.test\r\n# END portico',
    );

    const shown = await runCliJson<{ path: string; names: string[]; wanted: string[]; skipped: { domain: string }[] }>(['hosts', 'show'], world.env);
    expect(shown).toMatchObject({ path: world.hostsFile, names: ['web.test'], wanted: ['web.test'] });
    expect(shown.skipped.map((s) => s.domain)).toEqual(['web.localhost', '*.web.test', 'api.localhost']);

    const withLocalhost = await runCliJson<{ names: string[] }>(['hosts', 'apply', '--localhost'], world.env);
    expect(withLocalhost.names).toEqual(['api.localhost', 'web.localhost', 'web.test']);

    const removed = await runCli(['hosts', 'remove'], world.env);
    expect(removed.code).toBe(0);
    expect(await readFile(world.hostsFile, 'utf8')).toBe(world.hostsContent);
    expect(JSON.parse(await readFile(`${world.data}/ledger.json`, 'utf8')).hosts).toEqual([]);
  });

  it('a usage mistake exits 2', async () => {
    expect((await runCli(['hosts', 'show', '--localhost'], world.env)).code).toBe(2);
    expect((await runCli(['hosts', 'flush'], world.env)).code).toBe(2);
  });
});
