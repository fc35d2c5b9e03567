import { isPorticoError } from '../errors';
import type { TrustState, TrustStore, TrustStoreId } from './types';

/**
 * Wraps a store so that a failure becomes a state instead of an exception: degraded trust is
 * status the UI shows, not a crash (ARCHITECTURE.md, house style). A missing tool becomes
 * `unavailable` with the store's install hint.
 */
export function settled(store: TrustStore, toolHint?: string): TrustStore {
  const guard =
    (method: 'check' | 'install' | 'uninstall') =>
    async (...args: Parameters<TrustStore['check']>): Promise<TrustState> => {
      try {
        return await store[method](...args);
      } catch (error) {
        return failureState(store.id, error, toolHint);
      }
    };
  return {
    id: store.id,
    label: store.label,
    detect: async () => {
      try {
        return await store.detect();
      } catch (error) {
        return { available: false, reason: messageOf(error), hint: toolHint };
      }
    },
    check: guard('check'),
    install: guard('install'),
    uninstall: guard('uninstall'),
  };
}

export function failureState(store: TrustStoreId, error: unknown, toolHint?: string): TrustState {
  if (isPorticoError(error, 'E_TOOL_MISSING')) {
    return withHint({ store, status: 'unavailable', detail: error.message }, toolHint);
  }
  return { store, status: 'error', detail: messageOf(error) };
}

export function unavailableState(store: TrustStoreId, reason: string | undefined, hint?: string): TrustState {
  return withHint({ store, status: 'unavailable', detail: reason ?? 'not available on this machine' }, hint);
}

function withHint(state: TrustState, hint: string | undefined): TrustState {
  return hint ? { ...state, hint } : state;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
