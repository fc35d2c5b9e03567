/**
 * Header conversions of the lean upstream client (http1-pool.ts), with the rules of Node's own
 * client so the passes see exactly what they saw from `http.request`.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Headers whose duplicates Node discards, keeping the first (nodejs doc/api/http.md,
 * `message.headers`): a second Content-Type or Location is never merged into a list.
 */
const FIRST_WINS = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/**
 * `[name, value, name, value…]` as received → the object `IncomingMessage.headers` would be:
 * names lower-cased, `set-cookie` always an array, duplicate `cookie` joined with `; `, the
 * FIRST_WINS ones deduplicated, every other duplicate joined with `, ` (same doc).
 */
export function headersFromRaw(raw: readonly string[]): IncomingHttpHeaders {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const existing = headers[name];
    if (name === 'set-cookie') {
      if (existing === undefined) headers[name] = [value];
      else (existing as string[]).push(value);
    } else if (typeof existing !== 'string') {
      // Not `=== undefined`: a header named after an Object.prototype member (`constructor`)
      // finds the inherited one, which Node's client replaces too (lib/_http_incoming.js).
      headers[name] = value;
    } else if (!FIRST_WINS.has(name)) {
      headers[name] = `${existing as string}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
  }
  return headers as IncomingHttpHeaders;
}

/** RFC 9110 §5.6.2 token: a valid method or header name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What Node's client refuses in a header value (lib/_http_common.js `checkInvalidHeaderChar`). */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** What Node's client refuses in a path (lib/_http_client.js `INVALID_PATH_REGEX`): controls, space, beyond Latin-1. */
const INVALID_PATH = /[^\u0021-\u00ff]/;

export class InvalidRequestHeadError extends Error {
  readonly code = 'ERR_INVALID_HTTP_TOKEN';
}

/**
 * The request head (request line, header lines, empty line) for a request without a body, or
 * an error where Node's client would have thrown: a request the passes produced that cannot be
 * written on the wire is never sent half-valid.
 */
export function requestHead(method: string, path: string, headers: OutgoingHttpHeaders): string | InvalidRequestHeadError {
  if (!TOKEN.test(method)) return new InvalidRequestHeadError(`invalid method ${JSON.stringify(method)}`);
  if (path.length === 0 || INVALID_PATH.test(path)) return new InvalidRequestHeadError('the request path holds characters HTTP/1.1 cannot carry');
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let hasConnection = false;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (!TOKEN.test(name)) return new InvalidRequestHeadError(`invalid header name ${JSON.stringify(name)}`);
    if (name.length === 10 && name.toLowerCase() === 'connection') hasConnection = true;
    if (Array.isArray(value) && value.length > 1 && name.length === 6 && name.toLowerCase() === 'cookie') {
      // One Cookie line (RFC 6265 §5.4), as Node's client joins them (lib/_http_outgoing.js `processHeader`).
      const text = value.join('; ');
      if (INVALID_VALUE.test(text)) return new InvalidRequestHeadError(`invalid value for header ${name}`);
      head += `${name}: ${text}\r\n`;
    } else if (Array.isArray(value)) {
      for (const item of value) {
        if (INVALID_VALUE.test(item)) return new InvalidRequestHeadError(`invalid value for header ${name}`);
        head += `${name}: ${item}\r\n`;
      }
    } else {
      const text = typeof value === 'string' ? value : String(value);
      if (INVALID_VALUE.test(text)) return new InvalidRequestHeadError(`invalid value for header ${name}`);
      head += `${name}: ${text}\r\n`;
    }
  }
  // What Node's client sends on a keep-alive agent's socket when the caller sets none.
  if (!hasConnection) head += 'Connection: keep-alive\r\n';
  return `${head}\r\n`;
}
