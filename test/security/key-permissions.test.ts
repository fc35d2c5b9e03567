/**
 * Key files stay 0600 (security-requirements.md CA-6): the start-up check finds a loosened CA
 * key, previous-root key or project key, puts the mode back and says so.
 */
import { chmod, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secureKeyFiles } from '../../main/engine/pki/key-permissions';
import { dataPaths, type DataPaths } from '../../main/engine/system/data-dir';
import { tempHome } from '../helpers/portico-home';
import { runCli } from '../helpers/run-cli';
import { startServe } from '../helpers/serve-process';

let home: Awaited<ReturnType<typeof tempHome>>;
let paths: DataPaths;

beforeEach(async () => {
  home = await tempHome('portico-keyperm-');
  paths = dataPaths(home.dir);
});
afterEach(async () => {
  await home.cleanup();
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

/** A data dir laid out as Portico writes it: CA, one previous root, two projects. */
async function layout(): Promise<{ keys: string[]; dirs: string[]; certs: string[] }> {
  const previous = join(paths.caDir, 'previous', '5a17');
  await mkdir(previous, { recursive: true, mode: 0o700 });
  for (const project of ['web', 'api']) await mkdir(paths.certDir(project), { recursive: true, mode: 0o700 });
  const keys = [paths.caKey, join(previous, 'root-key.pem'), paths.key('web'), paths.key('api')];
  const certs = [paths.caCert, join(previous, 'root.pem'), paths.cert('web'), paths.cert('api')];
  for (const key of keys) await writeFile(key, 'not really a key', { mode: 0o600 });
  for (const cert of certs) await writeFile(cert, 'a certificate', { mode: 0o644 });
  return { keys, certs, dirs: [paths.caDir, previous, paths.certDir('web'), paths.certDir('api')] };
}

describe.skipIf(process.platform === 'win32')('secureKeyFiles', () => {
  it('says nothing and changes nothing when every mode is already right', async () => {
    const { keys, certs } = await layout();
    await chmod(paths.caDir, 0o700);
    expect(await secureKeyFiles(paths)).toEqual([]);
    for (const key of keys) expect(await modeOf(key)).toBe(0o600);
    for (const cert of certs) expect(await modeOf(cert)).toBe(0o644);
  });

  it('has nothing to check in an empty data dir (no CA yet)', async () => {
    expect(await secureKeyFiles(paths)).toEqual([]);
  });

  const loosened: Array<[string, (keys: string[]) => string, number]> = [
    ['the CA key, world-readable', (keys) => keys[0]!, 0o644],
    ['the CA key, group-readable', (keys) => keys[0]!, 0o640],
    ['a previous root’s key', (keys) => keys[1]!, 0o664],
    ['a project key', (keys) => keys[2]!, 0o666],
  ];
  it.each(loosened)('%s: set back to 0600 with a warning naming the file and the old mode', async (_name, pick, mode) => {
    const { keys } = await layout();
    const key = pick(keys);
    await chmod(key, mode);
    const warnings = await secureKeyFiles(paths);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(key);
    expect(warnings[0]).toContain(`0${mode.toString(8)}`);
    expect(await modeOf(key)).toBe(0o600);
    expect(await secureKeyFiles(paths)).toEqual([]);
  });

  it('tightens the key directories to 0700 and leaves certificates readable', async () => {
    const { dirs, certs } = await layout();
    for (const dir of dirs) await chmod(dir, 0o755);
    const warnings = await secureKeyFiles(paths);
    expect(warnings).toHaveLength(dirs.length);
    for (const dir of dirs) expect(await modeOf(dir)).toBe(0o700);
    for (const cert of certs) expect(await modeOf(cert)).toBe(0o644);
  });

  it('accepts a stricter mode (0400) as it is', async () => {
    const { keys } = await layout();
    await chmod(keys[0]!, 0o400);
    expect(await secureKeyFiles(paths)).toEqual([]);
    expect(await modeOf(keys[0]!)).toBe(0o400);
  });

  it('never follows a symlinked key to change another file', async () => {
    await layout();
    const elsewhere = join(home.dir, 'someone-elses-file');
    await writeFile(elsewhere, 'x', { mode: 0o644 });
    await mkdir(paths.certDir('linked'), { mode: 0o700 });
    await symlink(elsewhere, paths.key('linked'));
    const warnings = await secureKeyFiles(paths);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('symbolic link');
    expect(await modeOf(elsewhere)).toBe(0o644);
  });

  it('does nothing on Windows, where chmod cannot take read access away', async () => {
    const { keys } = await layout();
    await chmod(keys[0]!, 0o644);
    expect(await secureKeyFiles(paths, { platform: 'win32' })).toEqual([]);
    expect(await modeOf(keys[0]!)).toBe(0o644);
  });
});

describe.skipIf(process.platform === 'win32')('the engine checks key permissions when it starts', () => {
  it('a CA key loosened to 0644 while Portico was stopped is back to 0600 after `portico serve` starts, with a warning', async () => {
    const env = { PORTICO_HOME: home.dir, HOME: home.dir };
    const created = await runCli(['ca', '--json'], env);
    expect(created.code).toBe(0);
    await chmod(paths.caKey, 0o644);
    const serve = await startServe(env);
    try {
      expect(await modeOf(paths.caKey)).toBe(0o600);
      expect(serve.stderr()).toContain(paths.caKey);
    } finally {
      await serve.stop();
    }
  });
});
