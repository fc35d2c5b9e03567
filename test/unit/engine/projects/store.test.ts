import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultConfig, type Config } from '../../../../shared/config';
import { isPorticoError } from '../../../../main/engine/errors';
import { migrate, type MigrationTable } from '../../../../main/engine/projects/migrations';
import { addProject } from '../../../../main/engine/projects/registry';
import { createConfigStore } from '../../../../main/engine/projects/store';
import { dataPaths, type DataPaths } from '../../../../main/engine/system/data-dir';

const NOW = new Date('2025-06-01T12:00:00.000Z');
let home: string;
let paths: DataPaths;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'portico-store-'));
  paths = dataPaths(join(home, 'data'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  return promise.then(
    () => ({ code: 'no error', message: '' }),
    (error: unknown) => (isPorticoError(error) ? { code: error.code, message: error.message } : { code: `not a PorticoError: ${String(error)}`, message: '' }),
  );
}

describe('read', () => {
  it('gives the defaults when the file is missing and writes nothing', async () => {
    await expect(createConfigStore(paths).read()).resolves.toEqual(defaultConfig());
    await expect(stat(paths.dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fills in defaults missing from the file', async () => {
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.config, '{"version":1,"projects":[]}');
    await expect(createConfigStore(paths).read()).resolves.toEqual(defaultConfig());
  });

  it('accepts a file that starts with a byte-order mark', async () => {
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.config, '\uFEFF{"version":1}');
    await expect(createConfigStore(paths).read()).resolves.toEqual(defaultConfig());
  });
});

describe('a config file Portico cannot use is refused and left exactly as it was', () => {
  const cases: { name: string; content: string; code: string; mentions: string[] }[] = [
    { name: 'not JSON', content: '{"version": 1, "projects": [', code: 'E_CONFIG_CORRUPT', mentions: ['not valid JSON', 'Fix it by hand'] },
    { name: 'an empty file', content: '', code: 'E_CONFIG_CORRUPT', mentions: ['not valid JSON'] },
    { name: 'a JSON array', content: '[]', code: 'E_CONFIG_CORRUPT', mentions: ['not a JSON object'] },
    { name: 'no version', content: '{"projects":[]}', code: 'E_CONFIG_CORRUPT', mentions: ['"version"'] },
    { name: 'a project missing its upstream', content: '{"version":1,"projects":[{"name":"web","domains":["web.localhost"],"createdAt":"x","updatedAt":"x"}]}', code: 'E_CONFIG_CORRUPT', mentions: ['projects.0.upstream'] },
    { name: 'a wrongly typed field', content: '{"version":1,"proxy":{"httpsPort":"443"}}', code: 'E_CONFIG_CORRUPT', mentions: ['proxy.httpsPort'] },
    { name: 'a newer version', content: '{"version":2,"projects":[],"future":true}', code: 'E_CONFIG_TOO_NEW', mentions: ['version 2', 'up to version 1', 'Update Portico'] },
  ];

  it.each(cases)('$name → $code', async ({ content, code, mentions }) => {
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.config, content);
    const original = await readFile(paths.config);
    const store = createConfigStore(paths);
    let mutated = false;

    for (const attempt of [store.read(), store.update((config) => ((mutated = true), { config }))]) {
      const error = await rejection(attempt);
      expect(error.code).toBe(code);
      expect(error.message).toContain(paths.config);
      expect(error.message).toContain(`mv ${paths.config} ${paths.config}.broken`);
      for (const text of mentions) expect(error.message).toContain(text);
    }
    expect(mutated).toBe(false);
    expect((await readFile(paths.config)).equals(original)).toBe(true);
    expect((await readdir(paths.dir)).sort()).toEqual(['config.json']);
  });

  it('a config path that cannot be read as a file → E_CONFIG_CORRUPT naming it', async () => {
    await mkdir(paths.config, { recursive: true });
    const error = await rejection(createConfigStore(paths).read());
    expect(error.code).toBe('E_CONFIG_CORRUPT');
    expect(error.message).toContain(paths.config);
  });
});

