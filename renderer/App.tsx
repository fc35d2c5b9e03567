/** The dashboard: the engine client in, one page out. Works the same over IPC and HTTP. */
import type { ApiClient } from './api/client';
import { EngineProvider } from './state/context';
import { Dashboard } from './views/Dashboard';

export function App({ client }: { client: ApiClient }) {
  return (
    <EngineProvider client={client}>
      <Dashboard />
    </EngineProvider>
  );
}
