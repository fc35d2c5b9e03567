/**
 * Set-Cookie rewriting on HTTPS responses (PRODUCT.md "Decisions already taken";
 * security-requirements.md §8, CK-1…CK-5):
 * - `Secure` is added to every cookie that lacks it; an existing one is never removed;
 * - a `Domain` naming the upstream's own host (`localhost`, `127.0.0.1`, `::1`, the upstream's
 *   hostname; a leading dot and letter case ignored) is dropped, so the cookie becomes host-only
 *   for the project's domain (browsers reject `Domain=localhost`: httpwg/http-extensions#1289);
 * - everything else — name, value, other attributes, their order, case and spacing — is kept.
 *
 * Each Set-Cookie is one array element (Node never joins them); nothing here splits on commas,
 * which `Expires=Wed, 21 Oct 2015 07:28:00 GMT` contains. Attributes are split on `;` only, as
 * browsers do (RFC 6265bis §5.6); the first `=` of an attribute separates its name from its
 * value, and the name=value pair before the first `;` is never read as an attribute.
 */

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'];

/** A route's cookie settings, built once when the route table is built. */
export interface CookiePolicy {
  /** Host names (lower case, no brackets, no leading dot) whose `Domain` attribute is dropped. */
  readonly upstreamHosts: ReadonlySet<string>;
  /**
   * The project's `secureCookies`. When false, only cookies a browser rejects without `Secure`
   * get it (`SameSite=None`, `Partitioned`, `__Secure-`/`__Host-` names: CK-2, CK-3, CK-5), and
   * `Domain` is left alone.
   */
  readonly secureAll: boolean;
}

/** The result of one rewrite: the new values, and how many of them differ from the input. */
export interface CookieRewrite {
  readonly cookies: string[];
  readonly changed: number;
}

/** The cookie policy of a route whose upstream is `upstream` (e.g. `http://localhost:5173`). */
export function cookiePolicyFor(upstream: string, secureAll: boolean): CookiePolicy {
  const hostname = normalizeDomain(new URL(upstream).hostname);
  return { upstreamHosts: new Set([...LOOPBACK_HOSTS, hostname]), secureAll };
}

/** A Domain value as compared: trimmed, lower case, no leading dot, no IPv6 brackets. */
function normalizeDomain(value: string): string {
  let domain = value.trim().toLowerCase();
  if (domain.startsWith('.')) domain = domain.slice(1);
  if (domain.startsWith('[') && domain.endsWith(']')) domain = domain.slice(1, -1);
  return domain;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * The lower-case name of the attribute in cookie[start, end), or '' when it cannot be one this
 * pass reads (Secure, Domain, SameSite, Partitioned) — decided by length first, so Path, Expires
 * and the like cost no allocation.
 */
function attributeName(cookie: string, start: number, end: number): string {
  const equals = cookie.indexOf('=', start);
  let nameEnd = equals === -1 || equals > end ? end : equals;
  let nameStart = start;
  while (nameStart < nameEnd && isSpace(cookie.charCodeAt(nameStart))) nameStart++;
  while (nameEnd > nameStart && isSpace(cookie.charCodeAt(nameEnd - 1))) nameEnd--;
  const length = nameEnd - nameStart;
  if (length !== 6 && length !== 8 && length !== 11) return '';
  return cookie.slice(nameStart, nameEnd).toLowerCase();
}

function attributeValue(cookie: string, start: number, end: number): string {
  const equals = cookie.indexOf('=', start);
  return equals === -1 || equals > end ? '' : cookie.slice(equals + 1, end);
}

/** `__Secure-` and `__Host-` names need `Secure` (RFC 6265bis §4.1.3; browsers match the prefix case-insensitively). */
function hasSecurePrefix(cookie: string): boolean {
  const start = cookie.trimStart().slice(0, 9).toLowerCase();
  return start === '__secure-' || start.startsWith('__host-');
}

/** One Set-Cookie value rewritten under `policy` (the same string when nothing changes). */
export function rewriteSetCookie(cookie: string, policy: CookiePolicy): string {
  let needsSecure = policy.secureAll || hasSecurePrefix(cookie);
  let hasSecure = false;
  // Segments to drop, as [start, end) ranges that include their leading `;`.
  let drops: number[] | undefined;
  let semicolon = cookie.indexOf(';');
  while (semicolon !== -1) {
    const start = semicolon + 1;
    const next = cookie.indexOf(';', start);
    const end = next === -1 ? cookie.length : next;
    const name = attributeName(cookie, start, end);
    if (name === 'secure') hasSecure = true;
    else if (name === 'domain') {
      if (policy.secureAll && policy.upstreamHosts.has(normalizeDomain(attributeValue(cookie, start, end)))) (drops ??= []).push(semicolon, end);
    } else if (!needsSecure && (name === 'partitioned' || (name === 'samesite' && attributeValue(cookie, start, end).trim().toLowerCase() === 'none'))) {
      // A browser rejects these without Secure (CK-2, CK-5), whatever the project's setting.
      needsSecure = true;
    }
    semicolon = next;
  }
  const addSecure = needsSecure && !hasSecure;
  if (!addSecure && drops === undefined) return cookie;
  let out = cookie;
  if (drops !== undefined) {
    out = '';
    let from = 0;
    for (let i = 0; i < drops.length; i += 2) {
      out += cookie.slice(from, drops[i]);
      from = drops[i + 1] as number;
    }
    out += cookie.slice(from);
  }
  if (addSecure) out += /;\s*$/.test(out) ? ' Secure' : '; Secure';
  return out;
}

/**
 * Every Set-Cookie value rewritten under `policy`. When nothing changes, the input array itself
 * comes back (no copy on the hot path).
 */
export function rewriteSetCookies(setCookie: readonly string[] | string | undefined, policy: CookiePolicy): CookieRewrite {
  if (setCookie === undefined) return { cookies: [], changed: 0 };
  const input = typeof setCookie === 'string' ? [setCookie] : setCookie;
  let output: string[] | undefined;
  let changed = 0;
  for (let i = 0; i < input.length; i++) {
    const cookie = input[i] as string;
    const rewritten = rewriteSetCookie(cookie, policy);
    if (rewritten === cookie) continue;
    output ??= input.slice();
    output[i] = rewritten;
    changed++;
  }
  return { cookies: output ?? (input as string[]), changed };
}
