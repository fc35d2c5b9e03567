/**
 * The channel between the main process and the engine host, over each transport:
 * an Electron utility process (`UtilityProcess` ↔ `process.parentPort`), or an in-memory pair for
 * the in-process mode and for tests. Messages are structured-cloned either way, so the in-memory
 * pair fails on the same non-cloneable values the real channel would.
 */
import type { ParentPort, UtilityProcess } from 'electron';
import type { HostEndpoint, MessageEndpoint, ParentEndpoint } from './engine-messages';
import { isHostMessage } from './engine-messages';
import type { HostProcess } from './engine-link';

/** Main side of a utility process. */
export function utilityHostProcess(child: Pick<UtilityProcess, 'postMessage' | 'on' | 'off' | 'once' | 'kill'>): HostProcess {
  const endpoint: ParentEndpoint = {
    post: (message) => child.postMessage(message),
    onMessage(listener) {
      const handler = (message: unknown) => listener(message);
      child.on('message', handler);
      return () => void child.off('message', handler);
    },
  };
  return { endpoint, exited: new Promise((resolve) => child.once('exit', (code: number) => resolve(code))), kill: () => void child.kill() };
}

/** Utility-process side: `process.parentPort`. */
export function parentPortEndpoint(port: Pick<ParentPort, 'postMessage' | 'on' | 'off'>): HostEndpoint {
  return {
    post: (message) => port.postMessage(message),
    onMessage(listener) {
      const handler = (event: Electron.MessageEvent) => listener(event.data);
      port.on('message', handler);
      return () => void port.off('message', handler);
    },
  };
}

function channelEnd<Out, In>(deliver: (message: Out) => void, listeners: Set<(message: unknown) => void>): MessageEndpoint<Out, In> {
  return {
    post(message) {
      const copy = structuredClone(message);
      queueMicrotask(() => deliver(copy));
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/** Two connected in-memory endpoints. */
export function createEndpointPair(): { parent: ParentEndpoint; host: HostEndpoint } {
  const toParent = new Set<(message: unknown) => void>();
  const toHost = new Set<(message: unknown) => void>();
  const broadcast = (set: Set<(message: unknown) => void>) => (message: unknown) => {
    for (const listener of [...set]) listener(message);
  };
  return {
    parent: channelEnd(broadcast(toHost), toParent),
    host: channelEnd(broadcast(toParent), toHost),
  };
}

/** The in-process "host process": the pair's parent end; it "exits" when its engine reports stopped. */
export function inProcessHost(parent: ParentEndpoint): HostProcess {
  const exited = new Promise<number>((resolve) => {
    const stop = parent.onMessage((message) => {
      if (isHostMessage(message) && message.type === 'stopped') {
        stop();
        resolve(0);
      }
    });
  });
  return { endpoint: parent, exited, kill: () => undefined };
}
