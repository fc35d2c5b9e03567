// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../renderer/api/client';
import type { CaView } from '../../../shared/views';
import { createFakeClient, deferred } from '../helpers/fake-client';
import { makeCaView, makeProjectStatus, makeStatus, makeTrustState } from '../helpers/fixtures';
import { renderApp } from '../helpers/render';

const OLD = makeCaView({ permitted: { dns: ['localhost', 'test', 'internal'], ip: ['127.0.0.0/8', '::1/128'] } });
const NEW = makeCaView({
  certificate: { ...OLD.certificate, serialNumber: '02', fingerprint256: 'EE:FF:00:11' },
  permitted: { dns: ['localhost', 'test', 'internal', 'example'], ip: ['127.0.0.0/8', '::1/128'] },
});
const nss = makeTrustState({ status: 'installed', verified: true });

async function openCa(rotate?: () => CaView | Promise<CaView>) {
  let trustAnswer = [nss];
  const client = createFakeClient({
    'status.get': () => makeStatus({ projects: [makeProjectStatus()] }),
    'ca.get': () => OLD,
    'trust.status': () => trustAnswer,
    ...(rotate && { 'ca.rotate': rotate }),
  });
  renderApp(client);
  fireEvent.click(await screen.findByRole('tab', { name: 'CA and trust' }));
  await screen.findByText('AA:BB:CC:DD');
  await screen.findByRole('table', { name: /Trust stores/ });
  return { client, setTrust: (states: typeof trustAnswer) => (trustAnswer = states) };
}

const allowForm = () => screen.getByRole('form', { name: 'Allow another suffix' });
const suffixInput = () => screen.getByRole('textbox', { name: 'New suffix' });
const nextRoot = () => within(screen.getByRole('list', { name: 'Suffixes the next root allows' }));

async function allow(suffix: string) {
  fireEvent.change(suffixInput(), { target: { value: suffix } });
  await act(async () => fireEvent.submit(allowForm()));
}

describe('rotating the CA from the dashboard', () => {
  it('lists the suffixes the next root allows and queues a valid new one', async () => {
    await openCa();
    expect(nextRoot().getAllByRole('listitem').map((item) => item.textContent)).toEqual(['localhost', 'test', 'internal']);

    await allow(' .Example ');
    expect(nextRoot().getAllByRole('listitem').map((item) => item.textContent)).toEqual(['localhost', 'test', 'internal', '.example (new)×']);
    expect((suffixInput() as HTMLInputElement).value).toBe('');

    fireEvent.click(nextRoot().getByRole('button', { name: 'Do not add .example' }));
    expect(nextRoot().getAllByRole('listitem')).toHaveLength(3);
  });

  it('refuses a suffix the root already covers, next to the input, and keeps focus there', async () => {
    await openCa();
    await allow('.dev.internal');
    const input = suffixInput();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(input.getAttribute('aria-describedby')!.split(' ').at(-1)!)?.textContent).toBe('Error: ".dev.internal" is already allowed: every name under "internal" is.');
    expect(document.activeElement).toBe(input);
    expect(nextRoot().getAllByRole('listitem')).toHaveLength(3);

    await allow('bad suffix');
    expect(allowForm().textContent).toMatch(/"bad suffix" is not a valid suffix/);
  });

  it('rotates only after a confirm that says what happens, then shows the new root and checks the stores again', async () => {
    const { client, setTrust } = await openCa(() => NEW);
    await allow('.example');

    fireEvent.click(screen.getByRole('button', { name: 'Rotate the CA' }));
    const confirm = screen.getByRole('group', { name: 'Rotate the local CA?' });
    const text = confirm.textContent ?? '';
    expect(text).toContain('Portico makes a new root that also allows .example');
    expect(text).toContain('re-issued, signed by the new root, the next time it is used');
    expect(text).toContain('The new root is trusted in every store the old one was in');
    expect(text).toContain('Browsers may need a restart');
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(client.inputsOf('ca.rotate')).toEqual([]);

    setTrust([{ ...nss, detail: 'The new root is in this database.' }]);
    await act(async () => fireEvent.click(within(confirm).getByRole('button', { name: 'Rotate' })));

    expect(client.inputsOf('ca.rotate')).toEqual([{ addSuffixes: ['.example'] }]);
    expect(screen.queryByText('AA:BB:CC:DD')).toBeNull();
    expect(screen.getByText('EE:FF:00:11')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Name constraints' })).getByText('example')).toBeTruthy();
    expect(nextRoot().getAllByRole('listitem').map((item) => item.textContent)).toEqual(['localhost', 'test', 'internal', 'example']);
    expect(screen.getByText('New root made, also allowing .example. Project certificates are re-issued on their next use.').getAttribute('role')).toBe('status');
    expect(client.inputsOf('trust.status')).toHaveLength(2);
    expect(await screen.findByText('The new root is in this database.')).toBeTruthy();
    expect(screen.queryByRole('group', { name: 'Rotate the local CA?' })).toBeNull();
  });

  it('rotates without a new suffix too (a new key), and Cancel changes nothing', async () => {
    const { client } = await openCa(() => ({ ...OLD, certificate: { ...OLD.certificate, fingerprint256: '99:88' } }));
    fireEvent.click(screen.getByRole('button', { name: 'Rotate the CA' }));
    fireEvent.click(within(screen.getByRole('group', { name: 'Rotate the local CA?' })).getByRole('button', { name: 'Cancel' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Rotate the CA' }));
    expect(client.inputsOf('ca.rotate')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Rotate the CA' }));
    const confirm = screen.getByRole('group', { name: 'Rotate the local CA?' });
    expect(confirm.textContent).toContain('Portico makes a new root; the old one is kept');
    await act(async () => fireEvent.click(within(confirm).getByRole('button', { name: 'Rotate' })));
    expect(client.inputsOf('ca.rotate')).toEqual([{ addSuffixes: [] }]);
    expect(screen.getByText('99:88')).toBeTruthy();
  });

  it('shows the pending state, then a failure with its code, and keeps the queued suffix', async () => {
    const answer = deferred<CaView>();
    await openCa(() => answer.promise);
    await allow('.example');
    fireEvent.click(screen.getByRole('button', { name: 'Rotate the CA' }));
    const confirm = screen.getByRole('group', { name: 'Rotate the local CA?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Rotate' }));

    const busy = await within(confirm).findByRole('button', { name: 'Working…' });
    expect(busy.getAttribute('aria-busy')).toBe('true');
    expect((within(confirm).getByRole('button', { name: 'Cancel' }) as HTMLButtonElement).disabled).toBe(true);

    await act(async () => answer.reject(new ApiError('E_CA_LOCKED', 'Another Portico is changing the CA; retry in a moment.')));
    const alert = screen.getAllByRole('alert').find((node) => node.textContent?.includes("Couldn't rotate the CA"))!;
    expect(alert.textContent).toContain('Another Portico is changing the CA; retry in a moment.');
    expect(alert.textContent).toContain('E_CA_LOCKED');
    expect(screen.getByText('AA:BB:CC:DD')).toBeTruthy();
    expect(nextRoot().getByText('.example')).toBeTruthy();
  });
});
