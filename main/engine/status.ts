import type { Config, Project } from '../../shared/config';
import type { CertSummary, Listener, ProjectStatus, Status, TlsProfile, UpstreamHealthView } from '../../shared/status';
import type { CertDescription } from './pki';
import { hstsHeaderFor } from './proxy/passes/hsts';
import { MOZILLA_INTERMEDIATE } from './proxy/tls-profile';

const DAY_MS = 86_400_000;

/** The TLS profile as the dashboard shows it (the listener enforces MOZILLA_INTERMEDIATE itself). */
export function tlsProfile(groups: readonly string[] = MOZILLA_INTERMEDIATE.groups.filter((g) => g !== MOZILLA_INTERMEDIATE.hybridGroup)): TlsProfile {
  return {
    name: 'Mozilla intermediate 6.0',
    versions: ['TLSv1.2', 'TLSv1.3'],
    ciphers: [...MOZILLA_INTERMEDIATE.tls13Suites, ...MOZILLA_INTERMEDIATE.tls12Ciphers],
    groups: [...groups],
    alpn: ['h2', 'http/1.1'],
  };
}

/** The URLs a project answers on: its domains (wildcards left out), the port shown unless default. */
export function projectUrls(project: Project, ports: { httpsPort?: number; httpPort?: number }): string[] {
  const port = project.https ? ports.httpsPort : ports.httpPort;
  const defaultPort = project.https ? 443 : 80;
  const suffix = port === undefined || port === defaultPort ? '' : `:${port}`;
  return project.domains.filter((domain) => !domain.startsWith('*.')).map((domain) => `${project.https ? 'https' : 'http'}://${domain}${suffix}`);
}

export function certSummary(info: CertDescription, now: Date): CertSummary {
  const issuerCn = /CN=([^\n]+)/.exec(info.issuer)?.[1] ?? info.issuer;
  return {
    sans: info.sans,
    notAfter: info.notAfter,
    daysLeft: Math.floor((Date.parse(info.notAfter) - now.getTime()) / DAY_MS),
    fingerprint256: info.fingerprint256,
    issuer: issuerCn,
    // "ECDSA P-256" as browsers' certificate viewers name it; "RSA 2048" for RSA keys.
    key: info.keyCurve ? `ECDSA ${info.keyCurve}` : `${info.keyType} ${info.keyBits}`,
  };
}

export interface StatusInput {
  config: Config;
  dataDir: string;
  version: string;
  now: Date;
  engine: { running: boolean; pid?: number; startedAt?: string };
  listeners: Listener[];
  ca: Status['ca'];
  health: (project: Project) => UpstreamHealthView | undefined;
  certificate: (project: Project) => CertDescription | null;
  counters: (project: Project) => { requests: number; cookiesRewritten: number };
}

/** One snapshot of everything the dashboard, tray and `portico status` show. Pure. */
export function buildStatus(input: StatusInput): Status {
  const httpsPort = input.listeners.find((listener) => listener.role === 'https')?.port;
  const httpPort = input.listeners.find((listener) => listener.role === 'http')?.port;
  const ports = { ...(httpsPort !== undefined && { httpsPort }), ...(httpPort !== undefined && { httpPort }) };
  const nowMs = input.now.getTime();
  const projects: ProjectStatus[] = input.config.projects.map((project) => {
    const certificate = project.https ? input.certificate(project) : null;
    return {
      project,
      urls: projectUrls(project, ports),
      health: project.enabled ? (input.health(project) ?? { state: 'unknown', since: input.now.toISOString() }) : { state: 'unknown', reason: 'disabled', since: project.updatedAt },
      certificate: certificate ? certSummary(certificate, input.now) : null,
      hstsHeader: project.https ? hstsHeaderFor(project, nowMs) : null,
      ...input.counters(project),
    };
  });
  return {
    engine: { ...input.engine, version: input.version, dataDir: input.dataDir },
    listeners: input.listeners,
    projects,
    ca: input.ca,
    tls: tlsProfile(),
  };
}
