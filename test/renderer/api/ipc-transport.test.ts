import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../renderer/api/client';
import type { PorticoBridge } from '../../../renderer/api/bridge';
import { createIpcTransport } from '../../../renderer/api/ipc-transport';

describe('ipc transport', () => {
  it("passes commands to the preload bridge and returns its answers", async () => {
    const seen: Array<[string, unknown]> = [];
    const bridge: PorticoBridge = {
      call: async (name, input) => {
        seen.push([name, input]);
        return name === 'projects.remove' ? { ok: false, error: { code: 'E_PROJECT_NOT_FOUND', message: 'No project "x".' } } : { ok: true, value: 'value' };
      },
      subscribe: () => () => undefined,
    };
    const client = createApiClient(createIpcTransport(bridge));

    await expect(client.call('ca.get', {})).resolves.toBe('value');
    await expect(client.call('projects.remove', { name: 'x' })).rejects.toMatchObject({ code: 'E_PROJECT_NOT_FOUND', message: 'No project "x".' });
    expect(seen).toEqual([
      ['ca.get', {}],
      ['projects.remove', { name: 'x' }],
    ]);
    expect(client.connection()).toBe('open');
  });

  it('turns a broken IPC channel into E_INTERNAL instead of a crash', async () => {
    const bridge: PorticoBridge = { call: () => Promise.reject(new Error('object could not be cloned')), subscribe: () => () => undefined };
    await expect(createApiClient(createIpcTransport(bridge)).call('status.get', {})).rejects.toMatchObject({ code: 'E_INTERNAL' });
  });

  it('subscribes through the bridge', () => {
    const listeners: Array<(payload: unknown) => void> = [];
    const bridge: PorticoBridge = {
      call: async () => ({ ok: true, value: null }),
      subscribe: (event, listener) => {
        expect(event).toBe('request.logged');
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
    };
    const heard: unknown[] = [];
    const off = createApiClient(createIpcTransport(bridge)).subscribe('request.logged', (entry) => heard.push(entry));
    listeners[0]?.({ id: 1 });
    off();
    expect(heard).toEqual([{ id: 1 }]);
    expect(listeners).toHaveLength(0);
  });
});
