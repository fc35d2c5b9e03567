import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkSuffix } from '../../shared/names';
import type { CaView } from '../../shared/views';
import { PorticoError } from './errors';
import { ensureCa, generateRoot, loadCa, writeCa, type CaMaterial, type KeyProtector } from './pki';
import type { ConfigStore } from './projects';
import type { DataPaths } from './system/data-dir';

export interface CaManagerDeps {
  paths: DataPaths;
  store: ConfigStore;
  now: () => Date;
  keyProtector?: KeyProtector;
}

/**
 * The one local root of a data dir: created on first need under the data lock (so two
 * processes never make two roots), cached in memory, and reloaded when another process (the CLI
 * rotating it) replaces the file.
 */
export function createCaManager(deps: CaManagerDeps) {
  const { paths, store } = deps;
  const storeOptions = deps.keyProtector ? { keyProtector: deps.keyProtector } : {};
  let cached: { ca: CaMaterial; stamp: string } | null = null;

  async function fileStamp(): Promise<string | null> {
    try {
      const info = await stat(paths.caCert);
      return `${info.mtimeMs}:${info.size}:${info.ino}`;
    } catch {
      return null;
    }
  }

  function view(ca: CaMaterial, created: boolean): CaView {
    const { authorityKeyId: _a, subjectKeyId: _s, permitted: _p, ...certificate } = ca.info;
    return { certPath: paths.caCert, certificate, permitted: { dns: ca.permitted.dns, ip: ca.permitted.ip }, created };
  }

  async function get(): Promise<{ ca: CaMaterial; created: boolean }> {
    const stamp = await fileStamp();
    if (cached && stamp === cached.stamp) return { ca: cached.ca, created: false };
    const result = await store.withDataLock(async () => {
      const { ca: { suffixes } } = await store.read();
      return ensureCa(paths, suffixes, { ...storeOptions, now: deps.now() });
    });
    cached = { ca: result.ca, stamp: (await fileStamp()) ?? '' };
    return result;
  }

  return {
    /** The root, created when there is none. */
    get,
    /** The root as the CLI and dashboard show it. */
    async view(): Promise<CaView> {
      const { ca, created } = await get();
      return view(ca, created);
    },
    /** Whether a root exists, without creating one. */
    async present(): Promise<CaMaterial | null> {
      if ((await fileStamp()) === null) return null;
      return (await get()).ca;
    },
    /**
     * A new root with the current suffixes plus `addSuffixes`. The old root is kept in
     * `ca/previous/<serial>/` (it may still be trusted somewhere and sign live certificates);
     * project certificates are re-issued as soon as they are next used, because they no longer
     * match the current issuer (pki/renewal.ts).
     */
    async rotate(addSuffixes: readonly string[]): Promise<CaView> {
      const extra = addSuffixes.map((input) => {
        const checked = checkSuffix(input);
        if (!checked.ok) throw new PorticoError(checked.code, checked.message);
        return checked.value;
      });
      const config = await store.read();
      const suffixes = [...new Set([...config.ca.suffixes, ...extra])];
      const ca = await store.withDataLock(async () => {
        const old = await loadCa(paths, storeOptions).catch(() => null);
        const root = await generateRoot({ suffixes, now: deps.now() });
        // Copies, not moves: until the new pair is fully written (writeCa stages it), the old
        // pair stays the current one, so a full disk never leaves the data dir without a root.
        if (old) {
          const keep = join(paths.caDir, 'previous', old.info.serialNumber);
          try {
            await mkdir(keep, { recursive: true, mode: 0o700 });
            await copyFile(paths.caCert, join(keep, 'root.pem'));
            await copyFile(paths.caKey, join(keep, 'root-key.pem'));
          } catch (error) {
            throw new PorticoError('E_WRITE_FAILED', `keeping the previous root in ${keep}: ${(error as Error).message}. The current CA is unchanged; free disk space and retry.`, { cause: error });
          }
        }
        await writeCa(paths, root, storeOptions);
        return loadCa(paths, storeOptions);
      });
      await store.update((current) => ({ config: { ...current, ca: { ...current.ca, suffixes } } }));
      cached = { ca, stamp: (await fileStamp()) ?? '' };
      return view(ca, true);
    },
  };
}
export type CaManager = ReturnType<typeof createCaManager>;
