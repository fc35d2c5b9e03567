/**
 * `portico uninstall`: revert exactly what the ledger records, in the order of
 * security-requirements.md TS-8 — trust in every store first, then the hosts block, then the port
 * change. Idempotent: what is already gone counts as reverted. Whatever cannot be reverted stays in
 * the ledger, so running it again picks up where this run stopped.
 */
import { toErrorShape } from './errors';
import { removeRecordedHosts } from './domains';
import type { LedgerDocument } from './ledger';
import { undoPortChange } from './port-setup';
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

export async function revertLedger(deps: RevertDeps): Promise<RevertResult> {
  const { ledger } = deps.trust;
  const steps: RevertStep[] = [];
  const start = await ledger.read();

  if (start.trust.length > 0) {
    try {
      for (const state of await deps.trust.uninstallRecorded()) {
        const ok = state.status === 'not-installed';
        steps.push({ kind: 'trust', target: state.label, ok, detail: ok ? `removed (${state.detail})` : `${state.status}: ${state.detail}${state.hint ? ` — ${state.hint}` : ''}` });
      }
    } catch (error) {
      steps.push(failed('trust', 'trust stores', error));
    }
  }

  for (const receipt of start.hosts) {
    try {
      const result = await removeRecordedHosts(receipt, { elevator: deps.elevator, ledger, backupDir: deps.backupDir, ...(deps.platform && { platform: deps.platform }), ...(deps.exec && { exec: deps.exec }) });
      steps.push({ kind: 'hosts', target: receipt.path, ok: true, detail: result.changed ? `removed the Portico block (${receipt.names.length} names)` : 'no Portico block left' });
    } catch (error) {
      steps.push(failed('hosts', receipt.path, error));
    }
  }

  for (const receipt of start.ports) {
    try {
      await undoPortChange(receipt, { elevator: deps.elevator, ledger });
      steps.push({ kind: 'ports', target: receipt.method, ok: true, detail: `undid ${receipt.description}` });
    } catch (error) {
      steps.push(failed('ports', receipt.method, error));
    }
  }

  return { steps, remaining: await ledger.read() };
}
