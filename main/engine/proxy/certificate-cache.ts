/**
 * A CertificateProvider for the engine: one SecureContext per project, built with the listener's
 * TLS profile and cached, checked on every handshake against a precomputed renewal instant. A
 * certificate due for renewal is renewed behind the handshake; an expired one (a laptop waking
 * from sleep) is renewed before it, so it is never served (PRODUCT.md "certificates"). Issuing is
 * the source's business (pki's `ensureProjectCert`); concurrent handshakes share one call.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { RENEW_WHEN_REMAINING } from '../pki';
import type { Route } from './router';
import type { CertificateProvider } from './sni';
import { intermediateTlsOptions } from './tls-profile';

/** A project certificate as the source hands it over. */
export interface SourcedCertificate {
  certPem: string;
  keyPem: string;
  /** Validity (ISO 8601), from pki's `describeCertificate`. */
  info: { notBefore: string; notAfter: string };
}

export interface CertificateSource {
  /** The project's certificate, issued or renewed as needed; null when it has none (HTTPS never set up). */
  ensure(route: Route): Promise<SourcedCertificate | null>;
}

export interface CertificateCacheOptions {
  source: CertificateSource;
  /** TLS options every context gets (the listener's profile, minus ticket keys which stay on the listener). */
  contextOptions?: Parameters<typeof createSecureContext>[0];
  /** Told when the source fails; the handshake then uses a still-valid cached context, or fails. */
  onError?(route: Route, error: unknown): void;
  now?: () => number;
}

export interface CertificateCache extends CertificateProvider {
  /** Drops cached contexts (one project's, or all): after a CA rotation or a certificate change on disk. */
  invalidate(project?: string): void;
}

interface Entry {
  context: SecureContext;
  /** The domains it was issued for, joined: a route with other domains needs another certificate. */
  domains: string;
  renewAt: number;
  notAfter: number;
}

function profileWithoutTicketKeys(): Parameters<typeof createSecureContext>[0] {
  const { ticketKeys: _ticketKeys, ...profile } = intermediateTlsOptions();
  return profile;
}

export function createCertificateCache(options: CertificateCacheOptions): CertificateCache {
  const now = options.now ?? Date.now;
  const contextOptions = options.contextOptions ?? profileWithoutTicketKeys();
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Promise<Entry | null>>();

  function build(certificate: SourcedCertificate, domains: string): Entry {
    const notBefore = Date.parse(certificate.info.notBefore);
    const notAfter = Date.parse(certificate.info.notAfter);
    return {
      context: createSecureContext({ ...contextOptions, cert: certificate.certPem, key: certificate.keyPem }),
      domains,
      renewAt: notAfter - (notAfter - notBefore) * RENEW_WHEN_REMAINING,
      notAfter,
    };
  }

  function refresh(route: Route, domains: string, stale: Entry | undefined): Promise<Entry | null> {
    const key = `${route.project}\n${domains}`;
    let job = pending.get(key);
    if (!job) {
      job = options.source
        .ensure(route)
        .then((certificate) => {
          const entry = certificate ? build(certificate, domains) : null;
          if (entry) entries.set(route.project, entry);
          else entries.delete(route.project);
          return entry;
        })
        .catch((error: unknown) => {
          options.onError?.(route, error);
          // Renewal failed: an old certificate still inside its validity beats a failed handshake.
          return stale && stale.domains === domains && now() < stale.notAfter ? stale : null;
        })
        .finally(() => pending.delete(key));
      pending.set(key, job);
    }
    return job;
  }

  return {
    async secureContextFor(_servername, route) {
      // Only routed names get a certificate here.
      if (route === null) return null;
      const domains = route.domains.join(' ');
      const cached = entries.get(route.project);
      if (cached && cached.domains === domains) {
        if (now() < cached.renewAt) return cached.context;
        // Due but still valid: serve it and renew behind this handshake. Only an expired or
        // mismatched certificate makes a handshake wait for a new one.
        if (now() < cached.notAfter) {
          void refresh(route, domains, cached);
          return cached.context;
        }
      }
      return (await refresh(route, domains, cached))?.context ?? null;
    },
    invalidate(project) {
      if (project === undefined) entries.clear();
      else entries.delete(project);
    },
  };
}
