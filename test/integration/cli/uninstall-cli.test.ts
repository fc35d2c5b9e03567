import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../../main/engine/system/exec';
import { runCli } from '../../helpers/run-cli';
import { systemHome, type SystemHome } from '../../helpers/system-home';

const hasCertutil = await exec(['certutil', '-H']).then(() => true, () => false);

describe.skipIf(!hasCertutil)('portico uninstall', () => {
  let world: SystemHome;
  beforeEach(async () => {
    world = await systemHome();
  });
  afterEach(() => world.cleanup());

  it('reverts a recorded NSS install and hosts block, is idempotent, and --purge removes the data dir', async () => {
    expect((await runCli(['add', 'web', '--port', '5173', '--domain', 'web.test'], world.env)).code).toBe(0);
    expect((await runCli(['trust', 'install', '--store', 'nss'], world.env)).code).toBe(0);
    expect((await runCli(['hosts', 'apply'], world.env)).code).toBe(0);
    expect((await exec(['certutil', '-L', '-d', world.nssdb])).stdout).toContain('Portico CA');
    expect(await readFile(world.hostsFile, 'utf8')).not.toBe(world.hostsContent);

    const first = await runCli(['uninstall'], world.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^done {3}trust: Chrome\/Chromium \(NSS\)/m);
    expect(first.stdout).toMatch(new RegExp(`^done {3}hosts: ${world.hostsFile} — removed the Portico block`, 'm'));
    expect((await exec(['certutil', '-L', '-d', world.nssdb])).stdout).not.toContain('Portico CA');
    expect(await readFile(world.hostsFile, 'utf8')).toBe(world.hostsContent);
    expect(JSON.parse(await readFile(join(world.data, 'ledger.json'), 'utf8'))).toMatchObject({ trust: [], hosts: [], ports: [] });

    const again = await runCli(['uninstall', '--json'], world.env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ steps: [], purged: false });

    const purged = await runCli(['uninstall', '--purge'], world.env);
    expect(purged.code).toBe(0);
    expect(purged.stdout).toContain(`Deleted the data dir ${world.data}`);
    await expect(access(world.data)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
