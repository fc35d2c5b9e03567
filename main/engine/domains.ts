/**
 * Which project names need the hosts file, and keeping its Portico block in step with them.
 *
 * - `*.localhost` needs nothing in Chrome and Firefox: they resolve it to loopback themselves
 *   (RFC 6761 §6.3, whatwg/fetch#1257). Safari (WebKit bug 171934) and many CLI tools do not, so
 *   those names go into the block only when the user asks for it (`portico hosts apply
 *   --localhost`); the choice is kept in the ledger and reused by later syncs (DNS-1).
 * - Every other name of an enabled project goes into the block, as 127.0.0.1 and ::1 (DNS-8).
 * - Wildcards cannot: a hosts file maps exact names only. They are reported, never written.
 * - Under WSL the same block also goes into the Windows hosts file, for the Windows browser
 *   (issue 4; hosts/wsl-windows.ts). A failure there is reported beside the result, since this
 *   system's file was already written.
 */
import { join } from 'node:path';
import type { Config } from '../../shared/config';
import type { ErrorShape } from '../../shared/errors';
import { toErrorShape } from './errors';
import { applyHosts, hostsBlockNames, hostsFilePath, removeHosts, type HostsOptions, type HostsResult, type HostsWriter } from './hosts/hosts';
import { loopbackEntries } from './hosts/hostsfile';
import { windowsHostsWriter, type WindowsHostsTarget } from './hosts/wsl-windows';
import { withHosts, withoutHosts, type HostsReceipt, type Ledger } from './ledger';
import type { Elevator } from './system/elevate';
import { exec as realExec, type Exec } from './system/exec';

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
  /** Under WSL: the Windows hosts file, kept in step in the same action (`windowsHostsTarget`). */
  windows?: WindowsHostsTarget | null;
  /** Test seam for this system's hosts file: simulate a file that is not ours (EACCES) or a refused rename. */
  fs?: HostsOptions['fs'];
}

/** What happened to the Windows hosts file under WSL. */
export interface WindowsHostsOutcome {
  path: string;
  names: string[];
  changed: boolean;
  backup?: string;
  /** Set when the Windows side could not be updated (this system's file was). */
  error?: ErrorShape;
}

export interface HostsSyncResult {
  path: string;
  names: string[];
  skipped: HostsPlan['skipped'];
  includeLocalhost: boolean;
  /** False when the file already said this. */
  changed: boolean;
  backup?: string;
  /** Under WSL only. */
  windows?: WindowsHostsOutcome;
}

/** Backups (and the lock) of the Windows hosts file, apart from this system's: each keeps its own pristine original. */
export function windowsBackupDir(backupDir: string): string {
  return join(backupDir, 'windows');
}

/** One hosts file and how it is written. */
interface HostsSide {
  path: string;
  backupDir: string;
  platform: NodeJS.Platform;
  writer?: HostsWriter;
  via?: HostsReceipt['via'];
}

function windowsSide(target: WindowsHostsTarget, backupDir: string): HostsSide {
  // platform win32: CRLF for a file without line breaks, and no resolver flush (Windows' DNS client re-reads the file).
  return { path: target.path, backupDir: windowsBackupDir(backupDir), platform: 'win32', writer: windowsHostsWriter(target.exec), via: 'wsl-interop' };
}

function hostsOptions(side: HostsSide, options: Pick<HostsSyncOptions, 'elevator' | 'now' | 'fs'>): HostsOptions {
  return {
    path: side.path,
    elevator: options.elevator,
    backupDir: side.backupDir,
    platform: side.platform,
    ...(side.writer ? { writer: side.writer } : options.fs && { fs: options.fs }),
    ...(options.now && { now: options.now }),
  };
}

/**
 * Makes one file's block hold exactly `names` (removing it when there are none). The ledger entry
 * is written before the file, so a crash in between leaves a receipt for a block that may not
 * exist (removing it is a no-op), never a block without a receipt.
 */
async function syncSide(side: HostsSide, names: string[], includeLocalhost: boolean, options: HostsSyncOptions): Promise<HostsResult> {
  if (names.length === 0) {
    const result = await removeHosts(hostsOptions(side, options));
    await options.ledger.update((doc) => withoutHosts(doc, side.path));
    return result;
  }
  const before = (await options.ledger.read()).hosts.find((r) => r.path === side.path);
  const at = (options.now ?? (() => new Date()))().toISOString();
  await options.ledger.update((doc) => withHosts(doc, { path: side.path, names, includeLocalhost, at, ...(side.via && { via: side.via }) }));
  try {
    return await applyHosts({ ...hostsOptions(side, options), entries: loopbackEntries(names) });
  } catch (error) {
    // Nothing was written: put the receipt back as it was.
    await options.ledger.update((doc) => (before ? withHosts(doc, before) : withoutHosts(doc, side.path))).catch(() => undefined);
    throw error;
  }
}

