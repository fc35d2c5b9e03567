/**
 * The project registry: pure functions over a Config. Each returns a new Config (the input is
 * never changed) with the affected project, or throws a PorticoError with a stable code, so the
 * store writes nothing. Validation rules live in shared/names.ts; defaults in shared/config.ts.
 */
import { HostHeaderModeSchema, HstsPolicySchema, ProjectSchema, type Config, type HostHeaderMode, type HstsPolicy, type Project } from '../../../shared/config';
import type { Checked } from '../../../shared/names';
import { checkDomain, checkPort, checkProjectName, checkUpstream, defaultDomain, upstreamForPort } from '../../../shared/names';
import { PorticoError } from '../errors';
import { withHstsReset } from './hsts-reset';

/** A change to one project: the next config and the project as it now is (or was, when removed). */
export interface ProjectChange {
  config: Config;
  project: Project;
}

/** What `portico add` and the dashboard form send. Strings are validated here, not trusted. */
export interface AddProjectInput {
  name: string;
  /** The dev server's port on this machine; exactly one of `port` and `upstream`. */
  port?: string | number;
  /** The dev server's origin, e.g. `http://127.0.0.1:3000`. */
  upstream?: string;
  /** Domains to serve, the first being the primary; default `<name>.localhost`. */
  domains?: readonly string[];
  https?: boolean;
  hsts?: string;
  secureCookies?: boolean;
  hostHeader?: string;
}

export function addProject(config: Config, input: AddProjectInput, now: Date): ProjectChange {
  const name = unwrap(checkProjectName(input.name));
  const hasPort = input.port !== undefined && input.port !== '';
  const hasUpstream = input.upstream !== undefined && input.upstream !== '';
  if (hasPort === hasUpstream) {
    throw new PorticoError('E_INVALID_INPUT', `give exactly one of a port (e.g. --port 5173) or an upstream URL (e.g. --upstream http://localhost:5173) for "${name}"${hasPort ? ', not both' : ''}.`);
  }
  const upstream = hasPort ? upstreamForPort(unwrap(checkPort(input.port as string | number))) : unwrap(checkUpstream(input.upstream as string));
  const hsts = input.hsts === undefined ? undefined : parseHstsPolicy(input.hsts);
  const hostHeader = input.hostHeader === undefined ? undefined : parseHostHeaderMode(input.hostHeader);

  const existing = config.projects.find((project) => project.name === name);
  if (existing) {
    throw new PorticoError('E_DUPLICATE_NAME', `a project named "${name}" already exists. Choose another name, or change it with \`portico set ${name} <key> <value>\`.`);
  }
  const requested = input.domains !== undefined && input.domains.length > 0 ? input.domains : [defaultDomain(name)];
  const domains = checkDomains(config, requested, null);

  const stamp = now.toISOString();
  // The schema applies every default left unset here (shared/config.ts is their one place).
  const parsed = ProjectSchema.safeParse({ name, upstream, domains, https: input.https, hsts, secureCookies: input.secureCookies, hostHeader, createdAt: stamp, updatedAt: stamp });
  if (!parsed.success) {
    throw new PorticoError('E_INVALID_INPUT', `invalid project "${name}": ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}.`);
  }
  const project = parsed.data;
  return { config: { ...config, projects: [...config.projects, project] }, project };
}

export function removeProject(config: Config, name: string): ProjectChange {
  const project = getProject(config, name);
  return { config: { ...config, projects: config.projects.filter((candidate) => candidate !== project) }, project };
}

export function getProject(config: Config, name: string): Project {
  const wanted = name.trim();
  const project = config.projects.find((candidate) => candidate.name === wanted);
  if (!project) {
    throw new PorticoError('E_PROJECT_NOT_FOUND', `no project is named "${name}". Run \`portico list\` to see the projects.`);
  }
  return project;
}

/** HTTPS on or off; turning it off under an HSTS policy starts the max-age=0 window. */
export function setHttps(config: Config, name: string, on: boolean, now: Date): ProjectChange {
  return updateProject(config, name, now, (project) => ({ ...project, https: on }));
}

export function setEnabled(config: Config, name: string, on: boolean, now: Date): ProjectChange {
  return updateProject(config, name, now, (project) => ({ ...project, enabled: on }));
}

/**
 * Replaces one project by `change(project)`, stamps `updatedAt` and works out the HSTS reset
 * window. Every edit of an existing project goes through here.
 */
export function updateProject(config: Config, name: string, now: Date, change: (project: Project) => Project): ProjectChange {
  const before = getProject(config, name);
  const project = withHstsReset(before, { ...change(before), updatedAt: now.toISOString() }, now);
  return { config: { ...config, projects: config.projects.map((candidate) => (candidate === before ? project : candidate)) }, project };
}

/**
 * Normalizes domains (IDN → punycode, lower case), refuses any outside the CA's suffixes, drops
 * repeats and refuses one another project serves. `owner` is the project being edited, whose own
 * domains do not conflict with themselves.
 */
export function checkDomains(config: Config, inputs: readonly string[], owner: string | null): string[] {
  const domains = [...new Set(inputs.map((input) => unwrap(checkDomain(input, config.ca.suffixes))))];
  if (domains.length === 0) throw new PorticoError('E_INVALID_INPUT', 'give at least one domain, e.g. "web.localhost".');
  for (const domain of domains) {
    const holder = config.projects.find((project) => project.name !== owner && project.domains.includes(domain));
    if (holder) {
      throw new PorticoError('E_DUPLICATE_DOMAIN', `"${domain}" is already served by project "${holder.name}". Remove it there first (\`portico set ${holder.name} domains …\`) or choose another domain.`);
    }
  }
  return domains;
}

export function parseHstsPolicy(value: string): HstsPolicy {
  const parsed = HstsPolicySchema.safeParse(value.trim().toLowerCase());
  if (!parsed.success) throw new PorticoError('E_INVALID_INPUT', `"${value}" is not an HSTS policy: use ${HstsPolicySchema.options.join(', ')}.`);
  return parsed.data;
}

export function parseHostHeaderMode(value: string): HostHeaderMode {
  const parsed = HostHeaderModeSchema.safeParse(value.trim().toLowerCase());
  if (!parsed.success) throw new PorticoError('E_INVALID_INPUT', `"${value}" is not a host header mode: use ${HostHeaderModeSchema.options.join(' or ')}.`);
  return parsed.data;
}

/** The value of a successful check, or its code and message as a PorticoError. */
export function unwrap<T>(checked: Checked<T>): T {
  if (!checked.ok) throw new PorticoError(checked.code, checked.message);
  return checked.value;
}
