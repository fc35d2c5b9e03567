import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exec } from '../../../main/engine/system/exec';
import { runCli, runCliJson } from '../../helpers/run-cli';
import { systemHome, type SystemHome } from '../../helpers/system-home';

interface State { store: string; label: string; status: string; verified?: boolean; detail: string; hint?: string; locations?: string[] }

const hasCertutil = await exec(['certutil', '-H']).then(() => true, () => false);

describe('portico trust and env', () => {
  let world: SystemHome;
  beforeEach(async () => {
    world = await systemHome();
  });
  afterEach(() => world.cleanup());

  it('trust status --json answers for every store of this machine without creating a CA', async () => {
    const states = await runCliJson<State[]>(['trust', 'status'], world.env);
    const ids = states.map((s) => s.store);
    expect(ids).toEqual(expect.arrayContaining(['system', 'nss', 'firefox', 'java']));
    for (const state of states) expect(['not-installed', 'unavailable']).toContain(state.status);
    await expect(readFile(join(world.data, 'ca', 'root.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects an unknown store id with the list of valid ones', async () => {
    const result = await runCli(['trust', 'install', '--store', 'keychain'], world.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('E_INVALID_INPUT');
    expect(result.stderr).toContain('system, nss, firefox, macos, windows, java');
  });

  it.skipIf(!hasCertutil)('trust install --store nss trusts the root in $HOME/.pki/nssdb of the given HOME, idempotently', async () => {
    const [installed] = await runCliJson<State[]>(['trust', 'install', '--store', 'nss'], world.env);
    expect(installed).toMatchObject({ store: 'nss', status: 'installed', verified: true, locations: [join(world.home, '.pki', 'nssdb')] });
    const listed = await exec(['certutil', '-L', '-d', world.nssdb]);
    expect(listed.stdout).toMatch(/^Portico CA [0-9A-F]+\s+C,,\s*$/m);

    const again = await runCli(['trust', 'install', '--store', 'nss'], world.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Chrome\/Chromium \(NSS\)\s+nss\s+trusted \(verified\)/);
    expect((await exec(['certutil', '-L', '-d', world.nssdb])).stdout.match(/Portico CA/g)).toHaveLength(1);

    const ledger = JSON.parse(await readFile(join(world.data, 'ledger.json'), 'utf8'));
    expect(ledger.trust).toEqual([expect.objectContaining({ store: 'nss', locations: [join(world.home, '.pki', 'nssdb')] })]);

    const [status] = await runCliJson<State[]>(['trust', 'status', '--store', 'nss'], world.env);
    expect(status).toMatchObject({ status: 'installed', verified: true });

    const [removed] = await runCliJson<State[]>(['trust', 'uninstall', '--store', 'nss'], world.env);
    expect(removed).toMatchObject({ store: 'nss', status: 'not-installed' });
    expect((await exec(['certutil', '-L', '-d', world.nssdb])).stdout).not.toContain('Portico CA');
    expect(JSON.parse(await readFile(join(world.data, 'ledger.json'), 'utf8')).trust).toEqual([]);
  });

  it('env prints a shell-evaluable NODE_EXTRA_CA_CERTS for the root, and JSON', async () => {
    const result = await runCli(['env'], world.env);
    expect(result.code, result.stderr).toBe(0);
    const root = join(world.data, 'ca', 'root.pem');
    expect(result.stdout.trim()).toBe(`export NODE_EXTRA_CA_CERTS='${root}'`);
    expect(await readFile(root, 'utf8')).toContain('BEGIN CERTIFICATE');

    // Evaluated by a real shell, the variable names the root.
    const evaluated = await exec(['sh', '-c', `${result.stdout.trim()}; printf %s "$NODE_EXTRA_CA_CERTS"`]);
    expect(evaluated.stdout).toBe(root);

    expect(await runCliJson<Record<string, string>>(['env'], world.env)).toEqual({ NODE_EXTRA_CA_CERTS: root });
    expect((await runCli(['env', '--shell', 'powershell'], world.env)).stdout.trim()).toBe(`$env:NODE_EXTRA_CA_CERTS = '${root}'`);
  });
});
