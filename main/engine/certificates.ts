import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import { isPermitted } from '../../shared/names';
import type { Project } from '../../shared/config';
import type { CaManager } from './ca-manager';
import { PorticoError } from './errors';
import { describeCertificate, issueLeaf, loadProjectCert, needsRenewal, writeProjectCert, type CaMaterial, type CertDescription, type CertifiedProject, type IssuedLeaf, type KeyPool, type RenewalReason } from './pki';
import type { ConfigStore } from './projects';
import { createCertificateCache } from './proxy/certificate-cache';
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

/** What `startUp` found: certificates ready on disk, and the issuance still running for the others. */
export interface StartUpCertificates {
  ready: number;
  issuing: number;
  /** Settles when every missing certificate was issued (or failed, which `onError` reported). */
  done: Promise<void>;
}

/** How often a handshake looks whether the root changed (a `portico ca rotate`): at most once a second. */
const CA_CHECK_MS = 1000;

/**
 * Certificates issued at once in the background at start-up. Key generation is CPU-bound and runs
 * on libuv's thread pool (4 threads), which file reads and writes share: one here plus the key
 * pool's refill keep two cores busy, and leave threads for a handshake's own issuance, which
 * jumps this queue. With two here, a handshake during a cold start of 100 projects once waited
 * 3.8 s; with one, 0.2 s, and the hundred were issued in 11 s (bench/README.md).
 */
const BACKGROUND_ISSUANCE = 1;

function certified(project: Pick<Project, 'name' | 'domains'>): CertifiedProject {
  return { name: project.name, domains: project.domains.map((domain) => domain.toLowerCase()) };
}

/** Runs `work` over `items`, at most `limit` at a time, until `stopped()` says otherwise. */
async function limited<T>(items: readonly T[], limit: number, stopped: () => boolean, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !stopped()) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * The engine's certificates for the TLS listener. Project certificates live on disk and are
 * cached as SecureContexts by the proxy's certificate cache, built on a project's first handshake
 * (not at start-up: a context holds its key and certificate in OpenSSL — a thousand took 230 MB —
 * and most projects of a long list are idle), and renewed on the handshake when due. A rotated root
 * invalidates every cached context.
 *
 * A certificate on disk is read without the data lock (writers replace each file atomically; a
 * read that catches the key of one write and the certificate of another sees a mismatch and
 * issues anew, as for a damaged pair); a new
 * one is signed outside the lock — a key generation can take hundreds of milliseconds — and only
 * written under it, so a hundred projects issuing at once never queue on the lock for longer than
 * their writes take. Concurrent callers for one project share one issuance.
 *
 * Unknown names under the CA's suffixes get a one-day certificate minted in memory — never
 * written to disk — from a small, rate-limited cache: any web page can make a browser ask for
 * random names, so this must stay bounded. Past the limit, and for names outside the suffixes,
 * there is no context and the handshake fails with unrecognized_name.
 */
