/**
 * Handlers that record their calls and answer with values that satisfy the contract, so the
 * control layer can be tested on its own (the engine behind the handlers is tested elsewhere).
 */
import type { CommandInput, CommandName, CommandOutput } from '../../../shared/contract';
import type { Project } from '../../../shared/config';
import type { Status } from '../../../shared/status';
import type { CaView, CertView, CertificateInfo } from '../../../shared/views';
import type { CommandHandlers } from '../../../main/engine/handlers';

export const project: Project = {
  name: 'web',
  upstream: 'http://localhost:5173',
  domains: ['web.localhost'],
  enabled: true,
  https: true,
  hsts: 'dev',
  secureCookies: true,
  hostHeader: 'preserve',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

export const status: Status = {
  engine: { running: true, pid: 1234, version: '0.1.0', dataDir: '/tmp/portico' },
  listeners: [],
  projects: [],
  ca: { present: false, certPath: '/tmp/portico/ca/root.pem' },
  tls: { name: 'Mozilla intermediate 6.0', versions: ['TLSv1.2', 'TLSv1.3'], ciphers: [], groups: [], alpn: ['h2', 'http/1.1'] },
};

const certificate: CertificateInfo = {
  subject: 'CN=web.localhost',
  issuer: 'CN=Portico Local CA',
  serialNumber: '01',
  sans: ['web.localhost'],
  notBefore: '2025-01-01T00:00:00.000Z',
  notAfter: '2025-04-01T00:00:00.000Z',
  fingerprint256: 'AB:CD',
  keyType: 'RSA',
  keyBits: 2048,
  isCa: false,
};

const caView: CaView = { certPath: '/tmp/portico/ca/root.pem', certificate: { ...certificate, isCa: true }, permitted: { dns: ['localhost'], ip: [] }, created: false };
const certView: CertView = { project: 'web', certPath: '/c.pem', keyPath: '/k.pem', certificate, daysLeft: 80, issued: false };

/** A valid input for every command, for tests that must reach every handler. */
export const validInputs: { [N in CommandName]: CommandInput<N> } = {
  'status.get': {},
  'projects.list': {},
  'projects.get': { name: 'web' },
  'projects.add': { name: 'web', port: 5173 },
  'projects.update': { name: 'web', changes: { hsts: 'off' } },
  'projects.remove': { name: 'web' },
  'projects.setHttps': { name: 'web', enabled: false },
  'projects.setEnabled': { name: 'web', enabled: true },
  'ca.get': {},
  'ca.rotate': { addSuffixes: ['.example'] },
  'certs.get': { name: 'web' },
  'trust.status': {},
  'trust.install': {},
  'trust.uninstall': { stores: ['nss'] },
  'requests.recent': { limit: 10 },
};

const answers: { [N in CommandName]: CommandOutput<N> } = {
  'status.get': status,
  'projects.list': [project],
  'projects.get': project,
  'projects.add': project,
  'projects.update': project,
  'projects.remove': project,
  'projects.setHttps': project,
  'projects.setEnabled': project,
  'ca.get': caView,
  'ca.rotate': { ...caView, created: true },
  'certs.get': certView,
  'trust.status': [],
  'trust.install': [],
  'trust.uninstall': [],
  'requests.recent': [],
};

export interface RecordedCall {
  name: CommandName;
  input: unknown;
}

/** Every handler records its call and answers from `answers`, unless `overrides` replaces it. */
export function recordingHandlers(overrides: Partial<Record<CommandName, (input: unknown) => Promise<unknown>>> = {}) {
  const calls: RecordedCall[] = [];
  const handlers = Object.fromEntries(
    (Object.keys(answers) as CommandName[]).map((name) => [
      name,
      async (input: unknown) => {
        calls.push({ name, input });
        const override = overrides[name];
        return override ? override(input) : answers[name];
      },
    ]),
  ) as unknown as CommandHandlers;
  return { handlers, calls };
}