/** The Windows side never fails the action: its error is reported beside this system's result. */
async function windowsOutcome(target: WindowsHostsTarget, names: string[], run: () => Promise<HostsResult>): Promise<WindowsHostsOutcome> {
  try {
    const result = await run();
    return { path: target.path, names, changed: result.changed, ...(result.backup && { backup: result.backup }) };
  } catch (error) {
    return { path: target.path, names, changed: false, error: toErrorShape(error) };
  }
}

/** The block's current names and whether `.localhost` names are included, from the file and the ledger. */
export async function showHosts(
  options: Pick<HostsSyncOptions, 'env' | 'platform' | 'ledger' | 'windows'>,
): Promise<{ path: string; names: string[]; includeLocalhost: boolean; recorded: boolean; windows?: { path: string; names: string[]; recorded: boolean } }> {
  const path = hostsFilePath(options.env, options.platform ?? process.platform);
  const receipts = (await options.ledger.read()).hosts;
  const receipt = receipts.find((r) => r.path === path);
  const shown = { path, names: await hostsBlockNames(path), includeLocalhost: receipt?.includeLocalhost ?? false, recorded: receipt !== undefined };
  if (!options.windows) return shown;
  const windowsPath = options.windows.path;
  return { ...shown, windows: { path: windowsPath, names: await hostsBlockNames(windowsPath), recorded: receipts.some((r) => r.path === windowsPath) } };
}

/** Makes the block hold exactly the planned names, in this system's hosts file and, under WSL, in the Windows one. */
export async function syncHosts(config: Pick<Config, 'projects'>, options: HostsSyncOptions & { includeLocalhost?: boolean }): Promise<HostsSyncResult> {
  const platform = options.platform ?? process.platform;
  const local: HostsSide = { path: hostsFilePath(options.env, platform), backupDir: options.backupDir, platform };
  const before = (await options.ledger.read()).hosts.find((r) => r.path === local.path);
  const includeLocalhost = options.includeLocalhost ?? before?.includeLocalhost ?? false;
  const plan = planHosts(config, { includeLocalhost });
  const result = await syncSide(local, plan.names, includeLocalhost, options);
  const synced: HostsSyncResult = { path: local.path, names: plan.names, skipped: plan.skipped, includeLocalhost, changed: result.changed, ...(result.backup && { backup: result.backup }) };
  const target = options.windows;
  if (!target) return synced;
  return { ...synced, windows: await windowsOutcome(target, plan.names, () => syncSide(windowsSide(target, options.backupDir), plan.names, includeLocalhost, options)) };
}

/** Removes the block from the hosts file (and, under WSL, the Windows one) and its receipt from the ledger. */
export async function removeHostsBlock(options: HostsSyncOptions): Promise<{ path: string; changed: boolean; windows?: WindowsHostsOutcome }> {
  const platform = options.platform ?? process.platform;
  const removed = await removeRecordedHosts({ path: hostsFilePath(options.env, platform) }, options);
  const target = options.windows;
  if (!target) return removed;
  return { ...removed, windows: await windowsOutcome(target, [], () => removeSide(windowsSide(target, options.backupDir), options)) };
}

async function removeSide(side: HostsSide, options: Pick<HostsSyncOptions, 'elevator' | 'now' | 'ledger'>): Promise<HostsResult> {
  const result = await removeHosts(hostsOptions(side, options));
  await options.ledger.update((doc) => withoutHosts(doc, side.path));
  return result;
}

/**
 * Removes the block of a recorded hosts file, written the way it was recorded (the Windows file
 * from WSL through `exec`'s interop and UAC), then forgets it.
 */
export async function removeRecordedHosts(
  receipt: Pick<HostsReceipt, 'path' | 'via'>,
  options: Omit<HostsSyncOptions, 'env' | 'windows'> & { exec?: Exec },
): Promise<{ path: string; changed: boolean }> {
  const side: HostsSide =
    receipt.via === 'wsl-interop'
      ? windowsSide({ path: receipt.path, exec: options.exec ?? realExec }, options.backupDir)
      : { path: receipt.path, backupDir: options.backupDir, platform: options.platform ?? process.platform };
  const result = await removeSide(side, options);
  return { path: receipt.path, changed: result.changed };
}
