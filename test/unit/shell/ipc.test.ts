import type { WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../../../main/control';
import { PorticoError } from '../../../main/engine/errors';
import { createEventBus } from '../../../main/engine/events';
import type { CommandHandlers } from '../../../main/engine/handlers';
import { registerIpcBridge } from '../../../main/shell/ipc';
import { IPC_CHANNELS } from '../../../main/shell/ipc-channels';
import { createPorticoBridge, exposePorticoBridge } from '../../../main/shell/preload-bridge';
import type { IpcRendererLike, PorticoBridge } from '../../../main/shell/preload-bridge';
import { projectStatus, status } from './fixtures';

type Listener = (event: unknown, ...args: unknown[]) => unknown;

/** ipcMain as the bridge uses it: handlers and listeners by channel, invoked by the test. */
function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const listeners = new Map<string, Set<Listener>>();
  return {
    handle: (channel: string, listener: Listener) => void handlers.set(channel, listener),
    removeHandler: (channel: string) => void handlers.delete(channel),
    on(channel: string, listener: Listener) {
      listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener));
      return this;
    },
    removeListener(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener);
      return this;
    },
    invoke: (channel: string, event: unknown, ...args: unknown[]) => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return Promise.resolve(handler(event, ...args));
    },
    emit: (channel: string, event: unknown, ...args: unknown[]) => listeners.get(channel)?.forEach((l) => l(event, ...args)),
    handlers,
  };
}

function fakeContents(id: number) {
  const sent: unknown[][] = [];
  let destroyed = false;
  const onDestroyed: Array<() => void> = [];
  const contents = {
    id,
    send: (...args: unknown[]) => void sent.push(args),
    isDestroyed: () => destroyed,
    once: (event: string, listener: () => void) => (event === 'destroyed' && onDestroyed.push(listener), contents),
    destroy() {
      destroyed = true;
      onDestroyed.forEach((l) => l());
    },
  };
  return { contents: contents as unknown as WebContents & { destroy(): void }, sent };
}

const mainFrame = (url: string) => ({ url, parent: null });
const subFrame = (url: string) => ({ url, parent: mainFrame('app://portico/index.html') });

function setup(overrides: Partial<CommandHandlers> = {}) {
  const handlers = {
    'status.get': async () => status([projectStatus({ name: 'web' })]),
    'projects.get': async ({ name }: { name: string }) => {
      throw new PorticoError('E_PROJECT_NOT_FOUND', `no project named "${name}". \`portico list\` shows them.`);
    },
    'projects.list': async () => {
      throw new Error('secret stack detail /home/user/.config/portico/ca/root-key.pem');
    },
    ...overrides,
  } as unknown as CommandHandlers;
  const ipcMain = fakeIpcMain();
  const events = createEventBus();
  const own = fakeContents(1);
  const other = fakeContents(2);
  const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };
  const bridge = registerIpcBridge({
    ipcMain: ipcMain as never,
    dispatcher: createDispatcher(handlers, { logger: logger as never }),
    events,
    isOwnWindow: (contents) => contents.id === own.contents.id,
  });
  const fromWindow = (frame: unknown = mainFrame('app://portico/index.html'), sender = own.contents) => ({ sender, senderFrame: frame });
  return { ipcMain, events, own, other, bridge, fromWindow };
}

