// @vitest-environment jsdom
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../renderer/api/client';
import { createFakeClient } from '../helpers/fake-client';
import { makeProjectStatus, makeRequest, makeStatus } from '../helpers/fixtures';
import { emit, renderApp } from '../helpers/render';

const status = makeStatus({ projects: [makeProjectStatus({ name: 'web' }), makeProjectStatus({ name: 'api' })] });

async function openRequests(recent: () => ReturnType<typeof makeRequest>[]) {
  const client = createFakeClient({ 'status.get': () => status, 'requests.recent': recent });
  renderApp(client);
  fireEvent.click(await screen.findByRole('tab', { name: 'Requests' }));
  return client;
}

const paths = () =>
  within(screen.getByRole('table', { name: 'Recent requests, newest first' }))
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[3]?.textContent);

// Role queries over 500 rows take seconds in jsdom: the bound test reads the cells directly.
const pathCells = () => [...document.querySelectorAll('tbody tr td:nth-child(4)')].map((cell) => cell.textContent);

describe('request log', () => {
  it('starts from requests.recent, adds live requests on top, and filters by project', async () => {
    const client = await openRequests(() => [
      makeRequest({ id: 2, project: 'api', path: '/api/me' }),
      makeRequest({ id: 1, project: 'web', path: '/' }),
    ]);
    await screen.findByRole('table', { name: 'Recent requests, newest first' });
    expect(client.inputsOf('requests.recent')[0]).toEqual({ limit: 500 });
    expect(paths()).toEqual(['/api/me', '/']);

    emit(client, 'request.logged', makeRequest({ id: 3, project: 'web', path: '/app.js', status: 304, protocol: 'http/1.1', tlsVersion: 'TLSv1.2' }));
    emit(client, 'request.logged', makeRequest({ id: 4, project: null, host: 'typo.localhost', path: '/x', status: 421 }));
    expect(paths()).toEqual(['/x', '/app.js', '/api/me', '/']);
    const newest = screen.getAllByRole('row')[2]!;
    expect(within(newest).getByText('http/1.1')).toBeTruthy();
    expect(within(newest).getByText('TLSv1.2')).toBeTruthy();
    expect(within(newest).getByText('304')).toBeTruthy();

    const filter = screen.getByRole('combobox', { name: 'Project' });
    fireEvent.change(filter, { target: { value: 'project:web' } });
    expect(paths()).toEqual(['/app.js', '/']);
    fireEvent.change(filter, { target: { value: 'unknown-host' } });
    expect(paths()).toEqual(['/x']);
    expect(screen.getByText('unknown host typo.localhost')).toBeTruthy();
    fireEvent.change(filter, { target: { value: 'all' } });
    expect(paths()).toHaveLength(4);
  });

  it('keeps at most 500 requests', async () => {
    const client = await openRequests(() => Array.from({ length: 500 }, (_, i) => makeRequest({ id: 500 - i })));
    await screen.findByText('/page-500');
    emit(client, 'request.logged', makeRequest({ id: 501, path: '/newest' }));

    const shown = pathCells();
    expect(shown).toHaveLength(500);
    expect(shown[0]).toBe('/newest');
    expect(shown).not.toContain('/page-1');
  });

  it('explains an empty log, and still shows live requests when the history cannot load', async () => {
    const client = await openRequests(() => {
      throw new ApiError('E_UNKNOWN_COMMAND', 'This engine does not know "requests.recent".');
    });
    expect(await screen.findByText(/No requests yet/)).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain("Couldn't load earlier requests");

    emit(client, 'request.logged', makeRequest({ id: 1, path: '/live' }));
    expect(paths()).toEqual(['/live']);
  });
});
