/**
 * Per-project counters since the proxy started, read by the status view (`requests`,
 * `cookiesRewritten` in shared/status.ts). Plain integer bumps on the hot path.
 */

export interface ProjectCounters {
  /** Requests answered for the project (proxied, redirected or refused). */
  requests: number;
  /** `Set-Cookie` headers rewritten on the way back. */
  cookiesRewritten: number;
  /** Requests answered with a 502/504 because the dev server failed. */
  upstreamErrors: number;
}

export interface ProxyStats {
  countRequest(project: string): void;
  countCookiesRewritten(project: string, count: number): void;
  countUpstreamError(project: string): void;
  /** One project's counters (zeros when it has none yet). */
  project(name: string): ProjectCounters;
  /** Every project's counters, by name; a copy. */
  snapshot(): Record<string, ProjectCounters>;
}

export function createProxyStats(): ProxyStats {
  const counters = new Map<string, ProjectCounters>();
  const of = (name: string): ProjectCounters => {
    let entry = counters.get(name);
    if (!entry) {
      entry = { requests: 0, cookiesRewritten: 0, upstreamErrors: 0 };
      counters.set(name, entry);
    }
    return entry;
  };
  return {
    countRequest: (name) => {
      of(name).requests += 1;
    },
    countCookiesRewritten: (name, count) => {
      if (count > 0) of(name).cookiesRewritten += count;
    },
    countUpstreamError: (name) => {
      of(name).upstreamErrors += 1;
    },
    project: (name) => ({ ...(counters.get(name) ?? { requests: 0, cookiesRewritten: 0, upstreamErrors: 0 }) }),
    snapshot: () => Object.fromEntries([...counters].map(([name, value]) => [name, { ...value }])),
  };
}
