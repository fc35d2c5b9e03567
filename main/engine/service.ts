import type { Config, Project } from '../../shared/config';
import type { ProjectChanges } from '../../shared/contract';
import type { CertView } from '../../shared/views';
import type { CaManager } from './ca-manager';
import type { EventBus } from './events';
import type { CommandHandlers } from './handlers';
import { ensureProjectCert, removeProjectCert, type KeyPool } from './pki';
import { PorticoError } from './errors';
import { addProject, getProject, removeProject, setEnabled, setHttps, setProjectField, type ConfigStore, type ProjectChange } from './projects';
import { checkDomains, updateProject } from './projects/registry';
import type { DataPaths } from './system/data-dir';

/** What a running engine adds to the plain config service: live status, the request log, trust. */
export interface ServiceExtensions {
  status: CommandHandlers['status.get'];
  requests: CommandHandlers['requests.recent'];
  trust?: Pick<CommandHandlers, 'trust.status' | 'trust.install' | 'trust.uninstall'>;
  /** Called after every config change this service made, to apply it now rather than on the next file-watch tick. */
  configChanged?: (config: Config) => Promise<void>;
}

export interface ServiceDeps {
  paths: DataPaths;
  store: ConfigStore;
  ca: CaManager;
  events: EventBus;
  now: () => Date;
  keyPool?: KeyPool;
  extensions: ServiceExtensions;
}

const DAY_MS = 86_400_000;

/** Order in which `projects.update` applies changes: the upstream before its port shorthand. */
const CHANGE_ORDER = ['upstream', 'port', 'hsts', 'secureCookies', 'hostHeader', 'https', 'enabled'] as const;

function applyChanges(config: Config, name: string, changes: ProjectChanges, now: Date): ProjectChange {
  let result: ProjectChange = { config, project: getProject(config, name) };
  if (changes.domains !== undefined) {
    const domains = checkDomains(result.config, changes.domains, name);
    result = updateProject(result.config, name, now, (project) => ({ ...project, domains }));
  }
  for (const key of CHANGE_ORDER) {
    const value = changes[key];
    if (value !== undefined) result = setProjectField(result.config, name, key, String(value), now);
  }
  return result;
}

/**
 * The contract's commands on top of the config store, the CA and the certificates: what the
 * CLI runs in-process when no engine runs, and what a running engine serves to every client.
 */
export function createService(deps: ServiceDeps): CommandHandlers {
  const { store, paths, events, now } = deps;

  async function change(mutate: (config: Config) => ProjectChange, removed = false): Promise<Project> {
    const { config, project } = await store.update(mutate);
    events.emit('project.changed', { name: project.name, project: removed ? null : project });
    await deps.extensions.configChanged?.(config);
    return project;
  }

  async function certificate(name: string): Promise<CertView> {
    const project = getProject(await store.read(), name);
    const { ca } = await deps.ca.get();
    const { certificates } = await store.read();
    const ensured = await store.withDataLock(() =>
      ensureProjectCert(paths, ca, project, { lifetimeDays: certificates.lifetimeDays, now: now(), ...(deps.keyPool && { keyPool: deps.keyPool }) }),
    );
    const { authorityKeyId: _a, subjectKeyId: _s, permitted: _p, ...info } = ensured.info;
    return {
      project: project.name,
      certPath: paths.cert(project.name),
      keyPath: paths.key(project.name),
      certificate: info,
      daysLeft: Math.floor((Date.parse(info.notAfter) - now().getTime()) / DAY_MS),
      issued: ensured.renewed,
    };
  }

  const trustUnavailable = async (): Promise<never> => {
    throw new PorticoError('E_UNKNOWN_COMMAND', 'trust stores are not available in this build of the engine.');
  };

  return {
    'status.get': deps.extensions.status,
    'requests.recent': deps.extensions.requests,
    'projects.list': async () => (await store.read()).projects,
    'projects.get': async ({ name }) => getProject(await store.read(), name),
    'projects.add': (input) => change((config) => addProject(config, input, now())),
    'projects.update': ({ name, changes }) => change((config) => applyChanges(config, name, changes, now())),
    'projects.remove': async ({ name }) => {
      const project = await change((config) => removeProject(config, name), true);
      await store.withDataLock(() => removeProjectCert(paths, project.name));
      return project;
    },
    'projects.setHttps': ({ name, enabled }) => change((config) => setHttps(config, name, enabled, now())),
    'projects.setEnabled': ({ name, enabled }) => change((config) => setEnabled(config, name, enabled, now())),
    'ca.get': () => deps.ca.view(),
    'ca.rotate': async ({ addSuffixes }) => {
      const view = await deps.ca.rotate(addSuffixes);
      await deps.extensions.configChanged?.(await store.read());
      return view;
    },
    'certs.get': ({ name }) => certificate(name),
    'trust.status': deps.extensions.trust?.['trust.status'] ?? trustUnavailable,
    'trust.install': deps.extensions.trust?.['trust.install'] ?? trustUnavailable,
    'trust.uninstall': deps.extensions.trust?.['trust.uninstall'] ?? trustUnavailable,
  };
}
