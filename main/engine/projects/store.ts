/**
 * The config file (`<data>/config.json`): read without a lock (it is only ever replaced by an
 * atomic rename, so a reader sees a whole old or a whole new file), updated under the data dir's
 * lock as read → mutate → validate → atomic write, so the CLI and a running engine editing at the
 * same time never lose an update. A file that cannot be understood is refused and left exactly as
 * it is: never reset, never overwritten.
 */
import { readFile } from 'node:fs/promises';
import type { Config } from '../../../shared/config';
import type { DataPaths } from '../system/data-dir';
import { PorticoError, isPorticoError } from '../errors';
import { writeFileAtomic } from '../system/atomic-file';
import { removeOrphanTempFiles, withLock, type LockOptions } from '../system/lock';
import { CONFIG_MIGRATIONS, latestVersion, migrate, type MigrationTable } from './migrations';

/** What a mutation returns: the next config, plus anything else the caller wants back. */
export interface ConfigChange {
  readonly config: Config;
}

export interface ConfigStore {
  /** The file this store reads and writes. */
  readonly path: string;
  /** The current config; the defaults when the file does not exist (nothing is written). */
  read(): Promise<Config>;
  /**
   * Under the data lock: re-reads the file, calls `mutate` with it, validates the config it
   * returns and writes that atomically (mode 0600). Resolves to what `mutate` returned, with
   * `config` being the config as written (defaults applied). If `mutate` throws or its config is
   * invalid, nothing is written. Registry functions fit directly: `update((c) => addProject(c, input, now))`.
   */
  update<R extends ConfigChange>(mutate: (current: Config) => R | Promise<R>): Promise<R>;
  /**
   * Runs `fn` under the same lock, for other subsystems' read-modify-write of the data dir (CA
   * creation, so two processes never make two roots). Not reentrant: do not call `update` inside.
   */
  withDataLock<T>(fn: () => T | Promise<T>): Promise<T>;
}

export interface ConfigStoreOptions {
  /** Lock timing; defaults in system/lock.ts. */
  lock?: LockOptions;
  /** The migration table; tests inject one, everything else uses the real table. */
  migrations?: MigrationTable<Config>;
}

/** The config mode: the file is the user's alone (it names their projects and dev servers). */
const CONFIG_MODE = 0o600;
const DATA_DIR_MODE = 0o700;

export function createConfigStore(paths: Pick<DataPaths, 'config' | 'lock'>, options: ConfigStoreOptions = {}): ConfigStore {
  const table = options.migrations ?? CONFIG_MIGRATIONS;
  const withDataLock = <T>(fn: () => T | Promise<T>): Promise<T> => withLock(paths.lock, fn, options.lock);

  return {
    path: paths.config,
    read: () => readConfig(paths.config, table),
    withDataLock,
    update: <R extends ConfigChange>(mutate: (current: Config) => R | Promise<R>) =>
      withDataLock(async () => {
        // Under the lock no one else writes the config, so any temp file of it is a SIGKILL's leftover.
        await removeOrphanTempFiles(paths.config);
        const current = await readConfig(paths.config, table);
        const change = await mutate(current);
        const validated = table.validate(change.config);
        if (!validated.ok) {
          throw new PorticoError('E_INVALID_INPUT', `the change would leave the config invalid (${validated.problems.slice(0, 5).join('; ')}); nothing was written.`);
        }
        await writeFileAtomic(paths.config, `${JSON.stringify(validated.value, null, 2)}\n`, { mode: CONFIG_MODE, dirMode: DATA_DIR_MODE });
        return { ...change, config: validated.value };
      }),
  };
}

/** Reads and migrates the config file; a missing file is the default config. */
async function readConfig(path: string, table: MigrationTable<Config>): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return migrate({ version: latestVersion(table) }, table).config;
    const reason = error instanceof Error ? error.message : String(error);
    // No read-failure code exists; E_CONFIG_CORRUPT is the closest ("left untouched").
    throw new PorticoError('E_CONFIG_CORRUPT', `cannot read the config file ${path} (${reason}). It was left untouched: fix its permissions (e.g. chmod 600 ${shellQuote(path)}) and retry.`, { cause: error });
  }

  let raw: unknown;
  try {
    // A byte-order mark is what some Windows editors add; it is not part of the JSON.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PorticoError('E_CONFIG_CORRUPT', `the config file ${path} is not valid JSON (${reason}). ${leftUntouched(path, 'Fix it by hand')}`, { cause: error });
  }

  try {
    return migrate(raw, table).config;
  } catch (error) {
    if (isPorticoError(error, 'E_CONFIG_TOO_NEW')) {
      throw new PorticoError('E_CONFIG_TOO_NEW', `the config file ${path} ${error.message}. ${leftUntouched(path, 'Update Portico')}`, { cause: error });
    }
    if (isPorticoError(error, 'E_CONFIG_CORRUPT')) {
      throw new PorticoError('E_CONFIG_CORRUPT', `the config file ${path} ${error.message}. ${leftUntouched(path, 'Fix it by hand')}`, { cause: error });
    }
    throw error;
  }
}

function leftUntouched(path: string, firstRemedy: string): string {
  return `Portico left it untouched. ${firstRemedy}, or move it aside to start from an empty config: mv ${shellQuote(path)} ${shellQuote(`${path}.broken`)}`;
}

/** Quotes a path for a POSIX shell (also fine in PowerShell when it has no single quote). */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
