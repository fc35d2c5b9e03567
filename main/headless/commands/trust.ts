import type { LabelledTrustState } from '../../engine/truststore';
import { TRUST_STORE_IDS } from '../../engine/trust';
import { UsageError } from '../args';
import { printJson, table, type Output } from '../output';
import { localSystem } from './system';
import type { Command } from './types';

function statusText(state: LabelledTrustState): string {
  switch (state.status) {
    case 'installed':
      return state.verified === true ? 'trusted (verified)' : state.verified === false ? 'present, NOT verified' : 'trusted';
    case 'not-installed':
      return 'not installed';
    case 'unavailable':
      return 'unavailable';
    case 'error':
      return 'error';
  }
}

/** The per-store table, then each store's hint (an install command, a restart) on its own line. */
export function printTrustStates(output: Output, states: readonly LabelledTrustState[]): void {
  output.out(table([['STORE', 'ID', 'STATUS', 'DETAIL'], ...states.map((s) => [s.label, s.store, statusText(s), s.detail])]));
  const hints = states.filter((s) => s.hint);
  if (hints.length > 0) output.out(['', ...hints.map((s) => `${s.store}: ${s.hint}`)].join('\n'));
}

/** A store named with --store that did not end up as asked, or any store that failed. */
function failedStates(states: readonly LabelledTrustState[], wanted: 'installed' | 'not-installed', explicit: boolean): LabelledTrustState[] {
  return states.filter((s) => s.status === 'error' || (explicit && s.status !== wanted));
}

const trust: Command = {
  name: 'trust',
  summary: 'trust the local CA in the system, browser, Java (and WSL: Windows) stores, or show/undo it',
  usage: `portico trust [status|install|uninstall] [--store <id>]... [--json]

  status            per store: trusted (verified) / not installed / unavailable (and why)
  install           trust the local CA (created if needed); checks first, so a second run changes nothing
  uninstall         remove the local CA, and older Portico roots Portico recorded, from the stores
  --store <id>      only this store (repeatable): ${TRUST_STORE_IDS.join(', ')}

Entries are named "Portico CA <serial>". Node does not read these stores: see \`portico env\`.
Under WSL, install also trusts the root in the Windows user store, for Windows browsers.`,
  options: { store: { type: 'string', multiple: true } },
  positionals: { min: 0, max: 1 },
  async run({ positionals, values }, context) {
    const action = positionals[0] ?? 'status';
    const stores = values.store as string[] | undefined;
    const system = localSystem(context);
    let states: LabelledTrustState[];
    let failures: LabelledTrustState[] = [];
    if (action === 'status') {
      states = await system.trust.status(stores);
    } else if (action === 'install') {
      states = await system.trust.install(stores);
      failures = failedStates(states, 'installed', stores !== undefined);
    } else if (action === 'uninstall') {
      states = await system.trust.uninstall(stores);
      failures = failedStates(states, 'not-installed', stores !== undefined);
    } else {
      throw new UsageError(`unknown action "${action}": use status, install or uninstall`);
    }
    if (values.json) printJson(context.output, states);
    else printTrustStates(context.output, states);
    if (failures.length > 0) context.output.err(`portico trust ${action}: not done for ${failures.map((s) => s.store).join(', ')} (see above).`);
    return failures.length > 0 ? 1 : 0;
  },
};

export const trustCommands: Command[] = [trust];
