import { HostHeaderModeSchema, HstsPolicySchema, type Project } from '../../../shared/config';
import type { ProjectChanges } from '../../../shared/contract';
import { PorticoError } from '../../engine/errors';
import { PROJECT_FIELD_KEYS } from '../../engine/projects';
import { onOff, str, UsageError } from '../args';
import { fields, printJson, table } from '../output';
import { openService } from '../service';
import type { Command } from './types';

/** The public URL of a project's primary domain, as the proxy serves it. */
function projectUrl(project: Project): string {
  const domain = project.domains[0] ?? `${project.name}.localhost`;
  return `${project.https ? 'https' : 'http'}://${domain.replace(/^\*\./, 'www.')}`;
}

/** A value of a closed set, with a message listing the set (E_INVALID_INPUT, exit 1). */
function parseChoice<T extends string>(value: string, options: readonly T[], what: string): T {
  const normalized = value.trim().toLowerCase();
  const match = options.find((option) => option.toLowerCase() === normalized);
  if (match === undefined) throw new PorticoError('E_INVALID_INPUT', `"${value}" is not ${what}: use ${options.join(', ')}.`);
  return match;
}

/** `portico set <name> <key> <value>` as a `projects.update` change; the engine validates the value. */
function changeFor(key: string, value: string): ProjectChanges {
  const squash = (text: string) => text.toLowerCase().replace(/[-_]/g, '');
  const field = PROJECT_FIELD_KEYS.find((candidate) => squash(candidate) === squash(key));
  switch (field) {
    case undefined:
      throw new PorticoError('E_INVALID_INPUT', `"${key}" is not a project setting: use one of ${PROJECT_FIELD_KEYS.join(', ')}.`);
    case 'domains':
      return { domains: value.split(',').map((part) => part.trim()).filter((part) => part !== '') };
    case 'hsts':
      return { hsts: parseChoice(value, HstsPolicySchema.options, 'an HSTS policy') };
    case 'hostHeader':
      return { hostHeader: parseChoice(value, HostHeaderModeSchema.options, 'a host header mode') };
    case 'secureCookies':
    case 'https':
    case 'enabled':
      return { [field]: parseSwitchValue(field, value) };
    default:
      return { [field]: value };
  }
}

function parseSwitchValue(key: string, value: string): boolean {
  try {
    return onOff(value);
  } catch {
    throw new PorticoError('E_INVALID_INPUT', `"${value}" is not a value for ${key}: use on or off.`);
  }
}

function describe(project: Project): string {
  return fields([
    ['name', project.name],
    ['url', projectUrl(project)],
    ['domains', project.domains.join(', ')],
    ['upstream', project.upstream],
    ['enabled', project.enabled ? 'yes' : 'no'],
    ['https', project.https ? 'on' : 'off'],
    ['hsts', project.hsts],
    ['secure cookies', project.secureCookies ? 'on' : 'off'],
    ['host header', project.hostHeader],
  ]);
}

const add: Command = {
  name: 'add',
  summary: 'add a project: a name and the dev server behind it',
  usage: `portico add <name> (<port> | <url> | --port <n> | --upstream <url>) [--domain <d>]... [--no-https]
              [--hsts off|dev|production] [--no-secure-cookies] [--host-header preserve|upstream] [--json]

  <name>            a lower-case slug; the default domain is <name>.localhost
  <port> | <url>    the dev server, as with --port or --upstream: \`portico add web 5173\`
  --port <n>        the dev server's port on this machine (upstream http://localhost:<n>)
  --upstream <url>  the dev server's origin instead, e.g. http://127.0.0.1:3000
  --domain <d>      a domain to serve (repeatable); the first is the primary
  --no-https        serve over plain HTTP only
  --hsts <policy>   off, dev (max-age=3600, the default) or production (1 year, includeSubDomains)
  --no-secure-cookies  leave Set-Cookie headers as the dev server sends them
  --host-header <m> preserve (the project's domain, the default) or upstream (the dev server's host:port)`,
  options: {
    port: { type: 'string' },
    upstream: { type: 'string' },
    domain: { type: 'string', multiple: true },
    'no-https': { type: 'boolean' },
    hsts: { type: 'string' },
    'no-secure-cookies': { type: 'boolean' },
    'host-header': { type: 'string' },
  },
  positionals: { min: 1, max: 2 },
  async run({ positionals, values }, context) {
    // `portico add web 5173` and `portico add web http://127.0.0.1:3000` read as the flags would.
    const target = positionals[1];
    const targetIsPort = target !== undefined && /^\d+$/.test(target);
    const port = str(values.port) ?? (targetIsPort ? target : undefined);
    const upstream = str(values.upstream) ?? (target !== undefined && !targetIsPort ? target : undefined);
    const given = [values.port, values.upstream, target].filter((value) => value !== undefined).length;
    if (given !== 1) throw new UsageError('give the dev server once: a port (`portico add web 5173`), --port <n> or --upstream <url>');
    const service = await openService(context);
    const hsts = str(values.hsts);
    const hostHeader = str(values['host-header']);
    const project = await service.call('projects.add', {
      name: positionals[0] ?? '',
      ...(port !== undefined ? { port } : { upstream }),
      ...(values.domain !== undefined && { domains: values.domain as string[] }),
      ...(values['no-https'] === true && { https: false }),
      ...(hsts !== undefined && { hsts: parseChoice(hsts, HstsPolicySchema.options, 'an HSTS policy') }),
      ...(values['no-secure-cookies'] === true && { secureCookies: false }),
      ...(hostHeader !== undefined && { hostHeader: parseChoice(hostHeader, HostHeaderModeSchema.options, 'a host header mode') }),
    });
    if (values.json) printJson(context.output, project);
    else context.output.out(`Added ${project.name}: ${projectUrl(project)} → ${project.upstream}`);
    return 0;
  },
};

