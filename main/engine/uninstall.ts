/**
 * `portico uninstall`: revert exactly what the ledger records, in the order of
 * security-requirements.md TS-8 — trust in every store first, then the hosts block, then the port
 * change. Idempotent: what is already gone counts as reverted. Whatever cannot be reverted stays in
 * the ledger, so running it again picks up where this run stopped.
 */
import { toErrorShape } from './errors';
import { removeRecordedHosts, type HostsSyncOptions } from './domains';
import type { LedgerDocument } from './ledger';
import { undoPortChange } from './port-setup';
import { withOneConsent } from './system/consent';
import type { Elevator } from './system/elevate';
import type { Exec } from './system/exec';
import type { TrustService } from './trust';

export interface RevertStep {
  kind: 'trust' | 'hosts' | 'ports';
  /** What was reverted: a store, a hosts file, a port change. */
  target: string;
  ok: boolean;
  detail: string;
}

export interface RevertDeps {
  trust: Pick<TrustService, 'uninstallRecorded' | 'ledger'>;
  elevator: Elevator;
  /** `<data>/hosts`: backups and the hosts lock. */
  backupDir: string;
  platform?: NodeJS.Platform;
  /** Runs `powershell.exe` through WSL interop for a Windows hosts file recorded from WSL; the real exec when absent. */
  exec?: Exec;
  /** Test seam: a hosts file that is not ours (EACCES), as /etc/hosts is for a normal user. */
  hostsFs?: HostsSyncOptions['fs'];
}

export interface RevertResult {
  steps: RevertStep[];
  /** What is still recorded (empty when everything was reverted). */
  remaining: LedgerDocument;
}

function failed(kind: RevertStep['kind'], target: string, error: unknown): RevertStep {
  const shape = toErrorShape(error);
  return { kind, target, ok: false, detail: `${shape.code}: ${shape.message}` };
}

/**
 * Every recorded change reverted in one action: their privileged commands go to one prompt, in
 * TS-8's order (consent.ts orders a batch by step), each step reporting its own outcome.
 */
export async function revertLedger(deps: RevertDeps): Promise<RevertResult> {
  const { ledger } = deps.trust;
  const start = await ledger.read();
  const hostsDeps = { elevator: deps.elevator, ledger, backupDir: deps.backupDir, ...(deps.platform && { platform: deps.platform }), ...(deps.exec && { exec: deps.exec }), ...(deps.hostsFs && { fs: deps.hostsFs }) };

  const trustStep = async (): Promise<RevertStep[]> => {
    if (start.trust.length === 0) return [];
    try {
      return (await deps.trust.uninstallRecorded()).map((state) => {
        const ok = state.status === 'not-installed';
        return { kind: 'trust', target: state.label, ok, detail: ok ? `removed (${state.detail})` : `${state.status}: ${state.detail}${state.hint ? ` — ${state.hint}` : ''}` };
      });
    } catch (error) {
      return [failed('trust', 'trust stores', error)];
    }
  };
  // Hosts files one after another: files recorded from one data dir share its hosts lock, which a
  // step holds while it waits for the batch (consent.ts).
  const hostsStep = async (): Promise<RevertStep[]> => {
    const steps: RevertStep[] = [];
    for (const receipt of start.hosts) {
      try {
        const result = await removeRecordedHosts(receipt, hostsDeps);
        steps.push({ kind: 'hosts', target: receipt.path, ok: true, detail: result.changed ? `removed the Portico block (${receipt.names.length} ${receipt.names.length === 1 ? 'name' : 'names'})` : 'no Portico block left' });
      } catch (error) {
        steps.push(failed('hosts', receipt.path, error));
      }
    }
    return steps;
  };
  const portSteps = start.ports.map((receipt) => async (): Promise<RevertStep[]> => {
    try {
      await undoPortChange(receipt, { elevator: deps.elevator, ledger });
      return [{ kind: 'ports', target: receipt.method, ok: true, detail: `undid ${receipt.description}` }];
    } catch (error) {
      return [failed('ports', receipt.method, error)];
    }
  });

  const steps = (await withOneConsent<RevertStep[][]>([trustStep, hostsStep, ...portSteps])).flat();
  return { steps, remaining: await ledger.read() };
}
