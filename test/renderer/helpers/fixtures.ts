/** Contract-shaped values for the dashboard tests, with defaults a test overrides field by field. */
import type { Project } from '../../../shared/config';
import type { TrustStateView } from '../../../shared/contract';
import type { ProjectStatus, RequestLogEntry, Status } from '../../../shared/status';
import type { CaView } from '../../../shared/views';

export function makeProject(overrides: Partial<Project> = {}): Project {
  const name = overrides.name ?? 'web';
  return {
    name,
    upstream: 'http://localhost:5173',
    domains: [`${name}.localhost`],
    enabled: true,
    https: true,
    hsts: 'dev',
    secureCookies: true,
    hostHeader: 'preserve',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function makeProjectStatus(project: Partial<Project> = {}, overrides: Partial<ProjectStatus> = {}): ProjectStatus {
  const settings = makeProject(project);
  return {
    project: settings,
    urls: settings.domains.filter((domain) => !domain.startsWith('*.')).map((domain) => `https://${domain}:8443/`),
    health: { state: 'up', address: '127.0.0.1', latencyMs: 2, since: '2025-01-01T00:00:00.000Z' },
    certificate: {
      sans: settings.domains,
      notAfter: '2025-04-01T00:00:00.000Z',
      daysLeft: 80,
      fingerprint256: 'AB:CD:EF:01',
      issuer: 'Portico Local CA',
      key: 'RSA 2048',
    },
    hstsHeader: 'max-age=3600',
    requests: 3,
    cookiesRewritten: 2,
    ...overrides,
  };
}

export function makeStatus(overrides: Partial<Status> = {}): Status {
  return {
    engine: { running: true, pid: 4242, startedAt: '2025-01-01T00:00:00.000Z', version: '0.1.0', dataDir: '/home/dev/.config/portico' },
    listeners: [
      { role: 'https', addresses: ['127.0.0.1', '::1'], port: 8443, note: '443 needs privileges: using 8443' },
      { role: 'http', addresses: ['127.0.0.1'], port: 8080 },
    ],
    projects: [],
    ca: { present: true, certPath: '/home/dev/.config/portico/ca/root.pem', fingerprint256: '11:22:33', notAfter: '2035-01-01T00:00:00.000Z', keyProtection: 'file' },
    tls: {
      name: 'Mozilla intermediate 6.0',
      versions: ['TLSv1.2', 'TLSv1.3'],
      ciphers: ['TLS_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
      groups: ['X25519', 'prime256v1'],
      alpn: ['h2', 'http/1.1'],
    },
    ...overrides,
  };
}

let nextId = 1;

export function makeRequest(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  const id = overrides.id ?? nextId++;
  return {
    id,
    time: '2025-01-01T12:00:00.000Z',
    project: 'web',
    host: 'web.localhost',
    method: 'GET',
    path: `/page-${id}`,
    status: 200,
    durationMs: 12,
    protocol: 'h2',
    tlsVersion: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    ...overrides,
  };
}

export function makeCaView(overrides: Partial<CaView> = {}): CaView {
  return {
    certPath: '/home/dev/.config/portico/ca/root.pem',
    certificate: {
      subject: 'CN=Portico Local CA\nO=Portico',
      issuer: 'CN=Portico Local CA\nO=Portico',
      serialNumber: '01',
      sans: [],
      notBefore: '2025-01-01T00:00:00.000Z',
      notAfter: '2035-01-01T00:00:00.000Z',
      fingerprint256: 'AA:BB:CC:DD',
      keyType: 'RSA',
      keyBits: 2048,
      isCa: true,
    },
    permitted: { dns: ['localhost', '.localhost', '.test'], ip: ['127.0.0.0/8', '::1/128'] },
    created: false,
    ...overrides,
  };
}

export function makeTrustState(overrides: Partial<TrustStateView> = {}): TrustStateView {
  return { store: 'nss', label: 'Chrome/Chromium (NSS ~/.pki/nssdb)', status: 'not-installed', detail: 'The Portico root is not in this database.', ...overrides };
}
