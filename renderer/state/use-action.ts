/**
 * Runs one engine call for a control: the control shows a pending state while it runs and an
 * error banner when it fails. The view then changes through `status.changed`, not from here.
 */
import { useCallback, useRef, useState } from 'react';
import type { ApiError } from '../api/client';
import { toApiError } from '../api/client';

export interface Action {
  pending: boolean;
  error: ApiError | null;
  /** Runs `work` unless a run is already pending; resolves with its failure, or null when it succeeded (or was skipped). */
  run(work: () => Promise<unknown>): Promise<ApiError | null>;
  clearError(): void;
}

export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // A ref, not the state: two clicks in the same frame both see `pending === false`.
  const busy = useRef(false);

  const run = useCallback(async (work: () => Promise<unknown>) => {
    if (busy.current) return null;
    busy.current = true;
    setPending(true);
    setError(null);
    try {
      await work();
      return null;
    } catch (failure) {
      const apiError = toApiError(failure);
      setError(apiError);
      return apiError;
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);

  const clearError = useCallback(() => setError(null), []);
  return { pending, error, run, clearError };
}
