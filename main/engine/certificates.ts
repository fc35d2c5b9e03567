import { createSecureContext, type SecureContext } from 'node:tls';
import { isPermitted } from '../../shared/names';
import type { CaManager } from './ca-manager';
import { ensureProjectCert, issueLeaf, needsRenewal, type CaMaterial, type CertDescription, type CertifiedProject, type KeyPool } from './pki';
import type { ConfigStore } from './projects';
import type { Route } from './proxy/router';
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
  tls: () => IntermediateTlsOptions;
  /** Called when a certificate was issued or renewed (for the log and notifications). */
  onIssued?: (project: string, info: CertDescription, reason: string) => void;
  /** Unknown dev names: how many certificates to keep, and how many to mint per minute at most. */
  ephemeral?: { capacity: number; perMinute: number };
}

interface Entry {
  context: SecureContext;
  info: CertDescription;
  domains: string;
  caKeyId: string;
}

/** Context options from the listener's TLS profile; ticket keys stay per context, in memory only (TLS-7). */
function contextOptions(tls: IntermediateTlsOptions) {
  const { ticketKeys: _ticketKeys, ...profile } = tls;
  return profile;
}

/**
 * Where the TLS listener gets each project's certificate: built once into a SecureContext,
 * cached, and checked on every handshake with `needsRenewal` (pure, cheap), so a laptop waking
 * from sleep renews before it serves instead of presenting an expired certificate (Caddy #7496).
 *
 * Unknown names under the CA's suffixes get a short-lived certificate minted in memory — never
 * written to disk — from a small, rate-limited cache: any web page can make a browser ask for
 * random names, so this must stay bounded. Past the limit, and for names outside the suffixes,
 * there is no context and the handshake fails with unrecognized_name.
 */
export function createCertificateProvider(deps: CertificateProviderDeps) {
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Promise<Entry>>();
  const ephemeral = new Map<string, SecureContext>();
  const ephemeralLimits = deps.ephemeral ?? { capacity: 32, perMinute: 10 };
  let mintedThisMinute = 0;
  let minuteStart = 0;

  async function issueFor(project: CertifiedProject): Promise<Entry> {
    const { ca } = await deps.ca.get();
    const { certificates } = await deps.store.read();
    const ensured = await deps.store.withDataLock(() =>
      ensureProjectCert(deps.paths, ca, project, { lifetimeDays: certificates.lifetimeDays, now: deps.now(), keyPool: deps.keyPool }),
    );
    if (ensured.renewed) deps.onIssued?.(project.name, ensured.info, ensured.reason ?? 'renewed');
    const entry: Entry = {
      context: createSecureContext({ ...contextOptions(deps.tls()), key: ensured.keyPem, cert: ensured.certPem }),
      info: ensured.info,
      domains: [...project.domains].sort().join(','),
      caKeyId: ca.subjectKeyId,
    };
    entries.set(project.name, entry);
    return entry;
  }

  function isFresh(entry: Entry, project: Pick<CertifiedProject, 'domains'>, ca: CaMaterial | null): boolean {
    if (entry.domains !== [...project.domains].sort().join(',')) return false;
    if (ca && ca.subjectKeyId !== entry.caKeyId) return false;
    return !needsRenewal(entry.info, { caSubjectKeyId: entry.caKeyId, domains: project.domains, now: deps.now() }).renew;
  }

  /** The project's context: cached when still good, else (re)issued once even if many handshakes ask at once. */
  async function contextForProject(project: CertifiedProject): Promise<Entry> {
    const cached = entries.get(project.name);
    const { ca } = await deps.ca.get();
    if (cached && isFresh(cached, project, ca)) return cached;
    let inFlight = pending.get(project.name);
    if (!inFlight) {
      inFlight = issueFor(project).finally(() => pending.delete(project.name));
      pending.set(project.name, inFlight);
    }
    return inFlight;
  }

  async function mintEphemeral(servername: string): Promise<SecureContext | null> {
    const known = ephemeral.get(servername);
    if (known) return known;
    const { ca } = await deps.ca.get();
    if (!isPermitted(servername, ca.suffixes) || servername.startsWith('*')) return null;
    const nowMs = deps.now().getTime();
    if (nowMs - minuteStart >= 60_000) {
      minuteStart = nowMs;
      mintedThisMinute = 0;
    }
    if (mintedThisMinute >= ephemeralLimits.perMinute) return null;
    mintedThisMinute += 1;
    const leaf = await issueLeaf(ca, { domains: [servername], lifetimeDays: 1, now: deps.now(), keyPool: deps.keyPool }).catch(() => null);
    if (!leaf) return null;
    const context = createSecureContext({ ...contextOptions(deps.tls()), key: leaf.keyPem, cert: leaf.certPem });
    if (ephemeral.size >= ephemeralLimits.capacity) ephemeral.delete(ephemeral.keys().next().value as string);
    ephemeral.set(servername, context);
    return context;
  }

  const provider: CertificateProvider & {
    prepare(project: CertifiedProject): Promise<CertDescription>;
    info(project: string): CertDescription | null;
    forget(project: string): void;
  } = {
    async secureContextFor(servername: string, route: Route | null): Promise<SecureContext | null> {
      if (route === null) return mintEphemeral(servername);
      return (await contextForProject({ name: route.project, domains: route.domains })).context;
    },
    /** Issues (or checks) a project's certificate ahead of its first handshake. */
    async prepare(project) {
      return (await contextForProject(project)).info;
    },
    /** The certificate currently served for a project, if one was loaded. */
    info: (project) => entries.get(project)?.info ?? null,
    /** Drops a removed project's cached context. */
    forget: (project) => {
      entries.delete(project);
    },
  };
  return provider;
}
export type EngineCertificateProvider = ReturnType<typeof createCertificateProvider>;
