/**
 * Applying and undoing the one-time Linux change that lets Portico bind ports 80 and 443 as a
 * normal user (`portico setup ports --apply`). Each change is recorded in the ledger, with the
 * exact argv that undoes it, before it is made: a crash or a declined prompt leaves at worst an
 * undo that has nothing to do.
 */
import { mkdtemp, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PorticoError } from './errors';
import { withoutPort, withPort, type Ledger, type PortReceipt } from './ledger';
import { SYSCTL_CONTENT, SYSCTL_FILE, SYSCTL_KEY, unprivilegedPortStart, type PortFixMethod } from './port-access';
import type { Elevator } from './system/elevate';
import { mustSucceed, type Exec } from './system/exec';

export interface PortSetupDeps {
  elevator: Elevator;
  exec: Exec;
  ledger: Ledger;
  platform?: NodeJS.Platform;
  /** The node binary setcap marks (default: this process's, symlinks resolved). */
  node?: string;
  /** Where /proc is (tests). */
  procRoot?: string;
  now?: () => Date;
}

export interface PortSetupResult {
  method: PortFixMethod;
  changed: boolean;
  detail: string;
}

const REASON = { reason: 'let Portico listen on ports 80 and 443' };

/** The capabilities `getcap` lists for `file` (`cap_net_bind_service=ep`), or '' when none. */
export function parseGetcap(output: string, file: string): string {
  const line = output.split('\n').find((l) => l.startsWith(file));
  // libcap ≥ 2.41 prints `file cap=ep`; older ones `file = cap+ep`.
  return line ? line.slice(file.length).replace(/^\s*=?\s*/, '').trim() : '';
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function applySysctl(deps: PortSetupDeps, at: string): Promise<PortSetupResult> {
  const previous = await unprivilegedPortStart(deps.procRoot);
  if (previous === null) {
    throw new PorticoError('E_INVALID_INPUT', `this kernel has no ${SYSCTL_KEY} (it needs Linux 4.11 or later): use \`portico setup ports --apply --method setcap\` instead.`);
  }
  if (previous <= 80) return { method: 'sysctl', changed: false, detail: `ports from ${previous} up can already be bound without privileges` };
  const receipt: PortReceipt = {
    method: 'sysctl',
    description: `${SYSCTL_FILE} and ${SYSCTL_KEY}=80 (it was ${previous})`,
    undo: [['rm', '-f', SYSCTL_FILE], ['sysctl', '-w', `${SYSCTL_KEY}=${previous}`]],
    at,
  };
  await deps.ledger.update((doc) => withPort(doc, receipt));
  const staging = await mkdtemp(join(tmpdir(), 'portico-sysctl-'));
  try {
    const staged = join(staging, '50-portico.conf');
    await writeFile(staged, SYSCTL_CONTENT, { mode: 0o644 });
    // install(1) copies with an explicit mode as root: argv only, no shell, no tee (TS-6).
    const result = await deps.elevator.runAll([['install', '-m', '0644', staged, SYSCTL_FILE], ['sysctl', '-w', `${SYSCTL_KEY}=80`]], REASON);
    if (result.exitCode !== 0 && !(await exists(SYSCTL_FILE))) await deps.ledger.update((doc) => withoutPort(doc, 'sysctl'));
    mustSucceed(result, 'allowing unprivileged processes to bind ports from 80 up');
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { method: 'sysctl', changed: true, detail: `${SYSCTL_KEY} is 80 now (was ${previous}) and ${SYSCTL_FILE} keeps it after reboots` };
}

async function applySetcap(deps: PortSetupDeps, at: string): Promise<PortSetupResult> {
  const node = deps.node ?? (await realpath(process.execPath));
  const listed = await deps.exec(['getcap', node]);
  const before = parseGetcap(listed.stdout, node);
  if (before.includes('cap_net_bind_service')) return { method: 'setcap', changed: false, detail: `${node} already has ${before}` };
  const receipt: PortReceipt = {
    method: 'setcap',
    description: `cap_net_bind_service on ${node}${before ? ` (it had ${before})` : ''}`,
    // Put back exactly what the file had: `setcap -r` would also drop capabilities set by someone else.
    undo: [before ? ['setcap', before, node] : ['setcap', '-r', node]],
    at,
  };
  await deps.ledger.update((doc) => withPort(doc, receipt));
  const result = await deps.elevator.run(['setcap', 'cap_net_bind_service=+ep', node], REASON);
  if (result.exitCode !== 0) await deps.ledger.update((doc) => withoutPort(doc, 'setcap'));
  mustSucceed(result, `giving ${node} the right to bind low ports`);
  return { method: 'setcap', changed: true, detail: `${node} may bind ports below 1024 now` };
}

/** Applies one fix (Linux only), recording its undo in the ledger. */
export async function applyPortFix(method: PortFixMethod, deps: PortSetupDeps): Promise<PortSetupResult> {
  const platform = deps.platform ?? process.platform;
  if (platform !== 'linux') throw new PorticoError('E_INVALID_INPUT', `there is no port change to apply on ${platform}: \`portico setup ports\` explains why.`);
  const at = (deps.now ?? (() => new Date()))().toISOString();
  return method === 'sysctl' ? applySysctl(deps, at) : applySetcap(deps, at);
}

/** Runs a receipt's undo commands under one consent, then forgets the receipt. */
export async function undoPortChange(receipt: PortReceipt, deps: Pick<PortSetupDeps, 'elevator' | 'ledger'>): Promise<void> {
  if (receipt.undo.length > 0) mustSucceed(await deps.elevator.runAll(receipt.undo, { reason: 'undo the port change Portico made' }), `undoing ${receipt.description}`);
  await deps.ledger.update((doc) => withoutPort(doc, receipt.method));
}

