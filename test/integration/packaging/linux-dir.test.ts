/**
 * The desktop package, built for real where the Electron runtime cannot be downloaded (issue 6):
 * electron-builder 26 packs `--linux dir` around a stand-in Electron given as `electronDist`
 * (platform-facts.md), with the project's own config, into a temp dir. What is checked is what
 * electron-builder made of our config: the file set inside `resources/app.asar`, that every
 * bundle there loads nothing from outside it, the run-time icons, and the fuse states written
 * into the binary. The stand-in carries a fuse wire in Electron's format (sentinel, version,
 * length, one byte per fuse, @electron/fuses) so the flip can be read back; whether a real
 * Electron binary honours those fuses cannot be checked without one. AppImage, deb, dmg, NSIS and
 * signing are not built here.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const projectRequire = createRequire(join(ROOT, 'package.json'));

interface Asar {
  listPackage(archive: string, options?: { isPack: boolean }): string[];
  extractFile(archive: string, filename: string): Buffer;
  statFile(archive: string, filename: string): { files?: unknown; size?: number };
}
interface Fuses {
  getCurrentFuseWire(path: string): Promise<Record<string, number | string>>;
}

/** electron-builder's own dependencies, resolved from where it loads them. */
function builderDependency<T>(name: string): T | null {
  try {
    return createRequire(projectRequire.resolve('app-builder-lib/package.json'))(name) as T;
  } catch {
    return null;
  }
}

const asar = builderDependency<Asar>('@electron/asar');
const fuses = builderDependency<Fuses>('@electron/fuses');
const skipReason = asar === null || fuses === null ? 'electron-builder (app-builder-lib with @electron/asar and @electron/fuses) is not installed' : null;
if (skipReason !== null) console.log(`Skipping the packaging check: ${skipReason}`);

/** Fuse order of wire version 1 (@electron/fuses FuseV1Options) and Electron's defaults for each ('1' on, '0' off). */
const FUSES = ['runAsNode', 'enableCookieEncryption', 'enableNodeOptionsEnvironmentVariable', 'enableNodeCliInspectArguments', 'enableEmbeddedAsarIntegrityValidation', 'onlyLoadAppFromAsar', 'loadBrowserProcessSpecificV8Snapshot', 'grantFileProtocolExtraPrivileges'] as const;
const ELECTRON_DEFAULT_WIRE = '10110001';
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = 0x31;
const OFF = 0x30;

/** A stand-in `electron`: a script that refuses to run, holding a version-1 fuse wire with Electron's defaults. */
async function makeStubElectron(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const body = Buffer.concat([
    Buffer.from(`#!/bin/sh\n# stand-in for the Electron binary (packaging test); fuse wire: ${FUSE_SENTINEL}`),
    Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]),
    Buffer.from(`${ELECTRON_DEFAULT_WIRE}\necho "not a real Electron" >&2\nexit 1\n`),
  ]);
  await writeFile(join(dir, 'electron'), body);
  await chmod(join(dir, 'electron'), 0o755);
}

/**
 * The environment electron-builder runs in: its own cache dir (the user's is neither read nor
 * filled), and without VITEST, which makes builder-util drop every log line but errors
 * (builder-util/out/log.js `shouldDisableNonErrorLoggingVitest`) — the log is what shows no
 * download was attempted.
 */
function builderEnv(cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_BUILDER_CACHE: cache };
  delete env.VITEST;
  return env;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

