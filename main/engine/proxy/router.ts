/**
 * The host → route table the proxy consults on every request and TLS handshake. Immutable: a
 * change builds a new table and the server swaps the reference (`server.setRoutes`), so requests
 * in flight and open websockets keep the route they started with and no listener restarts.
 *
 * Keys are the exact, lower-cased host with any port stripped (security-requirements.md RP-2): the
 * upstream is only ever chosen from this table, never derived from client input.
 */
import type { HostHeaderMode, HstsPolicy, Project } from '../../../shared/config';

/** What the proxy needs to know about one project. */
export interface Route {
  /** The project's name (unique). */
  readonly project: string;
  /** Lower-case host names, exact (`web.localhost`) or one-label wildcards (`*.web.localhost`). */
  readonly domains: readonly string[];
  /** Origin of the dev server, e.g. `http://localhost:5173`. */
  readonly upstream: string;
  /** HTTPS on: plain HTTP redirects there. Off: plain HTTP is proxied and HTTPS redirects down. */
  readonly https: boolean;
  readonly hsts: HstsPolicy;
  /** Until this time (ISO 8601), HTTPS responses carry `max-age=0` (see shared/config.ts). */
  readonly hstsResetUntil?: string;
  readonly secureCookies: boolean;
  readonly hostHeader: HostHeaderMode;
  /** A disabled project is known (its names are not "unknown") but never proxied. */
  readonly enabled: boolean;
}

/** The lookup structure: O(1) in the number of projects for exact names and wildcards alike. */
export interface RouteTable {
  /** Every route, in the order given. */
  readonly routes: readonly Route[];
  /** The route serving `host` (a Host header, `:authority` or SNI name), or null. */
  match(host: string | undefined): Route | null;
}

/** A config project as a route. */
export function routeFromProject(project: Project): Route {
  return {
    project: project.name,
    domains: project.domains.map((domain) => domain.toLowerCase()),
    upstream: project.upstream,
    https: project.https,
    hsts: project.hsts,
    ...(project.hstsResetUntil !== undefined ? { hstsResetUntil: project.hstsResetUntil } : {}),
    secureCookies: project.secureCookies,
    hostHeader: project.hostHeader,
    enabled: project.enabled,
  };
}

/**
 * The lookup key of a Host header or SNI name: lower-case, port and trailing dot removed. IPv6
 * literals keep their brackets (`[::1]`). Null when nothing is left.
 */
export function hostKey(host: string | undefined): string | null {
  if (host === undefined) return null;
  let key = host.trim().toLowerCase();
  if (key.startsWith('[')) {
    const end = key.indexOf(']');
    key = end === -1 ? key : key.slice(0, end + 1);
  } else {
    const colon = key.indexOf(':');
    if (colon !== -1) key = key.slice(0, colon);
  }
  if (key.endsWith('.')) key = key.slice(0, -1);
  return key === '' ? null : key;
}

/** The port of a Host header (`web.localhost:8443` → 8443), or undefined when it names none. */
export function hostPort(host: string | undefined): number | undefined {
  const match = host === undefined ? null : /:(\d{1,5})$/.exec(host.trim());
  return match ? Number(match[1]) : undefined;
}

/**
 * Builds a table. Exact names win over wildcards; a wildcard covers exactly one label
 * (`*.web.localhost` matches `a.web.localhost`, not `web.localhost` nor `b.a.web.localhost`),
 * as a certificate's wildcard SAN does (RFC 6125 §6.4.3). The first route claiming a name keeps it.
 */
export function createRouteTable(routes: readonly Route[]): RouteTable {
  const exact = new Map<string, Route>();
  const wildcard = new Map<string, Route>();
  for (const route of routes) {
    for (const domain of route.domains) {
      const name = domain.toLowerCase();
      const [map, key] = name.startsWith('*.') ? [wildcard, name.slice(2)] : [exact, name];
      if (!map.has(key)) map.set(key, route);
    }
  }
  const frozen = Object.freeze([...routes]);
  return {
    routes: frozen,
    match(host) {
      const key = hostKey(host);
      if (key === null) return null;
      const found = exact.get(key);
      if (found) return found;
      const dot = key.indexOf('.');
      return dot > 0 ? (wildcard.get(key.slice(dot + 1)) ?? null) : null;
    },
  };
}

/** A table built straight from config projects. */
export function routeTableFromProjects(projects: readonly Project[]): RouteTable {
  return createRouteTable(projects.map(routeFromProject));
}
