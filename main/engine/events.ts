import type { EventName, EventPayload } from '../../shared/contract';

export type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/**
 * The engine's typed event bus (`status.changed`, `project.changed`, `request.logged`). Every
 * transport subscribes here: the control API's event stream, the Electron IPC bridge, the tray.
 * A listener that throws is isolated so one bad subscriber cannot break the others.
 */
export function createEventBus() {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  return {
    on<E extends EventName>(event: E, listener: Listener<E>): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
      for (const listener of listeners.get(event) ?? []) {
        try {
          listener(payload);
        } catch {
          // A subscriber's bug must not break delivery to the others or the engine.
        }
      }
    },
    listenerCount: (event: EventName) => listeners.get(event)?.size ?? 0,
  };
}
export type EventBus = ReturnType<typeof createEventBus>;