describe.skipIf(skipReason !== null)('electron-builder --linux dir with a stand-in Electron', () => {
  let temp: string;
  let unpacked: string;
  let archive: string;
  let log = '';
  const config = projectRequire('./electron-builder.config.cjs') as { electronFuses: Record<string, boolean>; extraResources: { from: string; to: string }[] };

  beforeAll(async () => {
    const built = await stat(join(ROOT, 'dist', 'shell', 'main.cjs')).catch(() => null);
    if (built === null) throw new Error('dist/shell/ is not built: run `npm run build` first.');
    temp = await mkdtemp(join(tmpdir(), 'portico-packaging-'));
    await makeStubElectron(join(temp, 'electron-dist'));
    const output = join(temp, 'out');
    try {
      const result = await promisify(execFile)(
        process.execPath,
        [
          projectRequire.resolve('electron-builder/cli.js'),
          '--config', 'electron-builder.config.cjs',
          '--linux', 'dir',
          '--publish', 'never',
          `--config.electronDist=${join(temp, 'electron-dist')}`,
          `--config.directories.output=${output}`,
        ],
        { cwd: ROOT, env: builderEnv(join(temp, 'cache')), timeout: 50_000, maxBuffer: 16 * 1024 * 1024 },
      );
      log = `${result.stdout}${result.stderr}`;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`electron-builder failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
    }
    unpacked = join(output, 'linux-unpacked');
    archive = join(unpacked, 'resources', 'app.asar');
  }, 60_000);

  afterAll(async () => {
    if (temp !== undefined) await rm(temp, { recursive: true, force: true });
  });

  it('used the local Electron instead of downloading one', () => {
    expect(log).toMatch(/using custom unpacked Electron distribution/);
    expect(log).not.toMatch(/downloading/i);
  });

  it('packs exactly the built shell, the built dashboard and package.json', async () => {
    const packed = asar!
      .listPackage(archive)
      .map((path) => path.replace(/^[\\/]/, '').split('\\').join('/'))
      .filter((path) => asar!.statFile(archive, path).files === undefined)
      .sort();
    const dashboard = (await filesUnder(join(ROOT, 'dist', 'renderer'))).map((path) => `dist/renderer/${path}`);
    expect(packed).toEqual(['dist/shell/engine.cjs', 'dist/shell/main.cjs', 'dist/shell/preload.cjs', ...dashboard, 'package.json'].sort());
    expect(packed).toContain('dist/renderer/index.html');
    // Said outright, whatever the build makes next: no sources, tests, maps, CLI bundle or node_modules.
    for (const path of packed) {
      expect(path).not.toMatch(/^(main|shared|renderer|test|scripts|bin|bench|build)\//);
      expect(path).not.toMatch(/\.(ts|tsx|map)$/);
      expect(path).not.toMatch(/(^|\/)node_modules\//);
      expect(path).not.toBe('dist/portico.mjs');
    }
  });

  it('packs the current build, starts the shell bundle, and every bundle loads only Node built-ins and electron', async () => {
    for (const bundle of ['main', 'preload', 'engine']) {
      const path = `dist/shell/${bundle}.cjs`;
      const inside = asar!.extractFile(archive, path);
      expect(inside.equals(await readFile(join(ROOT, path))), `${path} is the one in dist/`).toBe(true);
      const required = [...inside.toString('utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]!);
      expect(required.filter((name) => name !== 'electron' && !isBuiltin(name)), `${path} requires only what the package has`).toEqual([]);
    }
    const pkg = JSON.parse(asar!.extractFile(archive, 'package.json').toString('utf8')) as { main: string; name: string };
    expect(pkg).toMatchObject({ name: 'portico', main: 'dist/shell/main.cjs' });
    const html = asar!.extractFile(archive, 'dist/renderer/index.html').toString('utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((match) => `dist/renderer/${match[1]!}`);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(() => asar!.extractFile(archive, asset), asset).not.toThrow();
  });

  it('puts the run-time icons beside the asar', async () => {
    const [icons] = config.extraResources;
    const wanted = (await readdir(join(ROOT, icons!.from))).filter((name) => name.endsWith('.png')).sort();
    expect((await readdir(join(unpacked, 'resources', icons!.to))).sort()).toEqual(wanted);
  });

  it('writes the configured fuse states into the binary it ships (the stand-in here)', async () => {
    const wire = await fuses!.getCurrentFuseWire(join(unpacked, 'portico'));
    expect(wire.version).toBe('1');
    FUSES.forEach((name, index) => {
      const configured = config.electronFuses[name];
      const expected = configured === undefined ? ELECTRON_DEFAULT_WIRE.charCodeAt(index) : configured ? ON : OFF;
      expect(wire[index], name).toBe(expected);
    });
  });
});