export function createCertificateProvider(deps: CertificateProviderDeps) {
  const { ticketKeys: _ticketKeys, ...contextOptions } = deps.tls;
  const infos = new Map<string, CertDescription>();
  const issuing = new Map<string, Promise<IssuedLeaf>>();
  const ephemeral = new Map<string, SecureContext>();
  const limits = deps.ephemeral ?? { capacity: 32, perMinute: 10 };
  let minted = { minuteStart: 0, count: 0 };
  let caKeyId: string | null = null;
  let caCheckedAt = -Infinity;
  let closed = false;

  /** The certificate on disk if it can be served as is: signed by the current root, same names, not due. */
  async function usableOnDisk(project: CertifiedProject, ca: CaMaterial): Promise<{ leaf: IssuedLeaf | null; reason: RenewalReason | 'missing' | null }> {
    const existing = await loadProjectCert(deps.paths, project.name);
    if (!existing) return { leaf: null, reason: 'missing' };
    const verdict = needsRenewal(existing.info, { caSubjectKeyId: ca.subjectKeyId, domains: project.domains, now: deps.now() });
    if (verdict.renew) return { leaf: null, reason: verdict.reason ?? 'lifetime' };
    // A matching AKI is only a label: check the signature itself against the current root.
    if (!new X509Certificate(existing.certPem).verify(ca.x509.publicKey)) return { leaf: null, reason: 'issuer' };
    infos.set(project.name, existing.info);
    return { leaf: existing, reason: null };
  }

  /**
   * Start-up's cheaper look at a certificate on disk: the certificate alone, parsed and checked
   * against the root, without reading and parsing its key (half the cost; the key is checked
   * against the certificate when the first handshake builds the context, and a mismatch is then
   * issued anew). True when it can be served as is.
   */
  async function servableOnDisk(project: CertifiedProject, ca: CaMaterial): Promise<boolean> {
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(await readFile(deps.paths.cert(project.name)));
    } catch {
      return false;
    }
    const info = describeCertificate(x509);
    if (needsRenewal(info, { caSubjectKeyId: ca.subjectKeyId, domains: project.domains, now: deps.now() }).renew) return false;
    if (!x509.verify(ca.x509.publicKey)) return false;
    infos.set(project.name, info);
    return true;
  }

  function issue(project: CertifiedProject, ca: CaMaterial, reason: string): Promise<IssuedLeaf> {
    const running = issuing.get(project.name);
    if (running) return running;
    // A stopping engine writes nothing new into the data dir (it may be about to be removed).
    if (closed) return Promise.reject(new PorticoError('E_ENGINE_NOT_RUNNING', `not issuing a certificate for ${project.name}: the engine is stopping.`));
    const job = (async () => {
      const { certificates } = await deps.store.read();
      const leaf = await issueLeaf(ca, { domains: project.domains, lifetimeDays: certificates.lifetimeDays, now: deps.now(), keyPool: deps.keyPool });
      await deps.store.withDataLock(() => writeProjectCert(deps.paths, project.name, leaf));
      infos.set(project.name, leaf.info);
      deps.onIssued?.(project.name, leaf.info, reason);
      return leaf;
    })().finally(() => issuing.delete(project.name));
    issuing.set(project.name, job);
    return job;
  }

  /** The project's certificate, issued or renewed as needed; on disk when this resolves. */
  async function ensure(project: CertifiedProject): Promise<IssuedLeaf> {
    // An issuance in flight (start-up's background queue, a config change) is waited for, then
    // what it wrote is read back: it may have been for names the project no longer has.
    await issuing.get(project.name)?.catch(() => undefined);
    const { ca } = await deps.ca.get();
    const found = await usableOnDisk(project, ca);
    return found.leaf ?? issue(project, ca, found.reason ?? 'renewed');
  }

  const cache = createCertificateCache({
    contextOptions,
    now: () => deps.now().getTime(),
    onError: (route, error) => deps.onError?.(route.project, error),
    source: { ensure: (route) => ensure({ name: route.project, domains: route.domains }) },
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
    startUp(projects: readonly Project[]): Promise<StartUpCertificates>;
    info(project: string): CertDescription | null;
    forget(project: string): void;
    close(): Promise<void>;
  } = {
    async secureContextFor(servername, route) {
      await followCaRotation();
      return route === null ? mintEphemeral(servername) : cache.secureContextFor(servername, route);
    },
    /**
     * Issues (or loads and checks) a project's certificate ahead of its first handshake. Its
     * SecureContext is built on that handshake, not here.
     */
    async prepare(project) {
      await ensure(certified(project));
    },
    /**
     * Start-up: every certificate already on disk is read and checked now (a few milliseconds
     * each, in parallel); the missing or stale ones are issued in the background, a few at a time.
     * A handshake for a project still waiting in that queue does not wait its turn: its own
     * issuance starts at once (or joins the one running), so its first handshake never fails
     * because the certificate is still being made — it waits for it, as for any new project.
     */
    async startUp(projects) {
      const { ca } = await deps.ca.get();
      const wanted = projects.map(certified);
      const found = await Promise.all(wanted.map((project) => servableOnDisk(project, ca).catch(() => false)));
      const missing = wanted.filter((_, index) => !found[index]);
      const done = limited(missing, BACKGROUND_ISSUANCE, () => closed, (project) => ensure(project).then(() => undefined, (error: unknown) => deps.onError?.(project.name, error)));
      return { ready: wanted.length - missing.length, issuing: missing.length, done };
    },
    /** The certificate currently served for a project, if one was loaded. */
    info: (project) => infos.get(project) ?? null,
    /** Drops a removed project's cached context. */
    forget: (project) => {
      cache.invalidate(project);
      infos.delete(project);
    },
    /**
     * Stops start-up's background issuance and refuses new issuance; resolves once the ones
     * already running have written their files, so the engine stops with nothing left writing.
     */
    close: async () => {
      closed = true;
      await Promise.allSettled([...issuing.values()]);
    },
  };
  return provider;
}
export type EngineCertificateProvider = ReturnType<typeof createCertificateProvider>;