describe('main-side IPC bridge', () => {
  it('answers a command from the window main frame with a Result', async () => {
    const { ipcMain, fromWindow } = setup();
    const answer = (await ipcMain.invoke(IPC_CHANNELS.call, fromWindow(), 'status.get', {})) as { ok: boolean; value: { projects: unknown[] } };
    expect(answer.ok).toBe(true);
    expect(answer.value.projects).toHaveLength(1);
  });

  const refused: Array<[string, (s: ReturnType<typeof setup>) => unknown]> = [
    ['a subframe showing an app:// page', (s) => s.fromWindow(subFrame('app://portico/index.html'))],
    ['a subframe of another origin', (s) => s.fromWindow(subFrame('https://evil.example/'))],
    ['the main frame navigated to a foreign origin', (s) => s.fromWindow(mainFrame('https://evil.example/'))],
    ['a file:// page', (s) => s.fromWindow(mainFrame('file:///etc/passwd'))],
    ['an app:// page of another host', (s) => s.fromWindow(mainFrame('app://evil/index.html'))],
    ['another webContents (a second window)', (s) => s.fromWindow(mainFrame('app://portico/index.html'), s.other.contents)],
    ['a frame that is gone (senderFrame null)', (s) => s.fromWindow(null)],
    [
      'a frame disposed mid-message (access throws)',
      (s) => ({
        sender: s.own.contents,
        get senderFrame() {
          throw new Error('Render frame was disposed before WebFrameMain could be accessed');
        },
      }),
    ],
  ];
  it.each(refused)('refuses a message from %s with E_FORBIDDEN', async (_name, event) => {
    const s = setup();
    const answer = await s.ipcMain.invoke(IPC_CHANNELS.call, event(s), 'status.get', {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
  });

  it.each([
    ['an unknown command', 'shell.exec', {}, 'E_UNKNOWN_COMMAND'],
    ['a prototype key', '__proto__', {}, 'E_UNKNOWN_COMMAND'],
    ['a non-string name', { name: 'status.get' }, {}, 'E_UNKNOWN_COMMAND'],
    ['input failing the schema', 'projects.setHttps', { name: 'web', enabled: 'yes' }, 'E_INVALID_INPUT'],
    ['extra fields', 'status.get', { evil: true }, 'E_INVALID_INPUT'],
  ])('refuses %s', async (_name, command, input, code) => {
    const { ipcMain, fromWindow } = setup();
    expect(await ipcMain.invoke(IPC_CHANNELS.call, fromWindow(), command, input)).toMatchObject({ ok: false, error: { code } });
  });

  it('turns a PorticoError into {code, message}', async () => {
    const { ipcMain, fromWindow } = setup();
    const answer = await ipcMain.invoke(IPC_CHANNELS.call, fromWindow(), 'projects.get', { name: 'nope' });
    expect(answer).toEqual({ ok: false, error: { code: 'E_PROJECT_NOT_FOUND', message: 'no project named "nope". `portico list` shows them.' } });
  });

  it('turns an unexpected error into E_INTERNAL without its message or stack', async () => {
    const { ipcMain, fromWindow } = setup();
    const answer = (await ipcMain.invoke(IPC_CHANNELS.call, fromWindow(), 'projects.list', {})) as { ok: false; error: { code: string; message: string } };
    expect(answer.error.code).toBe('E_INTERNAL');
    expect(JSON.stringify(answer)).not.toMatch(/root-key|secret|at /);
  });

  it('forwards watched events to the window only, and stops when unwatched', () => {
    const { ipcMain, events, own, other, fromWindow } = setup();
    ipcMain.emit(IPC_CHANNELS.watch, fromWindow(), 'status.changed', true);
    ipcMain.emit(IPC_CHANNELS.watch, fromWindow(mainFrame('https://evil.example/'), other.contents), 'status.changed', true);
    ipcMain.emit(IPC_CHANNELS.watch, fromWindow(), 'request.logged', 'yes');
    ipcMain.emit(IPC_CHANNELS.watch, fromWindow(), 'secrets.changed', true);
    const snapshot = status();
    events.emit('status.changed', snapshot);
    events.emit('project.changed', { name: 'web', project: null });
    expect(own.sent).toEqual([[IPC_CHANNELS.event, 'status.changed', snapshot]]);
    expect(other.sent).toEqual([]);
    ipcMain.emit(IPC_CHANNELS.watch, fromWindow(), 'status.changed', false);
    events.emit('status.changed', snapshot);
    expect(own.sent).toHaveLength(1);
  });

  it('forgets a destroyed window', () => {
    const { ipcMain, events, own, fromWindow } = setup();
    ipcMain.emit(IPC_CHANNELS.watch, fromWindow(), 'status.changed', true);
    own.contents.destroy();
    events.emit('status.changed', status());
    expect(own.sent).toEqual([]);
  });

  it('dispose removes the handler and the event forwarding', () => {
    const { ipcMain, events, bridge } = setup();
    bridge.dispose();
    expect(ipcMain.handlers.has(IPC_CHANNELS.call)).toBe(false);
    expect(events.listenerCount('status.changed')).toBe(0);
  });
});

/** An ipcRenderer wired to the fake main side, as our window's main frame. */
function rendererFor(s: ReturnType<typeof setup>) {
  const eventListeners: Listener[] = [];
  const sent: unknown[][] = [];
  const ipcRenderer = {
    invoke: vi.fn((channel: string, ...args: unknown[]) => s.ipcMain.invoke(channel, s.fromWindow(), ...args)),
    send: vi.fn((channel: string, ...args: unknown[]) => {
      sent.push([channel, ...args]);
      s.ipcMain.emit(channel, s.fromWindow(), ...args);
    }),
    on: vi.fn((channel: string, listener: Listener) => {
      if (channel === IPC_CHANNELS.event) eventListeners.push(listener);
      return ipcRenderer;
    }),
  };
  // Deliver what the main side sent to the window.
  const pump = () => {
    for (const args of (s.own.sent.splice(0) as unknown[][])) eventListeners.forEach((l) => l({ sender: 'ipc-internals' }, ...args.slice(1)));
  };
  return { ipcRenderer: ipcRenderer as unknown as IpcRendererLike & typeof ipcRenderer, sent, pump };
}

describe('preload bridge', () => {
  it('exposes exactly call and subscribe as window.portico, frozen', () => {
    const exposed: Record<string, unknown> = {};
    exposePorticoBridge({ exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) }, rendererFor(setup()).ipcRenderer);
    expect(Object.keys(exposed)).toEqual(['portico']);
    const api = exposed.portico as PorticoBridge;
    expect(Object.keys(api).sort()).toEqual(['call', 'subscribe']);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('runs a contract command through the main side', async () => {
    const s = setup();
    const bridge = createPorticoBridge(rendererFor(s).ipcRenderer);
    expect(await bridge.call('projects.get', { name: 'x' })).toMatchObject({ ok: false, error: { code: 'E_PROJECT_NOT_FOUND' } });
    expect(await bridge.call('status.get', {})).toMatchObject({ ok: true });
  });

  it('rejects an unknown command name before any IPC', async () => {
    const s = setup();
    const { ipcRenderer } = rendererFor(s);
    const bridge = createPorticoBridge(ipcRenderer);
    expect(await bridge.call('constructor', {})).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_COMMAND' } });
    expect(ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it.each([
    ['the channel broke (invoke rejects)', () => Promise.reject(new Error('channel closed'))],
    ['the answer is not a Result', () => Promise.resolve({ surprise: true })],
  ])('answers E_INTERNAL when %s', async (_name, invoke) => {
    const bridge = createPorticoBridge({ invoke, send: () => undefined, on: () => undefined } as unknown as IpcRendererLike);
    expect(await bridge.call('status.get', {})).toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
  });

  it('rejects unknown event names and non-function listeners', () => {
    const bridge = createPorticoBridge(rendererFor(setup()).ipcRenderer);
    expect(() => bridge.subscribe('status.changedx', () => undefined)).toThrow(/unknown event/);
    expect(() => bridge.subscribe('hasOwnProperty', () => undefined)).toThrow(/unknown event/);
    expect(() => bridge.subscribe('status.changed', 'alert(1)' as never)).toThrow(/listener/);
  });

  it('delivers payloads only, watches once per event and unwatches after the last listener', () => {
    const s = setup();
    const { ipcRenderer, sent, pump } = rendererFor(s);
    const bridge = createPorticoBridge(ipcRenderer);
    const first: unknown[][] = [];
    const second: unknown[][] = [];
    const offFirst = bridge.subscribe('status.changed', (...args) => void first.push(args));
    const offSecond = bridge.subscribe('status.changed', (...args) => {
      second.push(args);
      throw new Error('a buggy listener');
    });
    expect(sent).toEqual([[IPC_CHANNELS.watch, 'status.changed', true]]);
    const snapshot = status();
    s.events.emit('status.changed', snapshot);
    pump();
    expect(first).toEqual([[snapshot]]);
    expect(second).toEqual([[snapshot]]);
    offFirst();
    offFirst();
    expect(sent).toHaveLength(1);
    offSecond();
    expect(sent).toEqual([
      [IPC_CHANNELS.watch, 'status.changed', true],
      [IPC_CHANNELS.watch, 'status.changed', false],
    ]);
    s.events.emit('status.changed', snapshot);
    pump();
    expect(first).toHaveLength(1);
  });
});
