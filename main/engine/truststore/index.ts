import { createPlatformStores } from './select';
import { failureState, unavailableState } from './state';
import type { RootCert, TrustState, TrustStore, TrustStoreDeps, TrustStoreId } from './types';

export type { Availability, RootCert, TrustState, TrustStatus, TrustStore, TrustStoreDeps, TrustStoreId } from './types';
export { rootCertFromPem, rootNickname } from './root';
export { createMemoryStore, type MemoryTrustStore } from './memory';
export { detectWsl, storeIdsFor, wslWindowsHostsPath } from './select';

/**
 * Uninstall order: browser stores first, the system store last (mkcert `uninstall`: NSS, Java,
 * system; TS-8), so a failure midway never leaves a browser trusting a root the system dropped.
 */
const UNINSTALL_ORDER: readonly TrustStoreId[] = ['firefox', 'nss', 'java', 'windows', 'macos', 'system'];

/** The stores of this platform (`only` narrows them), each wrapped so failures become states. */
export async function createTrustStores(deps: TrustStoreDeps & { wsl?: boolean; only?: readonly TrustStoreId[] }): Promise<TrustStore[]> {
  const stores = await createPlatformStores(deps);
  return deps.only ? stores.filter((store) => deps.only?.includes(store.id)) : stores;
}

/** A state with its store's human name: the shape of `TrustStateSchema` in shared/contract.ts. */
export type LabelledTrustState = TrustState & { label: string };

/** Every store's state; read-only, so the stores are asked in parallel. */
export async function statusAll(stores: readonly TrustStore[], root: RootCert): Promise<LabelledTrustState[]> {
  return Promise.all(stores.map((store) => settle(store, () => whenAvailable(store, () => store.check(root)))));
}

/**
 * Installs into each store (all, or `ids`), one after another so elevation prompts never
 * overlap. Stores that are unavailable report so; the others are installed even if one fails.
 */
export async function installAll(stores: readonly TrustStore[], root: RootCert, ids?: readonly TrustStoreId[]): Promise<LabelledTrustState[]> {
  const states: LabelledTrustState[] = [];
  for (const store of pick(stores, ids)) states.push(await settle(store, () => whenAvailable(store, () => store.install(root))));
  return states;
}

/** Removes the root from each store (all, or `ids`), browser stores first. */
export async function uninstallAll(stores: readonly TrustStore[], root: RootCert, ids?: readonly TrustStoreId[]): Promise<LabelledTrustState[]> {
  const ordered = [...pick(stores, ids)].sort((a, b) => UNINSTALL_ORDER.indexOf(a.id) - UNINSTALL_ORDER.indexOf(b.id));
  const states: LabelledTrustState[] = [];
  for (const store of ordered) states.push(await settle(store, () => whenAvailable(store, () => store.uninstall(root))));
  return states;
}

function pick(stores: readonly TrustStore[], ids?: readonly TrustStoreId[]): readonly TrustStore[] {
  return ids ? stores.filter((store) => ids.includes(store.id)) : stores;
}

async function whenAvailable(store: TrustStore, action: () => Promise<TrustState>): Promise<TrustState> {
  const availability = await store.detect();
  return availability.available ? action() : unavailableState(store.id, availability.reason, availability.hint);
}

async function settle(store: TrustStore, action: () => Promise<TrustState>): Promise<LabelledTrustState> {
  try {
    return { ...(await action()), label: store.label };
  } catch (error) {
    return { ...failureState(store.id, error), label: store.label };
  }
}
