import { rm } from 'node:fs/promises';
import { PorticoError } from '../../engine/errors';
import { readEngineRecord } from '../../engine/instance';
import { isLedgerEmpty } from '../../engine/ledger';
import { revertLedger } from '../../engine/uninstall';
import { printJson } from '../output';
import { localSystem } from './system';
import type { Command } from './types';

const uninstall: Command = {
  name: 'uninstall',
  summary: 'undo every system change Portico made (trust entries, hosts block, port setup)',
  usage: `portico uninstall [--purge] [--json]

  Reverts exactly what Portico recorded in its ledger (<data>/ledger.json), in this order: the
  root in each trust store, the hosts-file block, the port change. Safe to run again: what is
  already gone counts as done, and what could not be undone stays recorded (exit code 1).
  --purge           then delete the data dir too: the CA and its key, certificates, config`,
  options: { purge: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values }, context) {
    const system = localSystem(context);
    const { output } = context;
    const purge = values.purge === true;
    const running = await readEngineRecord(system.paths.engineFile);
    if (purge && running) {
      throw new PorticoError('E_ENGINE_RUNNING', `Portico is running (pid ${running.pid}) on ${system.paths.dir}: stop it first, then run \`portico uninstall --purge\` again.`);
    }
    const result = await revertLedger({ trust: system.trust, elevator: system.elevator, backupDir: system.paths.hostsDir, exec: system.exec });
    const clean = isLedgerEmpty(result.remaining);
    const failed = result.steps.some((step) => !step.ok) || !clean;
    let purged = false;
    if (purge && clean) {
      await rm(system.paths.dir, { recursive: true, force: true });
      purged = true;
    }
    if (values.json) {
      printJson(output, { steps: result.steps, remaining: result.remaining, purged });
    } else {
      if (result.steps.length === 0) output.out('Portico had made no system changes to revert.');
      for (const step of result.steps) output.out(`${step.ok ? 'done  ' : 'FAILED'} ${step.kind}: ${step.target} — ${step.detail}`);
      if (purged) output.out(`Deleted the data dir ${system.paths.dir} (CA key, certificates, config).`);
      else if (purge) output.out(`Kept the data dir ${system.paths.dir}: its ledger still lists what could not be undone. Fix the failures above and run this again.`);
    }
    return failed ? 1 : 0;
  },
};

export const uninstallCommands: Command[] = [uninstall];
