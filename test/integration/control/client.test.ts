import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createControlClient } from '../../../main/control/client';
import { PorticoError } from '../../../main/engine/errors';
import { project, status } from '../../unit/control/fake-handlers';
import { startHarness } from './harness';

let harness: Awaited<ReturnType<typeof startHarness>>;
beforeEach(async () => {
  harness = await startHarness({
    overrides: {
      'projects.remove': async () => Promise.reject(new PorticoError('E_PROJECT_NOT_FOUND', 'no project "nope". List them with `portico list`.')),
      'trust.install': async () => Promise.reject(new Error('secret detail')),
    },
  });
});
afterEach(async () => {
  await harness.server.close();
});

describe('control client', () => {
  it('calls a command and returns its value', async () => {
    const client = createControlClient({ url: harness.server.url, token: harness.server.token });
    expect(await client.call('status.get', {})).toEqual(status);
    expect(await client.call('projects.add', { name: 'web', port: 5173 })).toEqual(project);
    expect(harness.calls).toEqual([
      { name: 'status.get', input: {} },
      { name: 'projects.add', input: { name: 'web', port: 5173 } },
    ]);
  });

  it('accepts a URL with a trailing slash', async () => {
    const client = createControlClient({ url: `${harness.server.url}/`, token: harness.server.token });
    expect(await client.call('projects.list', {})).toEqual([project]);
  });

  it("throws the engine's code and message as a PorticoError", async () => {
    const client = createControlClient({ url: harness.server.url, token: harness.server.token });
    const error = await client.call('projects.remove', { name: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PorticoError);
    expect(error).toMatchObject({ code: 'E_PROJECT_NOT_FOUND', message: 'no project "nope". List them with `portico list`.' });
  });

  it('throws E_INVALID_INPUT for input the contract refuses', async () => {
    const client = createControlClient({ url: harness.server.url, token: harness.server.token });
    // A caller outside TypeScript's reach (JSON from a script) can still send this.
    await expect(client.call('projects.get', { name: 7 } as never)).rejects.toMatchObject({ code: 'E_INVALID_INPUT', message: expect.stringContaining('name') });
  });

  it('throws E_INTERNAL without the detail for an unexpected failure', async () => {
    const client = createControlClient({ url: harness.server.url, token: harness.server.token });
    const error = (await client.call('trust.install', {}).catch((e: unknown) => e)) as PorticoError;
    expect(error.code).toBe('E_INTERNAL');
    expect(error.message).not.toContain('secret detail');
  });

  it('throws E_UNAUTHORIZED with a wrong token', async () => {
    const client = createControlClient({ url: harness.server.url, token: '0'.repeat(32) });
    await expect(client.call('status.get', {})).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' });
    expect(harness.calls).toEqual([]);
  });

  it('throws E_ENGINE_NOT_RUNNING when nothing listens', async () => {
    const { url, token } = harness.server;
    await harness.server.close();
    const client = createControlClient({ url, token });
    await expect(client.call('status.get', {})).rejects.toMatchObject({ code: 'E_ENGINE_NOT_RUNNING', message: expect.stringContaining(url) });
    const subscription = client.subscribe([], () => undefined);
    await expect(subscription.ready).rejects.toMatchObject({ code: 'E_ENGINE_NOT_RUNNING' });
    expect(await subscription.done).toMatchObject({ reason: 'failed' });
  });
});
