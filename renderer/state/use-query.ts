/** Loads one engine answer for a panel (the CA, the trust stores), with a reload and a failure to show. */
import { useCallback, useEffect, useState } from 'react';
import type { ApiError } from '../api/client';
import { toApiError } from '../api/client';

export interface Query<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): Promise<void>;
  /** Replaces the data with a fresher answer (e.g. the trust states a `trust.install` returned). */
  replace(update: (current: T | null) => T): void;
}

export function useQuery<T>(load: () => Promise<T>): Query<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await load());
      setError(null);
    } catch (failure) {
      setError(toApiError(failure));
    } finally {
      setLoading(false);
    }
  }, [load]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const replace = useCallback((update: (current: T | null) => T) => {
    setData(update);
    setError(null);
  }, []);

  return { data, error, loading, reload, replace };
}
