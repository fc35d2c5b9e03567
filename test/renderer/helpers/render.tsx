/**
 * Renders the whole dashboard around a fake client. Vitest runs without globals here, so
 * Testing Library cannot register its own cleanup: this module does it for every test file
 * that imports it.
 */
import { act, cleanup, render } from '@testing-library/react';
import { afterEach } from 'vitest';
import { App } from '../../../renderer/App';
import type { FakeClient } from './fake-client';

afterEach(() => {
  cleanup();
  window.localStorage.clear();
  document.documentElement.removeAttribute('data-theme');
});

export function renderApp(client: FakeClient) {
  return render(<App client={client} />);
}

/** Runs an engine event inside act(), as React expects for updates from outside its handlers. */
export function emit(client: FakeClient, ...args: Parameters<FakeClient['emit']>) {
  act(() => client.emit(...args));
}
