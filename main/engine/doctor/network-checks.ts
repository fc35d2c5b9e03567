import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Config } from '../../../shared/config';
import { domainKind, WILDCARD_REASON } from '../domains';
import { isPorticoError } from '../errors';
import { hostsBlockNames } from '../hosts/hosts';
import type { EngineRecord } from '../instance';
import type { PortProbe } from '../port-access';
import { porticoCommand } from '../trust';
import { check, type DoctorCheck } from './types';

export function engineCheck(record: EngineRecord | null, env: Record<string, string | undefined>): DoctorCheck {
  if (!record) return check('engine', 'Engine', 'warn', 'Portico is not running, so no project is served', `${porticoCommand(['serve'], env)} (or start the desktop app)`);
  const ports = [record.httpsPort && `HTTPS ${record.httpsPort}`, record.httpPort && `HTTP ${record.httpPort}`].filter(Boolean).join(', ');
  return check('engine', 'Engine', 'ok', `running (pid ${record.pid}${ports ? `, ${ports}` : ''}) since ${record.startedAt}`);
}

export interface PortCheckInput {
  role: 'https' | 'http';
  port: number;
  /** Set in the config (or on the command line): no fallback, so a conflict is a failure. */
  configured: boolean;
  /** Used when the preferred port cannot be bound. */
  fallback?: number;
}

/**
 * Ports 443/80 (or the configured ones): free, held by the running Portico, held by someone else
 * (who, when we may see it), or privileged — and what Portico does about it.
 */
export async function portChecks(inputs: readonly PortCheckInput[], record: EngineRecord | null, probe: (port: number) => Promise<PortProbe>, platform: NodeJS.Platform, env: Record<string, string | undefined>): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const ours = new Set([record?.httpsPort, record?.httpPort].filter((p): p is number => p !== undefined));
  for (const input of inputs) {
    const id = `port.${input.port}`;
    const title = `Port ${input.port} (${input.role.toUpperCase()})`;
    if (ours.has(input.port)) {
      checks.push(check(id, title, 'ok', `Portico (pid ${record?.pid}) listens on it`));
      continue;
    }
    const result = await probe(input.port);
    if (result.state === 'free') {
      checks.push(check(id, title, 'ok', `${input.port} is free for Portico`));
      continue;
    }
    const fallbackNote = input.fallback && !input.configured ? `; Portico uses ${input.fallback} instead, so URLs carry :${input.fallback}` : '';
    const status = input.configured || !input.fallback ? 'fail' : 'warn';
    if (result.state === 'in-use') {
      const who = result.holder ? `stop pid ${result.holder.pid} (${result.holder.command}) or move it to another port` : 'stop the program that holds it';
      checks.push(check(id, title, status, `${result.detail}${fallbackNote}`, `${who}, or set another port for Portico`));
    } else if (result.state === 'privileged') {
      const fix = platform === 'linux' ? porticoCommand(['setup', 'ports'], env) : `${porticoCommand(['setup', 'ports'], env)} explains why there is no one-time fix here`;
      checks.push(check(id, title, status, `${result.detail}${fallbackNote}`, fix));
    } else {
      checks.push(check(id, title, 'fail', result.detail));
    }
    if (input.fallback && !input.configured && !ours.has(input.fallback)) {
      const second = await probe(input.fallback);
      if (second.state !== 'free') checks.push(check(`port.${input.fallback}`, `Port ${input.fallback} (${input.role.toUpperCase()} fallback)`, 'fail', second.detail, 'free it, or set other ports for Portico'));
    }
  }
  return checks;
}

