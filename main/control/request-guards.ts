/**
 * Who may talk to the control server at all, decided before routing and before auth:
 * - Host must name the loopback listener exactly (security-requirements API-3). DNS rebinding
 *   makes `attacker.example` resolve to 127.0.0.1, and only the Host header shows it
 *   (Vite GHSA-vg6x-rcgg-rjx6, webpack-dev-server CVE-2018-14732, jupyter/notebook#3714).
 * - Origin, when sent, must be this server's own origin (API-4). IP origins are never allowed
 *   wholesale: webpack-dev-server CVE-2025-30360 did exactly that.
 */
export type LoopbackAddress = '127.0.0.1' | '::1';

export interface RequestGuards {
  hostAllowed(host: string | undefined): boolean;
  originAllowed(origin: string | undefined): boolean;
}

export function createRequestGuards(address: LoopbackAddress, port: number): RequestGuards {
  const literal = address === '::1' ? '[::1]' : '127.0.0.1';
  const authorities = new Set([`${literal}:${port}`, `localhost:${port}`]);
  const origins = new Set([...authorities].map((authority) => `http://${authority}`));
  return {
    // Host names are case-insensitive (RFC 9110 §4.2.3); everything else must match byte for byte.
    hostAllowed: (host) => host !== undefined && authorities.has(host.toLowerCase()),
    originAllowed: (origin) => origin === undefined || origins.has(origin.toLowerCase()),
  };
}
