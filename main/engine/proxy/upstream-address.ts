/**
 * Where to connect for an upstream origin. `localhost` (and any `*.localhost`, RFC 6761 §6.3)
 * means whichever loopback answers: since Node 17 `localhost` resolves in OS order, often ::1
 * first, so a dev server listening on 127.0.0.1 only gets `ECONNREFUSED ::1`, and Vite often
 * listens on ::1 only (nodejs/node#40537, security-requirements.md RP-7). So both are tried with a
 * TCP connect, the first to accept wins, and the answer is cached until a connection fails.
 * Other hosts are used as given.
 */
import { connect } from 'node:net';

/** A concrete address for one upstream origin. */
export interface ResolvedUpstream {
  /** The origin as configured, e.g. `http://localhost:5173`. */
  readonly upstream: string;
  /** What to hand the HTTP client: the origin with the chosen address (`http://[::1]:5173`). */
  readonly target: string;
  /** The address connected to, without brackets (`127.0.0.1`, `::1`, or the host as given). */
  readonly address: string;
  readonly port: number;
  readonly protocol: 'http:' | 'https:';
  /** `host:port` as configured, for an upstream-mode Host header (`localhost:5173`). */
  readonly hostHeader: string;
}

export interface UpstreamResolver {
  resolve(upstream: string): Promise<ResolvedUpstream>;
  /** The cached answer, if any: the request path uses it without a promise. */
  peek(upstream: string): ResolvedUpstream | undefined;
  /** Drops the cached answer, so the next request tries both loopbacks again (after a failure). */
  forget(upstream: string): void;
}

export interface UpstreamResolverOptions {
  /** How long one connect attempt may take before it counts as failed. */
  connectTimeoutMs?: number;
}

const LOOPBACKS = ['127.0.0.1', '::1'] as const;

function isLocalhostName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}

function toTarget(protocol: string, address: string, port: number): string {
  return `${protocol}//${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function accepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The first loopback that accepts, or null when neither does. Both are tried at once. */
function firstAccepting(port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    let pending = LOOPBACKS.length;
    for (const address of LOOPBACKS) {
      void accepts(address, port, timeoutMs).then((ok) => {
        pending -= 1;
        if (ok) resolve(address);
        else if (pending === 0) resolve(null);
      });
    }
  });
}

export function createUpstreamResolver(options: UpstreamResolverOptions = {}): UpstreamResolver {
  const connectTimeoutMs = options.connectTimeoutMs ?? 1000;
  const cache = new Map<string, ResolvedUpstream>();
  const inFlight = new Map<string, Promise<ResolvedUpstream>>();

  async function lookup(upstream: string): Promise<ResolvedUpstream> {
    const url = new URL(upstream);
    const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
    const port = Number(url.port || (protocol === 'https:' ? 443 : 80));
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const hostHeader = url.host;
    const make = (address: string): ResolvedUpstream => ({ upstream, target: toTarget(protocol, address, port), address, port, protocol, hostHeader });
    if (!isLocalhostName(hostname)) {
      const resolved = make(hostname);
      cache.set(upstream, resolved);
      return resolved;
    }
    const address = await firstAccepting(port, connectTimeoutMs);
    // Nothing listens yet: answer 127.0.0.1 uncached, so the request fails as "refused" now and the
    // next one looks again (the dev server may be starting).
    if (address === null) return make(LOOPBACKS[0]);
    const resolved = make(address);
    cache.set(upstream, resolved);
    return resolved;
  }

  return {
    resolve(upstream) {
      const cached = cache.get(upstream);
      if (cached) return Promise.resolve(cached);
      let pending = inFlight.get(upstream);
      if (!pending) {
        pending = lookup(upstream).finally(() => inFlight.delete(upstream));
        inFlight.set(upstream, pending);
      }
      return pending;
    },
    peek: (upstream) => cache.get(upstream),
    forget(upstream) {
      cache.delete(upstream);
    },
  };
}
