/**
 * The messages between the main process and the engine host (a utility process, or the main
 * process itself in the in-process mode — see README.md). Plain objects, structured-clone safe.
 * Every message read from the other side is checked with these guards: a bug over there must not
 * become a crash over here.
 */
import type { ErrorShape } from '../../shared/errors';

/** main → host */
export type ParentMessage =
  | { type: 'start'; dataDir: string; protectKey: boolean; staticDir?: string }
  | { type: 'stop' }
  | { type: 'key.result'; id: number; ok: true; value: string }
  | { type: 'key.result'; id: number; ok: false; error: ErrorShape };

/** host → main */
export type HostMessage =
  | { type: 'ready'; url: string; token: string; pid: number }
  | { type: 'failed'; error: ErrorShape }
  | { type: 'stopped' }
  | { type: 'key.seal'; id: number; keyPem: string }
  | { type: 'key.unseal'; id: number; stored: string };

/** One side of a message channel: a utility process, its parentPort, or an in-memory pair. */
export interface MessageEndpoint<Out, In> {
  post(message: Out): void;
  /** Returns the function that stops listening. */
  onMessage(listener: (message: In | unknown) => void): () => void;
}

export type ParentEndpoint = MessageEndpoint<ParentMessage, HostMessage>;
export type HostEndpoint = MessageEndpoint<HostMessage, ParentMessage>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const isErrorShape = (value: unknown): value is ErrorShape => isObject(value) && typeof value.code === 'string' && typeof value.message === 'string';

export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
      return typeof value.url === 'string' && typeof value.token === 'string' && typeof value.pid === 'number';
    case 'failed':
      return isErrorShape(value.error);
    case 'stopped':
      return true;
    case 'key.seal':
      return typeof value.id === 'number' && typeof value.keyPem === 'string';
    case 'key.unseal':
      return typeof value.id === 'number' && typeof value.stored === 'string';
    default:
      return false;
  }
}

export function isParentMessage(value: unknown): value is ParentMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'start':
      return typeof value.dataDir === 'string' && typeof value.protectKey === 'boolean' && (value.staticDir === undefined || typeof value.staticDir === 'string');
    case 'stop':
      return true;
    case 'key.result':
      return typeof value.id === 'number' && (value.ok === true ? typeof value.value === 'string' : value.ok === false && isErrorShape(value.error));
    default:
      return false;
  }
}
