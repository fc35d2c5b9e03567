/**
 * `portico set <name> <key> <value>`: one project setting from a string, validated the same way
 * as `portico add` validates it. Pure, like the rest of the registry.
 */
import type { Config } from '../../../shared/config';
import { checkPort, checkUpstream, upstreamForPort } from '../../../shared/names';
import { PorticoError } from '../errors';
import { checkDomains, getProject, parseHostHeaderMode, parseHstsPolicy, setEnabled, setHttps, unwrap, updateProject, type ProjectChange } from './registry';

/** The keys `portico set` accepts, in the order its help lists them. */
export const PROJECT_FIELD_KEYS = ['upstream', 'port', 'domains', 'hsts', 'secureCookies', 'hostHeader', 'https', 'enabled'] as const;
export type ProjectFieldKey = (typeof PROJECT_FIELD_KEYS)[number];

type Setter = (config: Config, name: string, value: string, now: Date) => ProjectChange;

const SETTERS: Record<ProjectFieldKey, Setter> = {
  upstream: (config, name, value, now) => {
    const upstream = unwrap(checkUpstream(value));
    return updateProject(config, name, now, (project) => ({ ...project, upstream }));
  },
  port: (config, name, value, now) => {
    const port = unwrap(checkPort(value));
    return updateProject(config, name, now, (project) => ({ ...project, upstream: upstreamWithPort(project.upstream, port) }));
  },
  domains: (config, name, value, now) => {
    const domains = checkDomains(config, value.split(',').map((part) => part.trim()).filter((part) => part !== ''), name);
    return updateProject(config, name, now, (project) => ({ ...project, domains }));
  },
  hsts: (config, name, value, now) => {
    const hsts = parseHstsPolicy(value);
    return updateProject(config, name, now, (project) => ({ ...project, hsts }));
  },
  secureCookies: (config, name, value, now) => {
    const secureCookies = parseSwitch('secureCookies', value);
    return updateProject(config, name, now, (project) => ({ ...project, secureCookies }));
  },
  hostHeader: (config, name, value, now) => {
    const hostHeader = parseHostHeaderMode(value);
    return updateProject(config, name, now, (project) => ({ ...project, hostHeader }));
  },
  https: (config, name, value, now) => setHttps(config, name, parseSwitch('https', value), now),
  enabled: (config, name, value, now) => setEnabled(config, name, parseSwitch('enabled', value), now),
};

/**
 * Sets one field of a project from its string form. The key is matched ignoring case, `-` and
 * `_` (`secure-cookies` is `secureCookies`). Errors: E_PROJECT_NOT_FOUND, E_INVALID_INPUT for an
 * unknown key or a value outside its set, and the code of the failed check for ports, upstreams
 * and domains.
 */
export function setProjectField(config: Config, name: string, key: string, value: string, now: Date): ProjectChange {
  getProject(config, name);
  const field = PROJECT_FIELD_KEYS.find((candidate) => squash(candidate) === squash(key));
  if (field === undefined) {
    throw new PorticoError('E_INVALID_INPUT', `"${key}" is not a project setting: use one of ${PROJECT_FIELD_KEYS.join(', ')}.`);
  }
  return SETTERS[field](config, name, value, now);
}

/**
 * The upstream with its port replaced, keeping its scheme and host (`http://127.0.0.1:3000` with
 * port 4000 is `http://127.0.0.1:4000`); `http://localhost:<port>` when the old one does not parse.
 */
function upstreamWithPort(current: string, port: number): string {
  let url: URL;
  try {
    url = new URL(current);
  } catch {
    return upstreamForPort(port);
  }
  url.port = String(port);
  return unwrap(checkUpstream(url.origin));
}

function parseSwitch(key: string, value: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (normalized === 'on' || normalized === 'true') return true;
  if (normalized === 'off' || normalized === 'false') return false;
  throw new PorticoError('E_INVALID_INPUT', `"${value}" is not a value for ${key}: use on or off (or true/false).`);
}

function squash(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}
