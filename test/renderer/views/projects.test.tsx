// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../renderer/api/client';
import type { Project } from '../../../shared/config';
import { createFakeClient, deferred } from '../helpers/fake-client';
import { makeProject, makeProjectStatus, makeRequest, makeStatus } from '../helpers/fixtures';
import { emit, renderApp } from '../helpers/render';

function withProjects(...projects: Parameters<typeof makeProjectStatus>[]) {
  return makeStatus({ projects: projects.map((args) => makeProjectStatus(...args)) });
}

async function renderWith(status = withProjects([{ name: 'web' }])) {
  const client = createFakeClient({ 'status.get': () => status, 'requests.recent': () => [] });
  renderApp(client);
  await screen.findByRole('heading', { name: 'Projects', level: 2 });
  return client;
}

describe('projects: first run', () => {
  it('shows the guide, the CLI equivalent, the add form and a way to the CA when there are no projects', async () => {
    const client = createFakeClient({ 'status.get': () => makeStatus(), 'ca.get': () => new Promise(() => undefined) });
    renderApp(client);

    expect(await screen.findByRole('heading', { name: 'Welcome to Portico' })).toBeTruthy();
    expect(screen.getByText('portico add web --port 5173')).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Add your first project' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Open CA and trust' }));
    expect(screen.getByRole('tab', { name: 'CA and trust' }).getAttribute('aria-selected')).toBe('true');
  });
});

