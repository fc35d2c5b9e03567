/**
 * Config migrations and loading as properties: whatever is in config.json — a valid document, a
 * document from another version, hostile JSON, random bytes — loading either yields a config that
 * validates or refuses with E_CONFIG_CORRUPT / E_CONFIG_TOO_NEW, never mutates what it was given,
 * and never changes the file. Table tests of the migration mechanics are in
 * test/unit/engine/projects/migrations.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_VERSION, defaultConfig, type Config } from '../../shared/config';
import { isPorticoError } from '../../main/engine/errors';
import { addProject, CONFIG_MIGRATIONS, createConfigStore, migrate, setProjectField } from '../../main/engine/projects';
import { dataPaths } from '../../main/engine/system/data-dir';

const NOW = new Date('2026-01-01T00:00:00Z');

/** Valid configs, built the way users build them: projects added and their fields set. */
const validConfig: fc.Arbitrary<Config> = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/),
      port: fc.integer({ min: 1, max: 65535 }),
      hsts: fc.constantFrom('off', 'dev', 'production'),
      https: fc.boolean(),
    }),
    { selector: (project) => project.name, maxLength: 6 },
  )
  .map((projects) => {
    let config = defaultConfig();
    for (const project of projects) {
      config = addProject(config, { name: project.name, port: project.port, https: project.https }, NOW).config;
      config = setProjectField(config, project.name, 'hsts', project.hsts, NOW).config;
    }
    return config;
  });

/** Documents a hand edit, another version or an attacker could leave. */
const hostileDocument = fc.oneof(
  fc.jsonValue(),
  fc.record({ version: fc.oneof(fc.integer({ min: -3, max: CONFIG_VERSION + 3 }), fc.double(), fc.string(), fc.constant(null)) }, { requiredKeys: [] }),
  validConfig.chain((config) =>
    fc.record({ key: fc.constantFrom('version', 'projects', 'proxy', 'ca', 'certificates', '__proto__', 'constructor'), value: fc.jsonValue() }).map(({ key, value }) => {
      const document = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
      // An own property even for `__proto__` (what JSON.parse of a hostile file makes).
      Object.defineProperty(document, key, { value, enumerable: true, configurable: true, writable: true });
      return document;
    }),
  ),
  validConfig.map((config) => ({ ...JSON.parse(JSON.stringify(config)), unexpected: { nested: [1, 2, 3] } }) as unknown),
);

function outcome(raw: unknown): { config: Config } | { code: string } {
  try {
    return { config: migrate(raw).config };
  } catch (error) {
    return { code: isPorticoError(error) ? error.code : `not a PorticoError: ${String(error)}` };
  }
}

describe('config migrations (properties)', () => {
  it('a valid config of this version loads as itself, with nothing to migrate', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const loaded = migrate(JSON.parse(JSON.stringify(config)));
        expect(loaded.migratedFrom).toBeNull();
        expect(loaded.config).toEqual(config);
      }),
    );
  });

  it('migrating is idempotent: a loaded config loads again unchanged', () => {
    fc.assert(
      fc.property(hostileDocument, (raw) => {
        const first = outcome(raw);
        if (!('config' in first)) return;
        expect(migrate(JSON.parse(JSON.stringify(first.config))).config).toEqual(first.config);
      }),
    );
  });

  it('anything else is a config that validates, or E_CONFIG_CORRUPT / E_CONFIG_TOO_NEW — and the input is never modified', () => {
    fc.assert(
      fc.property(hostileDocument, (raw) => {
        const before = JSON.stringify(raw);
        const result = outcome(raw);
        expect(JSON.stringify(raw)).toBe(before);
        if ('config' in result) expect(CONFIG_MIGRATIONS.validate(result.config).ok).toBe(true);
        else expect(['E_CONFIG_CORRUPT', 'E_CONFIG_TOO_NEW']).toContain(result.code);
      }),
      { numRuns: 500 },
    );
  });
});

describe('config.json on disk (properties)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-config-prop-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const fileContent = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    hostileDocument.map((document) => Buffer.from(JSON.stringify(document) ?? 'null')),
    fc.string().map((text) => Buffer.from(`\ufeff${text}`)),
  );

  it('a file Portico cannot use is refused by read and by update, and its bytes stay exactly as they were', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fileContent, async (bytes) => {
        const paths = dataPaths(join(dir, String((run += 1))));
        await rm(paths.dir, { recursive: true, force: true });
        const store = createConfigStore(paths);
        await store.update((config) => ({ config }));
        await writeFile(paths.config, bytes);
        const read = await store.read().then(() => 'ok', (error: unknown) => (isPorticoError(error) ? error.code : String(error)));
        if (read !== 'ok') {
          expect(['E_CONFIG_CORRUPT', 'E_CONFIG_TOO_NEW']).toContain(read);
          const update = await store.update((config) => ({ config })).then(() => 'ok', (error: unknown) => (isPorticoError(error) ? error.code : String(error)));
          expect(update).toBe(read);
          expect(Buffer.compare(await readFile(paths.config), bytes)).toBe(0);
        }
      }),
      { numRuns: 60 },
    );
  });
});