const list: Command = {
  name: 'list',
  summary: 'list the projects',
  usage: 'portico list [--json]',
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ values }, context) {
    const projects = await (await openService(context)).call('projects.list', {});
    if (values.json) {
      printJson(context.output, projects);
    } else if (projects.length === 0) {
      context.output.out('No projects yet. Add one with: portico add web --port 5173');
    } else {
      const rows = projects.map((p) => [p.name, projectUrl(p), p.upstream, p.enabled ? 'enabled' : 'disabled', p.https ? 'https' : 'http', p.hsts]);
      context.output.out(table([['NAME', 'URL', 'UPSTREAM', 'STATE', 'SCHEME', 'HSTS'], ...rows]));
    }
    return 0;
  },
};

const show: Command = {
  name: 'show',
  summary: "show one project's settings",
  usage: 'portico show <name> [--json]',
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, values }, context) {
    const project = await (await openService(context)).call('projects.get', { name: positionals[0] ?? '' });
    if (values.json) printJson(context.output, project);
    else context.output.out(describe(project));
    return 0;
  },
};

const rm: Command = {
  name: 'rm',
  summary: 'remove a project (and its certificate)',
  usage: 'portico rm <name> [--json]',
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, values }, context) {
    const project = await (await openService(context)).call('projects.remove', { name: positionals[0] ?? '' });
    if (values.json) printJson(context.output, project);
    else context.output.out(`Removed ${project.name}.`);
    return 0;
  },
};

const https: Command = {
  name: 'https',
  summary: 'turn HTTPS on or off for a project',
  usage: 'portico https <name> on|off [--json]',
  options: {},
  positionals: { min: 2, max: 2 },
  async run({ positionals, values }, context) {
    const on = onOff(positionals[1]);
    const project = await (await openService(context)).call('projects.setHttps', { name: positionals[0] ?? '', enabled: on });
    if (values.json) printJson(context.output, project);
    else context.output.out(`HTTPS ${on ? 'on' : 'off'} for ${project.name}: ${projectUrl(project)}`);
    return 0;
  },
};

function toggle(name: 'enable' | 'disable'): Command {
  const on = name === 'enable';
  return {
    name,
    summary: on ? 'route a project again' : 'stop routing a project (keeps its settings)',
    usage: `portico ${name} <name> [--json]`,
    options: {},
    positionals: { min: 1, max: 1 },
    async run({ positionals, values }, context) {
      const project = await (await openService(context)).call('projects.setEnabled', { name: positionals[0] ?? '', enabled: on });
      if (values.json) printJson(context.output, project);
      else context.output.out(`${project.name} is ${on ? 'enabled' : 'disabled'}.`);
      return 0;
    },
  };
}

const set: Command = {
  name: 'set',
  summary: 'change one setting of a project',
  usage: `portico set <name> <key> <value> [--json]

  keys: upstream <url> | port <n> | domains <d1,d2,...> | hsts off|dev|production
        secureCookies on|off | hostHeader preserve|upstream | https on|off | enabled on|off`,
  options: {},
  positionals: { min: 3, max: 3 },
  async run({ positionals, values }, context) {
    const [name = '', key = '', value = ''] = positionals;
    const project = await (await openService(context)).call('projects.update', { name, changes: changeFor(key, value) });
    if (values.json) printJson(context.output, project);
    else context.output.out(describe(project));
    return 0;
  },
};

export const projectCommands: Command[] = [add, list, show, rm, https, toggle('enable'), toggle('disable'), set];
