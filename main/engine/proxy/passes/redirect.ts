/**
 * Scheme redirects between the two listeners (PRODUCT.md "Decisions already taken").
 * - HTTP request, project with HTTPS on → 307 to https.
 * - HTTPS request, project with HTTPS off → 307 to http, with `Strict-Transport-Security:
 *   max-age=0` so the browser drops any pin and stops upgrading the name (RFC 6797 §6.1.1).
 * Always 307 (method and body kept, RFC 9110 §15.4.8) with `Cache-Control: no-store`: HTTPS is
 * toggled often in development, and a cached permanent redirect would outlive the toggle. Only
 * for routed hosts; unknown hosts get 404, never a redirect (no open redirect: RP-14).
 */
import type { LocalResponse } from './headers';
import { HSTS_CLEAR } from './hsts';

const HTTPS_DEFAULT_PORT = 443;
const HTTP_DEFAULT_PORT = 80;

/** `host` as it appears in a URL authority: an IPv6 literal gets its brackets. */
function authorityHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * A request target as a URL path. Anything not starting with `/` (`*`, a stray `evil.example`)
 * becomes `/` + it, so the host written before it can never be extended into another one.
 */
function asPath(pathAndQuery: string): string {
  return pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`;
}

function targetUrl(scheme: 'https' | 'http', host: string, pathAndQuery: string, port: number, defaultPort: number): string {
  const portPart = port === defaultPort ? '' : `:${port}`;
  return `${scheme}://${authorityHost(host)}${portPart}${asPath(pathAndQuery)}`;
}

/** `https://web.test:8443/a?b=1`: the same path and query on HTTPS; the port only when not 443. */
export function httpsRedirectTarget(host: string, pathAndQuery: string, httpsPort: number): string {
  return targetUrl('https', host, pathAndQuery, httpsPort, HTTPS_DEFAULT_PORT);
}

/** `http://web.test:8080/a?b=1`: the same path and query on plain HTTP; the port only when not 80. */
export function httpRedirectTarget(host: string, pathAndQuery: string, httpPort: number): string {
  return targetUrl('http', host, pathAndQuery, httpPort, HTTP_DEFAULT_PORT);
}

/** The 307 sent on the HTTP listener for a project with HTTPS on. No HSTS here: RFC 6797 §7.2. */
export function redirectToHttps(host: string, pathAndQuery: string, httpsPort: number): LocalResponse {
  return {
    status: 307,
    headers: { location: httpsRedirectTarget(host, pathAndQuery, httpsPort), 'cache-control': 'no-store' },
    body: '',
  };
}

/** The 307 sent on HTTPS for a project with HTTPS off: back to http, and the HSTS pin cleared. */
export function redirectToHttp(host: string, pathAndQuery: string, httpPort: number): LocalResponse {
  return {
    status: 307,
    headers: {
      location: httpRedirectTarget(host, pathAndQuery, httpPort),
      'cache-control': 'no-store',
      'strict-transport-security': HSTS_CLEAR,
    },
    body: '',
  };
}

/** What a request gets before any proxying: served as is, or sent to the project's scheme. */
export type SchemeDecision = 'proxy' | 'redirect-to-https' | 'redirect-to-http';

/**
 * A request is proxied when its transport matches the project's scheme; otherwise it is
 * redirected. Decided by the connection (TLS or not), not the port: both listeners accept TLS.
 */
export function schemeDecision(projectHttps: boolean, requestIsTls: boolean): SchemeDecision {
  if (projectHttps === requestIsTls) return 'proxy';
  return projectHttps ? 'redirect-to-https' : 'redirect-to-http';
}
