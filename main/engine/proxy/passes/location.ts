/**
 * Upstream redirects to the upstream's own origin become the project's public origin
 * (security-requirements.md RP-15): a dev server that answers `302 Location:
 * http://localhost:5173/login` would otherwise send the browser around the proxy, off HTTPS and
 * off the project's name. Relative Locations and every other origin are left exactly as they are.
 */

const SLASH = 47;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A pattern matching the start of an absolute URL on the upstream's own origin: any loopback
 * name or the configured host, on the upstream's port, up to the end of the authority. Built
 * once per route. With an explicit port, `https://` is matched too: an app told
 * `X-Forwarded-Proto: https` may build its redirect from that and its own host.
 */
export function ownOriginPattern(upstream: string): RegExp {
  const url = new URL(upstream);
  const hosts = LOOPBACK_HOSTS.includes(url.hostname) ? LOOPBACK_HOSTS : [...LOOPBACK_HOSTS, url.hostname];
  const hostPart = hosts.map(escapeRegExp).join('|');
  const defaultPort = DEFAULT_PORTS[url.protocol] ?? '';
  const scheme = url.port === '' ? escapeRegExp(url.protocol.slice(0, -1)) : 'https?';
  const portPart = url.port === '' ? `(?::${defaultPort})?` : `:${url.port}`;
  return new RegExp(`^${scheme}://(?:${hostPart})${portPart}(?=[/?#]|$)`, 'i');
}

/** `https://web.test`, `https://web.test:8443`, `http://web.test:8080`: the origin a browser uses for the project. */
export function publicOrigin(secure: boolean, host: string, port: number): string {
  const defaultPort = secure ? 443 : 80;
  return `${secure ? 'https' : 'http'}://${host}${port === defaultPort ? '' : `:${port}`}`;
}

/** `location` with the upstream's origin replaced by `origin`; anything else unchanged. */
export function rewriteLocation(location: string, ownOrigin: RegExp, origin: string): string {
  if (location.charCodeAt(0) === SLASH) return location;
  const match = ownOrigin.exec(location);
  if (match === null) return location;
  const rest = location.slice(match[0].length);
  return origin + (rest === '' ? '/' : rest);
}
