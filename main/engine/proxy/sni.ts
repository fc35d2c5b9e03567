/**
 * The SNI gate of the TLS listener (security-requirements.md RP-3). There is no default
 * certificate: Node falls back to the server's default context when the callback passes a falsy
 * context (nodejs doc/api/tls.md `SNICallback`), so a name without a context is answered with an
 * error, which aborts the handshake instead of turning "unknown name" into "wrong certificate".
 * Which names get a context is the provider's decision: the route table's names, and possibly a
 * bounded set of others (the engine's provider mints short-lived ones for unrouted names under
 * the CA's suffixes, so a typo shows the unknown-host page instead of a TLS error).
 */
import type { SecureContext } from 'node:tls';
import type { Route, RouteTable } from './router';

/** Where the proxy gets the TLS context for a handshake. */
export interface CertificateProvider {
  /** The context for `servername` (lower case); `route` is what the table maps it to, null when nothing. Null: refuse. */
  secureContextFor(servername: string, route: Route | null): Promise<SecureContext | null>;
}

export type SniCallback = (servername: string, callback: (error: Error | null, context?: SecureContext) => void) => void;

/** Why a handshake was refused, for the log; never sent to the client. */
export interface SniRefusal {
  servername: string;
  reason: 'unknown-name' | 'no-certificate' | 'provider-failed';
  error?: unknown;
}

export function createSniCallback(routes: () => RouteTable, provider: CertificateProvider, onRefused?: (refusal: SniRefusal) => void): SniCallback {
  return (servername, callback) => {
    const name = servername.toLowerCase();
    const route = routes().match(name);
    const refuse = (reason: SniRefusal['reason'], error?: unknown) => {
      onRefused?.({ servername, reason, ...(error !== undefined ? { error } : {}) });
      callback(new Error(`no certificate for ${servername}`));
    };
    provider.secureContextFor(name, route).then(
      (context) => (context ? callback(null, context) : refuse(route === null ? 'unknown-name' : 'no-certificate')),
      (error: unknown) => refuse('provider-failed', error),
    );
  };
}
