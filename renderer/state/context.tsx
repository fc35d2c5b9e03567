/** Hands the engine client and the shared stores to every view without threading props. */
import type { ReactNode } from 'react';
import { createContext, useContext, useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { RequestStore } from './request-store';
import { createRequestStore } from './request-store';
import type { StatusStore } from './status-store';
import { createStatusStore } from './status-store';

interface Engine {
  client: ApiClient;
  status: StatusStore;
  requests: RequestStore;
}

const EngineContext = createContext<Engine | null>(null);

export function EngineProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const [engine] = useState<Engine>(() => ({ client, status: createStatusStore(client), requests: createRequestStore(client) }));
  useEffect(() => {
    const stopStatus = engine.status.start();
    const stopRequests = engine.requests.start();
    return () => {
      stopStatus();
      stopRequests();
    };
  }, [engine]);
  return <EngineContext.Provider value={engine}>{children}</EngineContext.Provider>;
}

export function useEngine(): Engine {
  const engine = useContext(EngineContext);
  if (engine === null) throw new Error('useEngine() needs an <EngineProvider> above it.');
  return engine;
}