/** The hosts block itself: readable, and holding no names that no enabled project uses. */
export async function hostsBlockCheck(path: string, wanted: readonly string[], env: Record<string, string | undefined>): Promise<{ check: DoctorCheck; names: string[] }> {
  const title = 'Hosts file';
  let names: string[];
  try {
    names = await hostsBlockNames(path);
  } catch (error) {
    const detail = isPorticoError(error) ? error.message : String(error);
    return { check: check('hosts', title, 'fail', detail, `repair the "# BEGIN portico" / "# END portico" lines of ${path} by hand, then ${porticoCommand(['hosts', 'apply'], env)}`), names: [] };
  }
  const stale = names.filter((name) => !wanted.includes(name));
  if (stale.length > 0) return { check: check('hosts', title, 'warn', `the Portico block of ${path} maps names no enabled project uses: ${stale.join(', ')}`, porticoCommand(['hosts', 'apply'], env)), names };
  const detail = names.length > 0 ? `the Portico block of ${path} maps ${names.length} name(s)` : `${path} has no Portico block`;
  return { check: check('hosts', title, 'ok', detail), names };
}

function isLoopback(address: string): boolean {
  return isIP(address) === 4 ? address.startsWith('127.') : address === '::1';
}

export type Resolver = (name: string) => Promise<string[]>;

/** dns.lookup (what Node, curl and most tools use: the hosts file, then DNS), bounded in time. */
export function systemResolver(timeoutMs = 3000): Resolver {
  return async (name) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const answers = await Promise.race([lookup(name, { all: true }), timeout]);
      return answers.map((answer) => answer.address);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Each domain of each enabled project resolves to this machine, and how. */
export async function domainChecks(config: Pick<Config, 'projects'>, block: { path: string; names: readonly string[] }, resolve: Resolver, env: Record<string, string | undefined>): Promise<DoctorCheck[]> {
  const apply = porticoCommand(['hosts', 'apply'], env);
  const checks: DoctorCheck[] = [];
  const seen = new Set<string>();
  for (const project of config.projects.filter((p) => p.enabled)) {
    for (const domain of project.domains) {
      if (seen.has(domain)) continue;
      seen.add(domain);
      const id = `domain.${domain}`;
      const title = `Domain ${domain}`;
      const kind = domainKind(domain);
      if (kind === 'localhost') {
        const extra = block.names.includes(domain) ? ' and the hosts block maps it for other clients' : '; Safari and some CLI tools need `portico hosts apply --localhost`';
        checks.push(check(id, title, 'ok', `browsers resolve *.localhost to this machine by themselves${extra}`));
        continue;
      }
      if (kind === 'wildcard') {
        const underLocalhost = domain.endsWith('.localhost');
        checks.push(underLocalhost ? check(id, title, 'ok', 'browsers resolve every name under .localhost to this machine; a hosts file could not hold a wildcard anyway') : check(id, title, 'warn', WILDCARD_REASON));
        continue;
      }
      const inBlock = block.names.includes(domain);
      let addresses: string[] | null = null;
      let why = '';
      try {
        addresses = await resolve(domain);
      } catch (error) {
        why = error instanceof Error ? error.message.replace(/^getaddrinfo /, '') : String(error);
      }
      if (addresses && addresses.length > 0 && addresses.every(isLoopback)) {
        checks.push(check(id, title, 'ok', `resolves to ${addresses.join(', ')}${inBlock ? ' (Portico hosts block)' : ''}`));
      } else if (addresses && addresses.length > 0) {
        checks.push(check(id, title, 'fail', `resolves to ${addresses.join(', ')}, not to this machine`, `remove the other hosts entry or DNS record for ${domain}, then ${apply}`));
      } else if (inBlock) {
        checks.push(check(id, title, 'warn', `the Portico block of ${block.path} maps it, but the system resolver does not return it (${why}): is that the hosts file this system reads?`, env.PORTICO_HOSTS_FILE ? 'unset PORTICO_HOSTS_FILE to use the system hosts file' : 'flush the DNS cache or restart the browser'));
      } else {
        checks.push(check(id, title, 'fail', `does not resolve (${why}) and is not in the hosts block`, apply));
      }
    }
  }
  return checks;
}
