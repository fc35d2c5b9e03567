import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONFIG_VERSION, defaultConfig } from '../../../../shared/config';
import { isPorticoError } from '../../../../main/engine/errors';
import { CONFIG_MIGRATIONS, latestVersion, migrate, type MigrationTable, type VersionedDocument } from '../../../../main/engine/projects/migrations';

/**
 * A fake history: v1 had `proxyPort`, v2 renamed it to `ports.https`, v3 added `ports.http`.
 * Each step is written carelessly (it mutates its input) to prove migrate never lets that reach
 * the caller's object.
 */
const V3 = z.object({ version: z.literal(3), ports: z.object({ https: z.number(), http: z.number() }) });
type V3 = z.infer<typeof V3>;
const fakeTable: MigrationTable<V3> = {
  steps: [
    (doc) => {
      const proxyPort = doc.proxyPort;
      delete doc.proxyPort;
      return { ...doc, version: 2, ports: { https: proxyPort } };
    },
    (doc) => {
      (doc.ports as Record<string, unknown>).http = 8080;
      doc.version = 3;
      return doc;
    },
  ],
  validate: (doc) => {
    const parsed = V3.safeParse(doc);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problems: parsed.error.issues.map((i) => i.message) };
  },
};

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return isPorticoError(error) ? error.code : `not a PorticoError: ${String(error)}`;
  }
  return 'no error';
}

describe('the real migration table', () => {
  it('ends at the version this build writes', () => {
    expect(latestVersion(CONFIG_MIGRATIONS)).toBe(CONFIG_VERSION);
  });

  it('takes a current document as it is, defaults applied, with migratedFrom null', () => {
    expect(migrate({ version: CONFIG_VERSION })).toEqual({ config: defaultConfig(), migratedFrom: null });
  });

  it('names the failing field of a document that does not match the schema', () => {
    expect(() => migrate({ version: 1, projects: [{ name: 'web' }] })).toThrow(/does not match the config schema.*projects\.0\.upstream/);
  });
});

describe('migrate with an injected table', () => {
  it.each([
    { name: 'from v1 through both steps', raw: { version: 1, proxyPort: 8443 }, migratedFrom: 1 },
    { name: 'from v2 through the last step', raw: { version: 2, ports: { https: 8443 } }, migratedFrom: 2 },
    { name: 'a current v3 document untouched', raw: { version: 3, ports: { https: 8443, http: 8080 } }, migratedFrom: null },
  ])('$name', ({ raw, migratedFrom }) => {
    const before = structuredClone(raw);
    expect(migrate(raw, fakeTable)).toEqual({ config: { version: 3, ports: { https: 8443, http: 8080 } }, migratedFrom });
    expect(raw).toEqual(before);
  });

  it('refuses a document newer than the table with E_CONFIG_TOO_NEW naming both versions', () => {
    expect(codeOf(() => migrate({ version: 4 }, fakeTable))).toBe('E_CONFIG_TOO_NEW');
    expect(() => migrate({ version: 4 }, fakeTable)).toThrow(/version 4.*up to version 3/);
  });

  it('reports a step that sets the wrong version as a bug (E_INTERNAL)', () => {
    const broken: MigrationTable<unknown> = { steps: [(doc: VersionedDocument) => ({ ...doc, version: 7 })], validate: (doc) => ({ ok: true, value: doc }) };
    expect(codeOf(() => migrate({ version: 1 }, broken))).toBe('E_INTERNAL');
  });

  it('reports a document a step cannot handle as E_CONFIG_CORRUPT', () => {
    const strict: MigrationTable<unknown> = {
      steps: [
        () => {
          throw new TypeError('projects is not an array');
        },
      ],
      validate: (doc) => ({ ok: true, value: doc }),
    };
    expect(codeOf(() => migrate({ version: 1 }, strict))).toBe('E_CONFIG_CORRUPT');
  });
});

describe('migrate refuses what is not a versioned config object', () => {
  it.each([
    { name: 'an array', raw: [] },
    { name: 'null', raw: null },
    { name: 'a string', raw: 'config' },
    { name: 'a number', raw: 1 },
    { name: 'no version', raw: { projects: [] } },
    { name: 'a string version', raw: { version: '1' } },
    { name: 'version 0', raw: { version: 0 } },
    { name: 'a fractional version', raw: { version: 1.5 } },
  ])('$name → E_CONFIG_CORRUPT', ({ raw }) => {
    expect(codeOf(() => migrate(raw))).toBe('E_CONFIG_CORRUPT');
  });
});