describe('projects: list', () => {
  it('names the switches exactly and reflects their state in aria-checked', async () => {
    await renderWith(withProjects([{ name: 'web' }], [{ name: 'api', https: false, enabled: false }]));

    expect(screen.getByRole('switch', { name: 'HTTPS for web' }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByRole('switch', { name: 'Enabled for web' }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByRole('switch', { name: 'HTTPS for api' }).getAttribute('aria-checked')).toBe('false');
    expect(screen.getByRole('switch', { name: 'Enabled for api' }).getAttribute('aria-checked')).toBe('false');
    expect(screen.getByRole('switch', { name: 'Secure cookies for web' }).getAttribute('aria-checked')).toBe('true');
  });

  it('calls projects.setHttps, shows the pending state, and re-renders from status.changed', async () => {
    const answer = deferred<Project>();
    const client = await renderWith();
    client.on('projects.setHttps', () => answer.promise);
    const https = screen.getByRole('switch', { name: 'HTTPS for web' });

    fireEvent.click(https);
    expect(client.inputsOf('projects.setHttps')).toEqual([{ name: 'web', enabled: false }]);
    expect(https.getAttribute('aria-busy')).toBe('true');
    fireEvent.click(https); // ignored while pending
    expect(client.inputsOf('projects.setHttps')).toHaveLength(1);

    await act(async () => answer.resolve(makeProject({ https: false })));
    expect(https.getAttribute('aria-busy')).toBeNull();
    // No optimistic update: the engine's event is what flips it.
    expect(https.getAttribute('aria-checked')).toBe('true');
    emit(client, 'status.changed', withProjects([{ name: 'web', https: false }]));
    expect(screen.getByRole('switch', { name: 'HTTPS for web' }).getAttribute('aria-checked')).toBe('false');
  });

  it('calls projects.setEnabled and projects.update for cookies', async () => {
    const client = await renderWith();
    client.on('projects.setEnabled', () => makeProject({ enabled: false }));
    client.on('projects.update', () => makeProject({ secureCookies: false }));

    await act(async () => fireEvent.click(screen.getByRole('switch', { name: 'Enabled for web' })));
    await act(async () => fireEvent.click(screen.getByRole('switch', { name: 'Secure cookies for web' })));

    expect(client.inputsOf('projects.setEnabled')).toEqual([{ name: 'web', enabled: false }]);
    expect(client.inputsOf('projects.update')).toEqual([{ name: 'web', changes: { secureCookies: false } }]);
  });

  it("shows the engine's message when a switch fails", async () => {
    const client = await renderWith();
    client.on('projects.setHttps', () => {
      throw new ApiError('E_CA_LOCKED', 'The CA key is encrypted by the desktop app: open Portico to unlock it.');
    });

    await act(async () => fireEvent.click(screen.getByRole('switch', { name: 'HTTPS for web' })));

    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain("Couldn't turn HTTPS off for web");
    expect(alert.textContent).toContain('The CA key is encrypted by the desktop app: open Portico to unlock it.');
    expect(alert.textContent).toContain('E_CA_LOCKED');
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('changes the HSTS policy and the Host header through projects.update, with the Chromium note on .localhost', async () => {
    const client = await renderWith();
    client.on('projects.update', () => makeProject());

    const hsts = screen.getByRole('combobox', { name: 'HSTS for web' });
    expect((hsts as HTMLSelectElement).value).toBe('dev');
    expect(hsts.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(hsts.getAttribute('aria-describedby')!)?.textContent).toMatch(/Chromium ignores HSTS on \*\.localhost/);

    await act(async () => fireEvent.change(hsts, { target: { value: 'production' } }));
    await act(async () => fireEvent.change(screen.getByRole('combobox', { name: 'Host header for web' }), { target: { value: 'upstream' } }));

    expect(client.inputsOf('projects.update')).toEqual([
      { name: 'web', changes: { hsts: 'production' } },
      { name: 'web', changes: { hostHeader: 'upstream' } },
    ]);
  });

  it('links each domain to its URL in a new tab without a referrer, and keeps wildcards as text', async () => {
    await renderWith(withProjects([{ name: 'web', domains: ['web.localhost', '*.web.localhost'] }]));

    const link = screen.getByRole('link', { name: 'https://web.localhost:8443' });
    expect(link.getAttribute('href')).toBe('https://web.localhost:8443/');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noreferrer');
    expect(screen.getByText('*.web.localhost')).toBeTruthy();
    expect(screen.getByText('http://localhost:5173')).toBeTruthy();
  });

  it('says the health in words', async () => {
    await renderWith(
      withProjects(
        [{ name: 'web' }],
        [{ name: 'api' }, { health: { state: 'down', reason: 'connection refused on 127.0.0.1:3000', since: '2025-01-01T00:00:00.000Z' } }],
        [{ name: 'docs', enabled: false }],
        [{ name: 'blog' }, { health: { state: 'unknown', since: '2025-01-01T00:00:00.000Z' } }],
      ),
    );
    const card = (name: string) => screen.getByRole('article', { name });

    expect(within(card('web')).getByText('Up')).toBeTruthy();
    expect(within(card('api')).getByText('Down')).toBeTruthy();
    expect(card('api').textContent).toContain('connection refused on 127.0.0.1:3000');
    expect(within(card('docs')).getByText('Disabled')).toBeTruthy();
    expect(within(card('blog')).getByText('Unknown')).toBeTruthy();
  });
});

describe('projects: remove', () => {
  it('asks inline, cancels with Escape back to the trigger, and removes after confirming', async () => {
    const client = await renderWith();
    client.on('projects.remove', () => makeProject());

    fireEvent.click(screen.getByRole('button', { name: 'Remove web' }));
    const confirm = screen.getByRole('group', { name: 'Remove web?' });
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Cancel' }));

    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('group', { name: 'Remove web?' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove web' }));
    expect(client.inputsOf('projects.remove')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Remove web' }));
    await act(async () => fireEvent.click(within(screen.getByRole('group', { name: 'Remove web?' })).getByRole('button', { name: 'Remove' })));
    expect(client.inputsOf('projects.remove')).toEqual([{ name: 'web' }]);

    emit(client, 'status.changed', makeStatus());
    expect(screen.getByRole('heading', { name: 'Welcome to Portico' })).toBeTruthy();
  });
});

describe('projects: TLS details', () => {
  it("shows the certificate, what recent requests negotiated, the HSTS header and cookie rewrites", async () => {
    const client = createFakeClient({
      'status.get': () => withProjects([{ name: 'web' }, { hstsHeader: 'max-age=3600', cookiesRewritten: 5 }]),
      'requests.recent': () => [makeRequest({ project: 'web', protocol: 'h2', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' })],
    });
    renderApp(client);
    const toggle = await screen.findByRole('button', { name: 'TLS details for web' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');

    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const details = screen.getByRole('region', { name: 'TLS details for web' });
    const text = details.textContent ?? '';
    expect(text).toContain('web.localhost');
    expect(text).toContain('Portico Local CA');
    expect(text).toContain('80 days left');
    expect(text).toContain('AB:CD:EF:01');
    expect(text).toContain('RSA 2048');
    expect(text).toContain('Strict-Transport-Security: max-age=3600');
    expect(text).toContain('5 cookies rewritten');
    expect(text).toContain('Mozilla intermediate 6.0');
    expect(within(details).getByRole('cell', { name: 'TLS_AES_256_GCM_SHA384' })).toBeTruthy();
    expect(within(details).getByRole('cell', { name: 'TLSv1.3' })).toBeTruthy();
  });
});
