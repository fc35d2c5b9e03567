/** What a load phase aims at and what it reports, whichever generator ran it. */

export interface LoadTarget {
  /** The URL as a client names it: `https://bench.localhost:8443/small` (SNI and Host come from it). */
  url: string;
  /** Where to connect instead of resolving the URL's host (the bench's names are not in /etc/hosts). */
  connectHost: string;
  /** PEM file of the CA to verify against (Node generator; wrk and h2load do not verify). */
  caFile?: string;
}

export interface LoadResult {
  tool: 'wrk' | 'h2load' | 'node';
  requests: number;
  /** Failed requests or round trips: socket errors, non-2xx answers. */
  errors: number;
  seconds: number;
  /** Requests (or websocket round trips) per second. */
  rps: number;
  p50Ms: number | null;
  p99Ms: number | null;
  meanMs: number | null;
  /**
   * User + system CPU time the load generator itself spent on the run, in ms: wrk's and h2load's
   * from their rusage as their parent shell reaped them, the Node generator's from
   * `process.cpuUsage()` around the load; null when it could not be read.
   */
  generatorCpuMs: number | null;
}

export type NodeLoadMode = 'h1' | 'h1-new' | 'h2' | 'ws' | 'seq';

export interface NodeLoadSpec {
  mode: NodeLoadMode;
  target: LoadTarget;
  /** Parallel connections (h1, h1-new, h2 sessions, ws clients). */
  connections: number;
  /** Concurrent streams per HTTP/2 session. */
  streams?: number;
  seconds: number;
}
