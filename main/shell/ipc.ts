/**
 * The main-process side of the window's IPC (security-requirements EL-5; ARCHITECTURE.md "errors
 * come back as {code, message}, never a thrown Electron IPC error").
 *
 * Every message is checked before anything else: it must come from a window the app trusts, from
 * that window's main frame, showing an `app://portico` page (`event.senderFrame`). A subframe, a
 * foreign origin or another webContents gets `E_FORBIDDEN`. Commands then go through the one
 * dispatcher, which checks the name and validates the input against the contract, so this file
 * never calls an engine function itself and every outcome is a `Result` object.
 */
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { EVENT_NAMES, isEventName } from '../../shared/contract';
import type { EventName, EventPayload, Result } from '../../shared/contract';
import type { Dispatcher } from '../control';
import type { EventBus } from '../engine/events';
import { IPC_CHANNELS } from './ipc-channels';
import { isAppUrl } from './window-guards';

type IpcEvent = Pick<IpcMainInvokeEvent | IpcMainEvent, 'sender' | 'senderFrame'>;

export interface IpcBridgeOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;
  dispatcher: Dispatcher;
  events: Pick<EventBus, 'on'>;
  /** True for the webContents of the app's own window(s). */
  isOwnWindow(contents: WebContents): boolean;
}

export interface IpcBridge {
  /** Removes the handlers and stops forwarding events. */
  dispose(): void;
}

const FOREIGN_SENDER = 'this request did not come from the Portico window (another window, a frame inside it, or a page that is not the dashboard).';

/** The EL-5 check: our window, its main frame, an app:// page. */
export function isTrustedSender(event: IpcEvent, isOwnWindow: (contents: WebContents) => boolean): boolean {
  try {
    const frame = event.senderFrame;
    if (frame === null || frame === undefined) return false;
    if (!isOwnWindow(event.sender)) return false;
    if (frame.parent !== null) return false;
    return isAppUrl(frame.url);
  } catch {
    // A frame disposed mid-message throws on access (WebFrameMain): it is no longer ours to answer.
    return false;
  }
}

function failure(code: 'E_FORBIDDEN' | 'E_INTERNAL', message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

export function registerIpcBridge(options: IpcBridgeOptions): IpcBridge {
  const { ipcMain, dispatcher } = options;
  const trusted = (event: IpcEvent) => isTrustedSender(event, options.isOwnWindow);
  /** webContents id → the contents and the events it watches. */
  const watchers = new Map<number, { contents: WebContents; events: Set<EventName> }>();

  ipcMain.handle(IPC_CHANNELS.call, async (event, name: unknown, input: unknown): Promise<Result<unknown>> => {
    if (!trusted(event)) return failure('E_FORBIDDEN', FOREIGN_SENDER);
    try {
      return await dispatcher.dispatch(name, input);
    } catch {
      // The dispatcher never throws; this keeps the promise from ever rejecting across IPC.
      return failure('E_INTERNAL', 'Portico hit an unexpected error while running the command. Restart Portico if it keeps happening.');
    }
  });

  const onWatch = (event: IpcMainEvent, name: unknown, watching: unknown) => {
    if (!trusted(event) || !isEventName(name) || typeof watching !== 'boolean') return;
    const contents = event.sender;
    let entry = watchers.get(contents.id);
    if (entry === undefined) {
      entry = { contents, events: new Set() };
      watchers.set(contents.id, entry);
      const id = contents.id;
      contents.once('destroyed', () => watchers.delete(id));
    }
    if (watching) entry.events.add(name);
    else entry.events.delete(name);
  };
  ipcMain.on(IPC_CHANNELS.watch, onWatch);

  const forward = <E extends EventName>(name: E) =>
    options.events.on(name, (payload: EventPayload<E>) => {
      for (const { contents, events } of watchers.values()) {
        if (events.has(name) && !contents.isDestroyed()) contents.send(IPC_CHANNELS.event, name, payload);
      }
    });
  const unsubscribes = EVENT_NAMES.map((name) => forward(name));

  return {
    dispose() {
      ipcMain.removeHandler(IPC_CHANNELS.call);
      ipcMain.removeListener(IPC_CHANNELS.watch, onWatch as (...args: unknown[]) => void);
      for (const unsubscribe of unsubscribes) unsubscribe();
      watchers.clear();
    },
  };
}
