// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../renderer/api/client';
import type { TrustStateView } from '../../../shared/contract';
import { createFakeClient } from '../helpers/fake-client';
import { makeCaView, makeProjectStatus, makeStatus, makeTrustState } from '../helpers/fixtures';
import { renderApp } from '../helpers/render';

const nss = makeTrustState();
const system = makeTrustState({ store: 'system', label: 'Debian system store', status: 'installed', verified: true, detail: 'root.pem is in /usr/local/share/ca-certificates.' });
const java = makeTrustState({ store: 'java', label: 'Java keystore', status: 'unavailable', detail: 'keytool was not found.', hint: 'Install a JDK, then run `portico trust install --store java`.' });

async function openTrust(trust: () => TrustStateView[]) {
  const client = createFakeClient({ 'status.get': () => makeStatus({ projects: [makeProjectStatus()] }), 'ca.get': () => makeCaView(), 'trust.status': trust });
  renderApp(client);
  fireEvent.click(await screen.findByRole('tab', { name: 'CA and trust' }));
  return client;
}

const rowOf = (label: string) => screen.getByRole('rowheader', { name: label }).closest('tr')!;

describe('CA and trust panel', () => {
  it("shows the root's path, fingerprint, validity and name constraints", async () => {
    await openTrust(() => []);
    const section = (await screen.findByRole('heading', { name: 'Local certificate authority' })).closest('section')!;
    await within(section).findByText('Portico Local CA');

    expect(within(section).getAllByText('/home/dev/.config/portico/ca/root.pem').length).toBeGreaterThan(0);
    expect(within(section).getByText('AA:BB:CC:DD')).toBeTruthy();
    expect(section.textContent).toContain('RSA 2048, private file (0600)');
    const constraints = within(section).getByRole('list', { name: 'Name constraints' });
    expect(within(constraints).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['localhost', '.localhost', '.test', '127.0.0.0/8', '::1/128']);
  });

  it("lists each store's state, and shows an unavailable store's hint without buttons", async () => {
    await openTrust(() => [system, nss, java]);
    await screen.findByRole('table', { name: /Trust stores/ });

    expect(within(rowOf('Debian system store')).getByText('Installed and verified')).toBeTruthy();
    expect(within(rowOf('Debian system store')).getByRole('button', { name: 'Uninstall from Debian system store' })).toBeTruthy();
    expect(within(rowOf('Chrome/Chromium (NSS ~/.pki/nssdb)')).getByText('Not installed')).toBeTruthy();

    const javaRow = rowOf('Java keystore');
    expect(within(javaRow).getByText('Unavailable')).toBeTruthy();
    expect(javaRow.textContent).toContain('Install a JDK, then run portico trust install --store java.');
    expect(within(javaRow).getByText('portico trust install --store java').tagName).toBe('CODE');
    expect(within(javaRow).queryByRole('button')).toBeNull();
  });

  it('installs only after a confirmation naming the store, then shows the new state', async () => {
    const client = await openTrust(() => [nss, java]);
    client.on('trust.install', ({ stores }) => {
      expect(stores).toEqual(['nss']);
      return [{ ...nss, status: 'installed', verified: true }];
    });
    await screen.findByRole('table', { name: /Trust stores/ });

    fireEvent.click(within(rowOf(nss.label)).getByRole('button', { name: `Install in ${nss.label}` }));
    const confirm = screen.getByRole('group', { name: `Trust Portico's root CA in ${nss.label}?` });
    expect(confirm.textContent).toContain('localhost, .localhost, .test');
    expect(client.inputsOf('trust.install')).toEqual([]);

    await act(async () => fireEvent.click(within(confirm).getByRole('button', { name: 'Install' })));

    expect(client.inputsOf('trust.install')).toEqual([{ stores: ['nss'] }]);
    expect(within(rowOf(nss.label)).getByText('Installed and verified')).toBeTruthy();
    expect(within(rowOf('Java keystore')).getByText('Unavailable')).toBeTruthy();
  });

  it("shows a failed install's message in the store's row", async () => {
    const client = await openTrust(() => [nss]);
    client.on('trust.install', () => {
      throw new ApiError('E_TOOL_MISSING', 'certutil is missing: install libnss3-tools.');
    });
    await screen.findByRole('table', { name: /Trust stores/ });

    fireEvent.click(screen.getByRole('button', { name: `Install in ${nss.label}` }));
    await act(async () => fireEvent.click(within(screen.getByRole('group')).getByRole('button', { name: 'Install' })));

    const alert = within(rowOf(nss.label)).getByRole('alert');
    expect(alert.textContent).toContain('certutil is missing: install libnss3-tools.');
    expect(alert.textContent).toContain('E_TOOL_MISSING');
  });

  it('uninstalls with the store id', async () => {
    const client = await openTrust(() => [system]);
    client.on('trust.uninstall', () => [{ ...system, status: 'not-installed', verified: false }]);
    await screen.findByRole('table', { name: /Trust stores/ });

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Uninstall from Debian system store' })));

    expect(client.inputsOf('trust.uninstall')).toEqual([{ stores: ['system'] }]);
    expect(within(rowOf('Debian system store')).getByText('Not installed')).toBeTruthy();
  });

  it('explains an engine without trust support instead of crashing', async () => {
    await openTrust(() => {
      throw new ApiError('E_UNKNOWN_COMMAND', 'Unknown command "trust.status".');
    });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This Portico engine cannot manage trust stores yet');
    expect(alert.textContent).toContain('Unknown command "trust.status".');
    expect(screen.getByRole('heading', { name: 'Local certificate authority' })).toBeTruthy();
  });
});
