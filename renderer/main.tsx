/**
 * Entry point. Inside the Electron window the preload provides `window.portico` (IPC); in any
 * other browser the page was served by `portico serve` and talks HTTP to the same origin.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client';
import { createHttpTransport } from './api/http-transport';
import { createIpcTransport } from './api/ipc-transport';
import { takeToken, tokenFromHash } from './api/token';
import type { TokenEnvironment } from './api/token';
import type { Transport } from './api/transport';
import { App } from './App';
import { applyTheme, readTheme } from './state/theme';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/panels.css';

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function pickTransport(): Transport {
  if (window.portico) return createIpcTransport(window.portico);
  const env: TokenEnvironment = { location: window.location, history: window.history, storage: sessionStore() };
  const transport = createHttpTransport({ token: takeToken(env) });
  // Pasting the URL that `portico serve` printed into this same tab changes only the fragment: no reload.
  window.addEventListener('hashchange', () => {
    if (tokenFromHash(window.location.hash) !== null) transport.setToken(takeToken(env));
  });
  return transport;
}

applyTheme(readTheme());
const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element.');
createRoot(container).render(
  <StrictMode>
    <App client={createApiClient(pickTransport())} />
  </StrictMode>,
);