describe('update', () => {
  it('writes the changed config, mode 0600, and returns what the mutation returned', async () => {
    const store = createConfigStore(paths);
    const { config, project } = await store.update((current) => addProject(current, { name: 'web', port: 5173 }, NOW));
    expect(project.name).toBe('web');
    expect(JSON.parse(await readFile(paths.config, 'utf8'))).toEqual(config);
    await expect(store.read()).resolves.toEqual(config);
    if (process.platform !== 'win32') {
      expect((await stat(paths.config)).mode & 0o777).toBe(0o600);
      expect((await stat(paths.dir)).mode & 0o777).toBe(0o700);
    }
    await expect(stat(paths.lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('re-reads the file each time, so a change made by another writer is kept', async () => {
    const store = createConfigStore(paths);
    await store.update((current) => addProject(current, { name: 'web', port: 5173 }, NOW));
    const other = addProject(await store.read(), { name: 'api', port: 3000 }, NOW).config;
    await writeFile(paths.config, JSON.stringify(other));
    const { config } = await store.update((current) => addProject(current, { name: 'docs', port: 4000 }, NOW));
    expect(config.projects.map((p) => p.name)).toEqual(['web', 'api', 'docs']);
  });

  it('loses no update when many callers (two stores) update at once', async () => {
    const stores = [createConfigStore(paths), createConfigStore(paths)];
    await Promise.all(Array.from({ length: 20 }, (_, index) => stores[index % 2]?.update((current) => addProject(current, { name: `p${index}`, port: 3000 + index }, NOW))));
    const names = (await stores[0]?.read())?.projects.map((p) => p.name).sort();
    expect(names).toEqual(Array.from({ length: 20 }, (_, index) => `p${index}`).sort());
  });

  it.each([
    { name: 'a missing file stays missing', existing: null },
    { name: 'an existing file keeps its bytes', existing: '{"version":1,"projects":[]}' },
  ])('writes nothing when the mutation throws: $name', async ({ existing }) => {
    if (existing !== null) {
      await mkdir(paths.dir, { recursive: true });
      await writeFile(paths.config, existing);
    }
    const store = createConfigStore(paths);
    const error = await rejection(store.update((current) => addProject(current, { name: 'Bad Name', port: 1 }, NOW)));
    expect(error.code).toBe('E_INVALID_NAME');
    if (existing === null) await expect(stat(paths.config)).rejects.toMatchObject({ code: 'ENOENT' });
    else expect(await readFile(paths.config, 'utf8')).toBe(existing);
    await expect(store.update((current) => ({ config: current }))).resolves.toBeDefined();
  });

  it('refuses a mutation whose config breaks the schema (E_INVALID_INPUT) and writes nothing', async () => {
    const store = createConfigStore(paths);
    const error = await rejection(store.update((current) => ({ config: { ...current, certificates: { lifetimeDays: 9000 } } })));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toContain('certificates.lifetimeDays');
    await expect(stat(paths.config)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('sweeps temp files a killed writer left, and only those', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(child, 'exit');
    await mkdir(paths.dir, { recursive: true });
    const orphan = join(paths.dir, `.config.json.${child.pid}.0a1b2c3d4e5f.tmp`);
    const foreign = join(paths.dir, `.certs.json.${child.pid}.0a1b2c3d4e5f.tmp`);
    await writeFile(orphan, '{"version":1');
    await writeFile(foreign, 'x');
    await createConfigStore(paths).update((current) => ({ config: current }));
    expect((await readdir(paths.dir)).sort()).toEqual(['.certs.json.' + child.pid + '.0a1b2c3d4e5f.tmp', 'config.json']);
  });
});

describe('withDataLock', () => {
  it('excludes config updates while it runs', async () => {
    const store = createConfigStore(paths);
    const events: string[] = [];
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((done) => (entered = done));
    const held = store.withDataLock(async () => {
      events.push('ca: start');
      entered();
      await new Promise<void>((done) => (release = done));
      events.push('ca: end');
    });
    await inside;
    const update = store.update((config) => (events.push('update'), { config }));
    release();
    await Promise.all([held, update]);
    expect(events).toEqual(['ca: start', 'ca: end', 'update']);
  });
});

describe('migration through the store (injected v1 → v2 table)', () => {
  /** A fake v2 that renamed `proxy` to `listeners`. */
  const V2 = z.object({ version: z.literal(2), projects: z.array(z.unknown()).default([]), listeners: z.object({ httpsPort: z.number().nullable() }) });
  const table: MigrationTable<Config> = {
    steps: [({ proxy, ...rest }) => ({ ...rest, version: 2, listeners: { httpsPort: (proxy as { httpsPort?: number } | undefined)?.httpsPort ?? null } })],
    validate: (doc) => {
      const parsed = V2.safeParse(doc);
      return parsed.success ? { ok: true, value: parsed.data as unknown as Config } : { ok: false, problems: parsed.error.issues.map((i) => i.message) };
    },
  };

  it('reads a v1 file as v2 without writing, and the next update stores v2', async () => {
    await mkdir(paths.dir, { recursive: true });
    const v1 = '{"version":1,"proxy":{"httpsPort":8443}}';
    await writeFile(paths.config, v1);
    const store = createConfigStore(paths, { migrations: table });
    const expected = { version: 2, projects: [], listeners: { httpsPort: 8443 } };
    await expect(store.read()).resolves.toEqual(expected);
    expect(await readFile(paths.config, 'utf8')).toBe(v1);
    await store.update((config) => ({ config }));
    expect(JSON.parse(await readFile(paths.config, 'utf8'))).toEqual(expected);
    expect(migrate(JSON.parse(await readFile(paths.config, 'utf8')), table).migratedFrom).toBeNull();
  });
});
