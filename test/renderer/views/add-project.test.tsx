// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../renderer/api/client';
import { checkDomain, checkPort, checkProjectName, checkUpstream } from '../../../shared/names';
import { createFakeClient } from '../helpers/fake-client';
import { makeProject, makeStatus } from '../helpers/fixtures';
import { renderApp } from '../helpers/render';

const messageOf = (checked: { ok: boolean; message?: string }) => (checked.ok ? '' : (checked.message ?? ''));

async function renderForm() {
  const client = createFakeClient({ 'status.get': () => makeStatus() });
  renderApp(client);
  const form = await screen.findByRole('form', { name: 'Add your first project' });
  const field = (label: string) => within(form).getByLabelText(label) as HTMLInputElement;
  const type = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });
  const descriptionOf = (label: string) =>
    (field(label).getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ');
  return { client, form, field, type, descriptionOf };
}

describe('add project form', () => {
  it('validates as you type with the shared rules, tied to each field', async () => {
    const { field, type, descriptionOf } = await renderForm();

    type('Name', 'My App');
    expect(field('Name').getAttribute('aria-invalid')).toBe('true');
    expect(descriptionOf('Name')).toContain(messageOf(checkProjectName('My App')));
    type('Name', 'web');
    expect(field('Name').getAttribute('aria-invalid')).toBeNull();

    type('Port or upstream URL', '70000');
    expect(descriptionOf('Port or upstream URL')).toContain(messageOf(checkPort('70000')));
    type('Port or upstream URL', 'ftp://localhost:21');
    expect(descriptionOf('Port or upstream URL')).toContain(messageOf(checkUpstream('ftp://localhost:21')));

    type('Domains (optional)', 'web.localhost, not a domain');
    expect(descriptionOf('Domains (optional)')).toContain(messageOf(checkDomain('not a domain')));
  });

  it('reveals every problem on submit, focuses the first, and sends nothing', async () => {
    const { client, form, field, descriptionOf } = await renderForm();

    await act(async () => fireEvent.submit(form));

    expect(descriptionOf('Name')).toContain('Enter a project name');
    expect(descriptionOf('Port or upstream URL')).toContain("Enter the dev server's port");
    expect(document.activeElement).toBe(field('Name'));
    expect(client.inputsOf('projects.add')).toEqual([]);
  });

  it('sends projects.add with a port or an upstream and normalized domains, then clears', async () => {
    const { client, form, field, type } = await renderForm();
    client.on('projects.add', () => makeProject({ name: 'api' }));

    type('Name', 'api');
    type('Port or upstream URL', '3000');
    type('Domains (optional)', 'API.test, api.localhost');
    await act(async () => fireEvent.submit(form));

    expect(client.inputsOf('projects.add')).toEqual([{ name: 'api', port: 3000, domains: ['api.test', 'api.localhost'] }]);
    expect(field('Name').value).toBe('');
    expect(within(form.closest('section')!).getByRole('status').textContent).toBe('Added api.');

    type('Name', 'docs');
    type('Port or upstream URL', 'http://localhost:4000');
    await act(async () => fireEvent.submit(form));
    expect(client.inputsOf('projects.add')[1]).toEqual({ name: 'docs', upstream: 'http://localhost:4000' });
  });

  it("shows the engine's message when adding fails, and keeps what was typed", async () => {
    const { client, form, field, type } = await renderForm();
    client.on('projects.add', () => {
      throw new ApiError('E_DUPLICATE_DOMAIN', 'Project "web" already serves web.localhost: choose another domain.');
    });

    type('Name', 'web2');
    type('Port or upstream URL', '5174');
    type('Domains (optional)', 'web.localhost');
    await act(async () => fireEvent.submit(form));

    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain("Couldn't add the project");
    expect(alert.textContent).toContain('Project "web" already serves web.localhost: choose another domain.');
    expect(alert.textContent).toContain('E_DUPLICATE_DOMAIN');
    expect(field('Name').value).toBe('web2');
  });
});
