import { createSecureContext, type SecureContext } from 'node:tls';
import { isPermitted } from '../../shared/names';
import type { Project } from '../../shared/config';
import type { CaManager } from './ca-manager';
import { ensureProjectCert, issueLeaf, type CertDescription, type KeyPool } from './pki';
import type { ConfigStore } from './projects';
import { createCertificateCache } from './proxy/certificate-cache';
import { routeFromProject, type Route } from './proxy/router';
import type { CertificateProvider } from './proxy/sni';
import type { IntermediateTlsOptions } from './proxy/tls-profile';
import type { DataPaths } from './system/data-dir';

export interface CertificateProviderDeps {
  paths: DataPaths;
  store: ConfigStore;
  ca: CaManager;
  keyPool: KeyPool;
  now: () => Date;
  /** The listener's TLS options: every context carries them, so SNI cannot widen the profile. */
  tls: IntermediateTlsOptions;
  /** Called when a certificate was issued or renewed (for the log and notifications). */
  onIssued?: (project: string, info: CertDescription, reason: string) => void;
  /** Called when issuing failed (the handshake then fails or uses a still-valid certificate). */
  onError?: (project: string, error: unknown) => void;
  /** Unknown dev names: how many certificates to keep, and how many to mint per minute at most. */
  ephemeral?: { capacity: number; perMinute: number };
}

/** How often a handshake looks whether the root changed (a `portico ca rotate`): at most once a second. */
const CA_CHECK_MS = 1000;

/**
 * The engine's certificates for the TLS listener. Project certificates come from disk through
 * `ensureProjectCert` (issued or renewed there, under the data lock) and are cached as
 * SecureContexts by the proxy's certificate cache, which renews them on the handshake when due.
 * A rotated root invalidates every cached context.
 *
 * Unknown names under the CA's suffixes get a one-day certificate minted in memory — never
 * written to disk — from a small, rate-limited cache: any web page can make a browser ask for
 * random names, so this must stay bounded. Past the limit, and for names outside the suffixes,
 * there is no context and the handshake fails with unrecognized_name.
 */
export function createCertificateProvider(deps: CertificateProviderDeps) {
  const { ticketKeys: _ticketKeys, ...contextOptions } = deps.tls;
  const infos = new Map<string, CertDescription>();
  const ephemeral = new Map<string, SecureContext>();
  const limits = deps.ephemeral ?? { capacity: 32, perMinute: 10 };
  let minted = { minuteStart: 0, count: 0 };
  let caKeyId: string | null = null;
  let caCheckedAt = -Infinity;

  const cache = createCertificateCache({
    contextOptions,
    now: () => deps.now().getTime(),
    onError: (route, error) => deps.onError?.(route.project, error),
    source: {
      async ensure(route: Route) {
        const { ca } = await deps.ca.get();
        const { certificates } = await deps.store.read();
        const ensured = await deps.store.withDataLock(() =>
          ensureProjectCert(deps.paths, ca, { name: route.project, domains: route.domains }, { lifetimeDays: certificates.lifetimeDays, now: deps.now(), keyPool: deps.keyPool }),
        );
        infos.set(route.project, ensured.info);
        if (ensured.renewed) deps.onIssued?.(route.project, ensured.info, ensured.reason ?? 'renewed');
        return ensured;
      },
    },
  });

  async function followCaRotation(): Promise<void> {
    const nowMs = deps.now().getTime();
    if (nowMs - caCheckedAt < CA_CHECK_MS) return;
    caCheckedAt = nowMs;
    const { ca } = await deps.ca.get();
    if (caKeyId !== null && caKeyId !== ca.subjectKeyId) {
      cache.invalidate();
      ephemeral.clear();
    }
    caKeyId = ca.subjectKeyId;
  }

  async function mintEphemeral(servername: string): Promise<SecureContext | null> {
    const known = ephemeral.get(servername);
    if (known) return known;
    const { ca } = await deps.ca.get();
    if (servername.startsWith('*') || !isPermitted(servername, ca.suffixes)) return null;
    const nowMs = deps.now().getTime();
    if (nowMs - minted.minuteStart >= 60_000) minted = { minuteStart: nowMs, count: 0 };
    if (minted.count >= limits.perMinute) return null;
    minted.count += 1;
    const leaf = await issueLeaf(ca, { domains: [servername], lifetimeDays: 1, now: deps.now(), keyPool: deps.keyPool }).catch(() => null);
    if (!leaf) return null;
    const context = createSecureContext({ ...contextOptions, key: leaf.keyPem, cert: leaf.certPem });
    if (ephemeral.size >= limits.capacity) ephemeral.delete(ephemeral.keys().next().value as string);
    ephemeral.set(servername, context);
    return context;
  }

  const provider: CertificateProvider & {
    prepare(project: Project): Promise<void>;
    info(project: string): CertDescription | null;
    forget(project: string): void;
  } = {
    async secureContextFor(servername, route) {
      await followCaRotation();
      return route === null ? mintEphemeral(servername) : cache.secureContextFor(servername, route);
    },
    /** Issues (or loads and checks) a project's certificate ahead of its first handshake. */
    async prepare(project) {
      const route = routeFromProject(project);
      await provider.secureContextFor(route.domains[0] ?? project.name, route);
    },
    /** The certificate currently served for a project, if one was loaded. */
    info: (project) => infos.get(project) ?? null,
    /** Drops a removed project's cached context. */
    forget: (project) => {
      cache.invalidate(project);
      infos.delete(project);
    },
  };
  return provider;
}
export type EngineCertificateProvider = ReturnType<typeof createCertificateProvider>;
