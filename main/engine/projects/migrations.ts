/**
 * Config versions: an ordered table of pure `vN → vN+1` steps, applied in turn to an older
 * document, then validated (and defaulted) by the latest schema. A document newer than the table
 * knows is refused, never downgraded: the store leaves such a file exactly as it is.
 */
import { ConfigSchema, type Config } from '../../../shared/config';
import { PorticoError } from '../errors';

/** A parsed JSON document that has a `version` field; the rest is whatever that version holds. */
export type VersionedDocument = { version: number } & Record<string, unknown>;

/**
 * One step: a version N document in, a version N+1 document out. Pure: it must not mutate its
 * input (migrate hands each step a private copy anyway) and must set `version` to N+1.
 */
export type MigrationStep = (document: VersionedDocument) => VersionedDocument;

/** The outcome of validating a document at the latest version. */
export type Validation<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export interface MigrationTable<T> {
  /** `steps[i]` turns a version `i + 1` document into version `i + 2`; the latest is `steps.length + 1`. */
  readonly steps: readonly MigrationStep[];
  /** Validates a latest-version document and applies the defaults. */
  readonly validate: (document: unknown) => Validation<T>;
}

/** Validates against the schema of this build (`shared/config.ts`), the one place defaults live. */
export function validateConfig(document: unknown): Validation<Config> {
  const parsed = ConfigSchema.safeParse(document);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`) };
}

/**
 * The real table. Version 1 is the first: no steps yet. A future change adds a step here and
 * bumps CONFIG_VERSION in shared/config.ts; a test keeps the two in agreement.
 */
export const CONFIG_MIGRATIONS: MigrationTable<Config> = { steps: [], validate: validateConfig };

/** The version a table migrates to. */
export function latestVersion(table: MigrationTable<unknown>): number {
  return table.steps.length + 1;
}

export interface Migrated<T> {
  /** The validated config at the latest version, defaults applied. */
  config: T;
  /** The file's version when migration steps ran, else null. */
  migratedFrom: number | null;
}

/**
 * Brings a parsed config document to the latest version and validates it. `migratedFrom` is the
 * document's version when steps ran, else null (the caller then knows a write would upgrade the file).
 * Throws E_CONFIG_TOO_NEW or E_CONFIG_CORRUPT; the messages are predicates to put after a file name.
 */
export function migrate(raw: unknown): Migrated<Config>;
export function migrate<T>(raw: unknown, table: MigrationTable<T>): Migrated<T>;
export function migrate(raw: unknown, table: MigrationTable<unknown> = CONFIG_MIGRATIONS): Migrated<unknown> {
  const latest = latestVersion(table);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PorticoError('E_CONFIG_CORRUPT', 'is not a JSON object');
  }
  const version = (raw as Record<string, unknown>).version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new PorticoError('E_CONFIG_CORRUPT', `has no valid "version" field (found ${JSON.stringify(version) ?? 'none'}; expected a whole number from 1 to ${latest})`);
  }
  if (version > latest) {
    throw new PorticoError('E_CONFIG_TOO_NEW', `has config version ${version}, newer than this Portico understands (up to version ${latest}): a newer Portico wrote it`);
  }

  // A private copy: neither a sloppy step nor the defaults may touch the caller's object.
  let document = structuredClone(raw) as VersionedDocument;
  for (let from = version; from < latest; from += 1) {
    const step = table.steps[from - 1];
    if (step === undefined) throw new PorticoError('E_INTERNAL', `no migration from config version ${from}`);
    try {
      document = step(document);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PorticoError('E_CONFIG_CORRUPT', `could not be migrated from config version ${from} (${reason})`, { cause: error });
    }
    if (document.version !== from + 1) {
      throw new PorticoError('E_INTERNAL', `the migration from config version ${from} produced version ${String(document.version)} instead of ${from + 1}`);
    }
  }

  const validated = table.validate(document);
  if (!validated.ok) {
    const shown = validated.problems.slice(0, 5).join('; ');
    const more = validated.problems.length > 5 ? `; and ${validated.problems.length - 5} more` : '';
    throw new PorticoError('E_CONFIG_CORRUPT', `does not match the config schema${version < latest ? ` (after migrating from version ${version})` : ''}: ${shown}${more}`);
  }
  return { config: validated.value, migratedFrom: version < latest ? version : null };
}
