/**
 * Node's own HTTP/1.1 response parser (llhttp, native), as Node's `http` client drives it. The
 * lean upstream client (http1-pool.ts) feeds it socket data directly, so a response is parsed as
 * strictly as `http.request` would parse it, without the client's per-request objects
 * (ClientRequest, IncomingMessage, the agent's bookkeeping).
 *
 * `_http_common` is one of Node's legacy underscore modules (lib/_http_common.js): it still
 * exports the parser class that `_http_client` uses, but without a documented API. Everything is
 * therefore checked here once; a runtime where the shape differs gets `undefined`, and the proxy
 * falls back to Node's client for every request.
 */
import { createRequire } from 'node:module';

/** The callbacks' argument lists are those of lib/_http_common.js and lib/_http_client.js (Node 20–24). */
export interface NodeResponseParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  /** Bytes parsed, or an Error with `code` (`HPE_*`) and `bytesParsed`. */
  execute(data: Buffer): number | Error;
  /** End of input: completes a close-delimited body, or returns an Error for a cut message. */
  finish(): number | Error | undefined;
  /** Releases the native parser's memory. */
  free(): void;
  [callback: number]: unknown;
}

export interface NodeResponseParserClass {
  new (): NodeResponseParser;
  readonly RESPONSE: number;
  readonly kOnMessageBegin: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kLenientNone: number;
}

/** What `kOnHeadersComplete` receives (lib/_http_common.js `parserOnHeadersComplete`). */
export type HeadersCompleteCallback = (
  versionMajor: number,
  versionMinor: number,
  rawHeaders: string[] | undefined,
  method: number | undefined,
  url: string | undefined,
  statusCode: number,
  statusMessage: string,
  upgrade: boolean,
  shouldKeepAlive: boolean,
) => number;

/** `kOnHeadersComplete`'s answer: parse the body, or skip it (a HEAD response, a 1xx). */
export const PARSE_BODY = 0;
export const SKIP_BODY = 1;

const CALLBACK_SLOTS = ['RESPONSE', 'kOnMessageBegin', 'kOnHeaders', 'kOnHeadersComplete', 'kOnBody', 'kOnMessageComplete', 'kLenientNone'] as const;
const METHODS = ['initialize', 'execute', 'finish', 'free'] as const;

let loaded: NodeResponseParserClass | null | undefined;

/** Node's parser class, or undefined where this runtime does not export it in the expected shape. */
export function nodeResponseParser(): NodeResponseParserClass | undefined {
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

function load(): NodeResponseParserClass | null {
  try {
    const candidate = (createRequire(import.meta.url)('_http_common') as { HTTPParser?: unknown }).HTTPParser as Record<string, unknown> | undefined;
    if (typeof candidate !== 'function') return null;
    if (!CALLBACK_SLOTS.every((slot) => typeof candidate[slot] === 'number')) return null;
    const prototype = (candidate as unknown as { prototype: Record<string, unknown> }).prototype;
    if (!METHODS.every((method) => typeof prototype[method] === 'function')) return null;
    return candidate as unknown as NodeResponseParserClass;
  } catch {
    return null;
  }
}
