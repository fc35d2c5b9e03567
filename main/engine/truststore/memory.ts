import type { Availability, RootCert, TrustState, TrustStore, TrustStoreId } from './types';

export interface MemoryStoreOptions {
  id?: TrustStoreId;
  label?: string;
  /** What detect() answers; an unavailable store reports `unavailable` from check/install/uninstall too. */
  availability?: Availability;
  /** Makes install() report an error (to test partial failures). */
  failInstall?: string;
}

/** A trust store kept in memory, for engine and UI tests: no processes, no files. */
export interface MemoryTrustStore extends TrustStore {
  /** SHA-256 fingerprints currently trusted. */
  readonly trusted: ReadonlySet<string>;
  /** How many times install/uninstall actually changed something (a re-install must not count). */
  readonly changes: number;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryTrustStore {
  const id = options.id ?? 'system';
  const availability = options.availability ?? { available: true };
  const trusted = new Set<string>();
  let changes = 0;

  const unavailable = (): TrustState => ({ store: id, status: 'unavailable', detail: availability.reason ?? 'not available', ...(availability.hint ? { hint: availability.hint } : {}) });
  const check = async (root: RootCert): Promise<TrustState> => {
    if (!availability.available) return unavailable();
    return trusted.has(root.fingerprint256)
      ? { store: id, status: 'installed', verified: true, detail: 'trusted (in memory)', locations: ['memory'] }
      : { store: id, status: 'not-installed', detail: 'not trusted (in memory)' };
  };

  return {
    id,
    label: options.label ?? `${id} (memory)`,
    get trusted() {
      return trusted;
    },
    get changes() {
      return changes;
    },
    detect: async () => availability,
    check,
    async install(root) {
      if (!availability.available) return unavailable();
      if (options.failInstall) return { store: id, status: 'error', detail: options.failInstall };
      if (!trusted.has(root.fingerprint256)) {
        trusted.add(root.fingerprint256);
        changes += 1;
      }
      return check(root);
    },
    async uninstall(root) {
      if (!availability.available) return unavailable();
      if (trusted.delete(root.fingerprint256)) changes += 1;
      return check(root);
    },
  };
}
