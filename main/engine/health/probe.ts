import { connect } from 'node:net';

/** The outcome of one probe of an upstream. */
export interface ProbeResult {
  up: boolean;
  /** The address that answered (`127.0.0.1`, `::1`, or the host as given). */
  address?: string;
  /** Time to connect, in milliseconds. */
  latencyMs?: number;
  /** Why it is down, in words: "connection refused", "timed out after 1000 ms". */
  reason?: string;
}

/** The addresses to try for an upstream host: `localhost` means both loopbacks (nodejs/node#40537). */
export function candidateAddresses(hostname: string): string[] {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
}

function connectOnce(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host, port });
    const finish = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish({ up: false, reason: `timed out after ${timeoutMs} ms` }));
    socket.once('connect', () => finish({ up: true, address: host, latencyMs: performance.now() - started }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ up: false, reason: error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message) }),
    );
  });
}

/**
 * Whether an upstream accepts TCP connections. A TCP connect is what the proxy needs and what
 * every dev server answers, whatever its routes; an HTTP request could hit a slow first compile.
 */
export async function probeUpstream(upstream: string, timeoutMs = 1000): Promise<ProbeResult> {
  const url = new URL(upstream);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const results = await Promise.all(candidateAddresses(url.hostname).map((host) => connectOnce(host, port, timeoutMs)));
  return results.find((result) => result.up) ?? results[0] ?? { up: false, reason: 'no address' };
}
