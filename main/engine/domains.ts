/**
 * Which project names need the hosts file, and keeping its Portico block in step with them.
 *
 * - `*.localhost` needs nothing in Chrome and Firefox: they resolve it to loopback themselves
 *   (RFC 6761 §6.3, whatwg/fetch#1257). Safari (WebKit bug 171934) and many CLI tools do not, so
 *   those names go into the block only when the user asks for it (`portico hosts apply
 *   --localhost`); the choice is kept in the ledger and reused by later syncs (DNS-1).
 * - Every other name of an enabled project goes into the block, as 127.0.0.1 and ::1 (DNS-8).
 * - Wildcards cannot: a hosts file maps exact names only. They are reported, never written.
 */
import type { Config } from '../../shared/config';
import { applyHosts, hostsBlockNames, hostsFilePath, removeHosts } from './hosts/hosts';
import { loopbackEntries } from './hosts/hostsfile';
import { withHosts, withoutHosts, type Ledger } from './ledger';
import type { Elevator } from './system/elevate';

export type DomainKind = 'localhost' | 'wildcard' | 'hosts';

/** How a domain resolves to this machine: by itself (`.localhost`), not at all through a hosts file (wildcard), or through the block. */
export function domainKind(domain: string): DomainKind {
  if (domain.startsWith('*.')) return 'wildcard';
  if (domain === 'localhost' || domain.endsWith('.localhost')) return 'localhost';
  return 'hosts';
}

export interface HostsPlan {
  /** Names the block should map, sorted. */
  names: string[];
  /** Names of enabled projects left out, and why. */
  skipped: { project: string; domain: string; reason: string }[];
}

export const WILDCARD_REASON = 'a hosts file cannot hold wildcards: add each subdomain you use as its own domain, or use a local DNS resolver';
const LOCALHOST_REASON = 'browsers resolve *.localhost by themselves (`portico hosts apply --localhost` adds it for Safari and CLI tools)';

/** The names the block should hold for `config` (pure). Disabled projects get none. */
export function planHosts(config: Pick<Config, 'projects'>, options: { includeLocalhost: boolean }): HostsPlan {
  const names = new Set<string>();
  const skipped: HostsPlan['skipped'] = [];
  for (const project of config.projects) {
    if (!project.enabled) continue;
    for (const domain of project.domains) {
      const kind = domainKind(domain);
      if (kind === 'wildcard') skipped.push({ project: project.name, domain, reason: WILDCARD_REASON });
      else if (kind === 'localhost' && !options.includeLocalhost) skipped.push({ project: project.name, domain, reason: LOCALHOST_REASON });
      else names.add(domain);
    }
  }
  return { names: [...names].sort(), skipped };
}

export interface HostsSyncOptions {
  env: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  elevator: Elevator;
  ledger: Ledger;
  /** `<data>/hosts`: backups and the hosts lock. */
  backupDir: string;
  now?: () => Date;
}

export interface HostsSyncResult {
  path: string;
  names: string[];
  skipped: HostsPlan['skipped'];
  includeLocalhost: boolean;
  /** False when the file already said this. */
  changed: boolean;
  backup?: string;
}

/** The block's current names and whether `.localhost` names are included, from the file and the ledger. */
export async function showHosts(options: Pick<HostsSyncOptions, 'env' | 'platform' | 'ledger'>): Promise<{ path: string; names: string[]; includeLocalhost: boolean; recorded: boolean }> {
  const path = hostsFilePath(options.env, options.platform ?? process.platform);
  const receipt = (await options.ledger.read()).hosts.find((r) => r.path === path);
  return { path, names: await hostsBlockNames(path), includeLocalhost: receipt?.includeLocalhost ?? false, recorded: receipt !== undefined };
}

/**
 * Makes the block hold exactly the planned names (removing it when there are none). The ledger
 * entry is written before the file, so a crash in between leaves a receipt for a block that may
 * not exist (removing it is a no-op), never a block without a receipt.
 */
export async function syncHosts(config: Pick<Config, 'projects'>, options: HostsSyncOptions & { includeLocalhost?: boolean }): Promise<HostsSyncResult> {
  const platform = options.platform ?? process.platform;
  const path = hostsFilePath(options.env, platform);
  const before = (await options.ledger.read()).hosts.find((r) => r.path === path);
  const includeLocalhost = options.includeLocalhost ?? before?.includeLocalhost ?? false;
  const plan = planHosts(config, { includeLocalhost });
  const hostsOptions = { path, elevator: options.elevator, backupDir: options.backupDir, platform, ...(options.now && { now: options.now }) };
  if (plan.names.length === 0) {
    const result = await removeHosts(hostsOptions);
    await options.ledger.update((doc) => withoutHosts(doc, path));
    return { path, names: [], skipped: plan.skipped, includeLocalhost, changed: result.changed, ...(result.backup && { backup: result.backup }) };
  }
  const at = (options.now ?? (() => new Date()))().toISOString();
  await options.ledger.update((doc) => withHosts(doc, { path, names: plan.names, includeLocalhost, at }));
  try {
    const result = await applyHosts({ ...hostsOptions, entries: loopbackEntries(plan.names) });
    return { path, names: plan.names, skipped: plan.skipped, includeLocalhost, changed: result.changed, ...(result.backup && { backup: result.backup }) };
  } catch (error) {
    // Nothing was written: put the receipt back as it was.
    await options.ledger.update((doc) => (before ? withHosts(doc, before) : withoutHosts(doc, path))).catch(() => undefined);
    throw error;
  }
}

/** Removes the block from the hosts file and its receipt from the ledger. */
export async function removeHostsBlock(options: HostsSyncOptions): Promise<{ path: string; changed: boolean }> {
  const platform = options.platform ?? process.platform;
  const path = hostsFilePath(options.env, platform);
  return removeRecordedHosts(path, options);
}

/** Removes the block of the hosts file at `path` (as recorded in the ledger), then forgets it. */
export async function removeRecordedHosts(path: string, options: Omit<HostsSyncOptions, 'env'>): Promise<{ path: string; changed: boolean }> {
  const result = await removeHosts({ path, elevator: options.elevator, backupDir: options.backupDir, platform: options.platform ?? process.platform });
  await options.ledger.update((doc) => withoutHosts(doc, path));
  return { path, changed: result.changed };
}
