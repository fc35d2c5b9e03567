// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../renderer/api/client';
import { createFakeClient, deferred } from '../helpers/fake-client';
import { makeStatus } from '../helpers/fixtures';
import { renderApp } from '../helpers/render';
import type { Status } from '../../../shared/status';

describe('dashboard connection states', () => {
  it('shows "Connecting…" until the first status arrives', async () => {
    const answer = deferred<Status>();
    const client = createFakeClient({ 'status.get': () => answer.promise });
    renderApp(client);

    expect(screen.getByRole('status')).toHaveProperty('textContent', 'Connecting to Portico…');
    expect(screen.queryByRole('tablist')).toBeNull();

    await act(async () => answer.resolve(makeStatus()));
    expect(screen.queryByText('Connecting to Portico…')).toBeNull();
    expect(screen.getByRole('tablist', { name: 'Dashboard sections' })).toBeTruthy();
  });

  it('tells the user to start Portico when no engine answers, and retries on demand', async () => {
    let up = false;
    const client = createFakeClient({
      'status.get': () => {
        if (!up) throw new ApiError('E_ENGINE_NOT_RUNNING', 'unreachable');
        return makeStatus();
      },
    });
    renderApp(client);

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText("Portico isn't running")).toBeTruthy();
    expect(alert.textContent).toContain('npm start');
    expect(alert.textContent).toContain('portico serve');

    up = true;
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('tablist')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says where to get a valid token when the engine refuses it', async () => {
    const client = createFakeClient({
      'status.get': () => {
        throw new ApiError('E_UNAUTHORIZED', 'refused');
      },
    });
    renderApp(client);

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Access token refused')).toBeTruthy();
    expect(alert.textContent).toContain('portico serve');
    expect(alert.textContent).toContain('portico open');
  });

  it("shows the engine's error message and code", async () => {
    const client = createFakeClient({
      'status.get': () => {
        throw new ApiError('E_CONFIG_CORRUPT', 'config.json is not valid JSON; fix or move it.');
      },
    });
    renderApp(client);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('config.json is not valid JSON; fix or move it.');
    expect(alert.textContent).toContain('E_CONFIG_CORRUPT');
  });

  it('keeps the last status with a warning while reconnecting, then fetches again', async () => {
    const client = createFakeClient({ 'status.get': () => makeStatus() });
    renderApp(client);
    await screen.findByRole('tablist');

    act(() => client.setConnection('closed'));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Lost the connection to Portico');
    expect(screen.getByRole('tablist')).toBeTruthy();

    await act(async () => client.setConnection('open'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(client.inputsOf('status.get').length).toBeGreaterThanOrEqual(2);
  });

  it('shows the listeners with their notes and the data dir', async () => {
    const client = createFakeClient({ 'status.get': () => makeStatus() });
    renderApp(client);
    const footer = await screen.findByRole('contentinfo');

    expect(within(footer).getByText(/443 needs privileges: using 8443/)).toBeTruthy();
    expect(within(footer).getByText('127.0.0.1:8443, [::1]:8443')).toBeTruthy();
    expect(within(footer).getByText('/home/dev/.config/portico')).toBeTruthy();
    expect(screen.getByRole('banner').textContent).toContain('Running (v0.1.0, pid 4242)');
  });
});
