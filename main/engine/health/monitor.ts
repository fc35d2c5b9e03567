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

/** What is known of one upstream, whichever projects point at it. */
type TargetHealth = Omit<UpstreamHealth, 'project'>;

interface Target {
  health: TargetHealth;
  projects: Set<string>;
  timer?: NodeJS.Timeout;
  delayMs: number;
  inFlight?: Promise<void>;
}

/**
 * Probes each enabled project's upstream on a timer, with backoff while it is down (Caddy's
 * active health checks, simplified to TCP). `probeNow` lets the proxy ask for an immediate check
 * after a failed request, so the status flips as soon as the user sees the 502 page.
 *
 * Projects sharing an upstream share its probe, its timer and its state: a probe of `localhost`
 * is two connects (both loopbacks), and a thousand projects on one dev server would otherwise
 * make 400 connects a second for one answer (issue #7, bench/README.md "Memory").
 */
export function createHealthMonitor(options: HealthMonitorOptions = {}) {
  const upInterval = options.upIntervalMs ?? 5000;
  const downInterval = options.downIntervalMs ?? 500;
  const maxDownInterval = options.maxDownIntervalMs ?? 4000;
  const probe = options.probe ?? ((upstream: string) => probeUpstream(upstream));
  const now = options.now ?? (() => new Date());
  /** Project → its upstream's target. */
  const watched = new Map<string, Target>();
  /** Upstream → target. */
  const targets = new Map<string, Target>();
  let stopped = false;

  const view = (project: string, target: Target): UpstreamHealth => ({ project, ...target.health });

  function schedule(target: Target): void {
    clearTimeout(target.timer);
    if (stopped) return;
    target.timer = setTimeout(() => void check(target), target.delayMs);
    target.timer.unref();
  }

  function check(target: Target): Promise<void> {
    if (target.inFlight) return target.inFlight;
    target.inFlight = (async () => {
      const result = await probe(target.health.upstream);
      if (targets.get(target.health.upstream) !== target) return;
      const state = result.up ? 'up' : 'down';
      const changed = state !== target.health.state;
      const at = now().toISOString();
      target.health = {
        upstream: target.health.upstream,
        state,
        ...(result.address !== undefined && { address: result.address }),
        ...(result.latencyMs !== undefined && { latencyMs: Math.round(result.latencyMs * 100) / 100 }),
        ...(result.reason !== undefined && { reason: result.reason }),
        since: changed ? at : target.health.since,
        checkedAt: at,
      };
      target.delayMs = result.up ? upInterval : changed ? downInterval : Math.min(target.delayMs * 2, maxDownInterval);
      if (changed) for (const project of target.projects) options.onChange?.(view(project, target));
      schedule(target);
    })().finally(() => (target.inFlight = undefined));
    return target.inFlight;
  }

  function unwatch(project: string, target: Target): void {
    watched.delete(project);
    target.projects.delete(project);
    if (target.projects.size > 0) return;
    clearTimeout(target.timer);
    targets.delete(target.health.upstream);
  }

  return {
    /** Watch exactly these projects (name → upstream); others are forgotten. Changed upstreams restart from unknown. */
    setTargets(next: Map<string, string>): void {
      for (const [project, target] of watched) {
        if (next.get(project) !== target.health.upstream) unwatch(project, target);
      }
      for (const [project, upstream] of next) {
        if (watched.has(project)) continue;
        let target = targets.get(upstream);
        if (!target) {
          target = { health: { upstream, state: 'unknown', since: now().toISOString() }, projects: new Set(), delayMs: downInterval };
          targets.set(upstream, target);
          void check(target);
        } else if (target.health.state !== 'unknown') {
          options.onChange?.(view(project, target));
        }
        target.projects.add(project);
        watched.set(project, target);
      }
    },
    /** Probe one project's upstream now (e.g. after a refused request) and return its fresh health. */
    async probeNow(project: string): Promise<UpstreamHealth | undefined> {
      const target = watched.get(project);
      if (!target) return undefined;
      await check(target);
      return watched.get(project) === target ? view(project, target) : undefined;
    },
    get: (project: string): UpstreamHealth | undefined => {
      const target = watched.get(project);
      return target && view(project, target);
    },
    all: (): UpstreamHealth[] => [...watched].map(([project, target]) => view(project, target)),
    stop(): void {
      stopped = true;
      for (const target of targets.values()) clearTimeout(target.timer);
      targets.clear();
      watched.clear();
    },
  };
}
export type HealthMonitor = ReturnType<typeof createHealthMonitor>;
