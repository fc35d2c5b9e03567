/**
 * Header shapes the passes read and write. Node gives lower-case names on both HTTP/1.1
 * (`IncomingMessage.headers`) and HTTP/2 (`:authority`, `:path`, … pseudo-headers included);
 * `set-cookie` is always an array (nodejs doc/api/http.md `message.headers`).
 */

/** Headers as received: Node's `IncomingHttpHeaders` for either protocol fits this. */
export type InboundHeaders = Readonly<Record<string, string | string[] | number | undefined>>;

/** Headers to send: fits Node's `OutgoingHttpHeaders` (`res.writeHead`, `http.request`). */
export type OutboundHeaders = Record<string, string | string[] | number>;

/** A locally generated answer (redirect, error page): what the server writes, as is. */
export interface LocalResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The first value of a header as a string (Node joins most repeated headers with ", " already). */
export function headerText(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return value.join(', ');
}

/**
 * The lower-case tokens of a comma-separated list header (`Connection: close, X-Secret`), or an
 * empty array. RFC 9110 §5.6.1 list syntax: tokens separated by commas and optional whitespace.
 */
export function listTokens(value: string | string[] | number | undefined): string[] {
  const text = headerText(value);
  if (text === undefined || text === '') return [];
  const tokens: string[] = [];
  for (const part of text.split(',')) {
    const token = part.trim().toLowerCase();
    if (token !== '') tokens.push(token);
  }
  return tokens;
}
