import { probeUpstream, type ProbeResult } from './probe';

/** Health of one project's upstream as the dashboard, tray and `portico status` show it. */
export interface UpstreamHealth {
  project: string;
  upstream: string;
  state: 'up' | 'down' | 'unknown';
  address?: string;
  latencyMs?: number;
  reason?: string;
  /** When the state last changed (ISO 8601). */
  since: string;
  /** When it was last probed (ISO 8601). */
  checkedAt?: string;
}

export interface HealthMonitorOptions {
  /** Probe interval while up. */
  upIntervalMs?: number;
  /** First retry interval while down; doubles up to `maxDownIntervalMs`, so a restarted dev server is seen within seconds. */
  downIntervalMs?: number;
  maxDownIntervalMs?: number;
  probe?: (upstream: string) => Promise<ProbeResult>;
  onChange?: (health: UpstreamHealth) => void;
  now?: () => Date;
}

interface Watched {
  health: UpstreamHealth;
  timer?: NodeJS.Timeout;
  delayMs: number;
  inFlight?: Promise<UpstreamHealth>;
}

/**
 * Probes each enabled project's upstream on a timer, with backoff while it is down (Caddy's
 * active health checks, simplified to TCP). `probeNow` lets the proxy ask for an immediate check
 * after a failed request, so the status flips as soon as the user sees the 502 page.
 */
export function createHealthMonitor(options: HealthMonitorOptions = {}) {
  const upInterval = options.upIntervalMs ?? 5000;
  const downInterval = options.downIntervalMs ?? 500;
  const maxDownInterval = options.maxDownIntervalMs ?? 4000;
  const probe = options.probe ?? ((upstream: string) => probeUpstream(upstream));
  const now = options.now ?? (() => new Date());
  const watched = new Map<string, Watched>();
  let stopped = false;

  function schedule(name: string, entry: Watched): void {
    clearTimeout(entry.timer);
    if (stopped) return;
    entry.timer = setTimeout(() => void check(name), entry.delayMs);
    entry.timer.unref();
  }

  async function check(name: string): Promise<UpstreamHealth | undefined> {
    const entry = watched.get(name);
    if (!entry) return undefined;
    if (entry.inFlight) return entry.inFlight;
    entry.inFlight = (async () => {
      const result = await probe(entry.health.upstream);
      const current = watched.get(name);
      if (current !== entry) return entry.health;
      const state = result.up ? 'up' : 'down';
      const changed = state !== entry.health.state;
      const at = now().toISOString();
      entry.health = {
        project: name,
        upstream: entry.health.upstream,
        state,
        ...(result.address !== undefined && { address: result.address }),
        ...(result.latencyMs !== undefined && { latencyMs: Math.round(result.latencyMs * 100) / 100 }),
        ...(result.reason !== undefined && { reason: result.reason }),
        since: changed ? at : entry.health.since,
        checkedAt: at,
      };
      entry.delayMs = result.up ? upInterval : changed ? downInterval : Math.min(entry.delayMs * 2, maxDownInterval);
      if (changed) options.onChange?.(entry.health);
      schedule(name, entry);
      return entry.health;
    })().finally(() => (entry.inFlight = undefined));
    return entry.inFlight;
  }

  return {
    /** Watch exactly these projects (name → upstream); others are forgotten. Changed upstreams restart from unknown. */
    setTargets(targets: Map<string, string>): void {
      for (const [name, entry] of watched) {
        if (targets.get(name) !== entry.health.upstream) {
          clearTimeout(entry.timer);
          watched.delete(name);
        }
      }
      for (const [name, upstream] of targets) {
        if (watched.has(name)) continue;
        const entry: Watched = { health: { project: name, upstream, state: 'unknown', since: now().toISOString() }, delayMs: downInterval };
        watched.set(name, entry);
        void check(name);
      }
    },
    /** Probe one project now (e.g. after a refused request) and return its fresh health. */
    probeNow: (name: string) => check(name),
    get: (name: string) => watched.get(name)?.health,
    all: () => [...watched.values()].map((entry) => entry.health),
    stop(): void {
      stopped = true;
      for (const entry of watched.values()) clearTimeout(entry.timer);
      watched.clear();
    },
  };
}
export type HealthMonitor = ReturnType<typeof createHealthMonitor>;
