/** Status snapshots for the shell's pure functions, checked against the contract's schema. */
import { StatusSchema } from '../../../shared/status';
import type { ProjectStatus, Status } from '../../../shared/status';

export interface ProjectOptions {
  name: string;
  https?: boolean;
  enabled?: boolean;
  health?: 'up' | 'down' | 'unknown';
  reason?: string;
  fingerprint?: string | null;
  daysLeft?: number;
  port?: number;
}

export function projectStatus(options: ProjectOptions): ProjectStatus {
  const { name, https = true, enabled = true, health = 'up', fingerprint = 'AA:01', daysLeft = 60 } = options;
  const domain = `${name}.localhost`;
  const scheme = https ? 'https' : 'http';
  const defaultPort = https ? 443 : 80;
  const port = options.port ?? defaultPort;
  const url = `${scheme}://${domain}${port === defaultPort ? '' : `:${port}`}`;
  return {
    project: {
      name,
      upstream: 'http://localhost:5173',
      domains: [domain],
      enabled,
      https,
      hsts: 'dev',
      secureCookies: true,
      hostHeader: 'preserve',
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    },
    urls: [url],
    health: { state: health, since: '2025-01-01T00:00:00.000Z', ...(options.reason && { reason: options.reason }) },
    certificate:
      https && fingerprint !== null
        ? { sans: [domain], notAfter: '2025-04-01T00:00:00.000Z', daysLeft, fingerprint256: fingerprint, issuer: 'Portico Local CA', key: 'RSA 2048' }
        : null,
    hstsHeader: https ? 'max-age=3600' : null,
    requests: 0,
    cookiesRewritten: 0,
  };
}

export function status(projects: ProjectStatus[] = [], options: { running?: boolean; httpsPort?: number } = {}): Status {
  const running = options.running ?? true;
  const port = options.httpsPort ?? 443;
  return StatusSchema.parse({
    engine: { running, ...(running && { pid: 4242, startedAt: '2025-01-01T00:00:00.000Z' }), version: '0.1.0', dataDir: '/tmp/portico' },
    listeners: running
      ? [
          { role: 'https', addresses: ['127.0.0.1'], port },
          { role: 'http', addresses: ['127.0.0.1'], port: port === 443 ? 80 : 8080 },
        ]
      : [],
    projects,
    ca: { present: true, certPath: '/tmp/portico/ca/root.pem', fingerprint256: 'CA:FE', keyProtection: 'file' },
    tls: { name: 'Mozilla intermediate 6.0', versions: ['TLSv1.2', 'TLSv1.3'], ciphers: [], groups: [], alpn: ['h2', 'http/1.1'] },
  });
}
