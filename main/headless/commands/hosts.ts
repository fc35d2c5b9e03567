import { planHosts, removeHostsBlock, showHosts, syncHosts, type HostsPlan, type WindowsHostsOutcome } from '../../engine/domains';
import { UsageError } from '../args';
import { printJson, type Output } from '../output';
import { localSystem } from './system';
import type { Command } from './types';

function printSkipped(output: Output, skipped: HostsPlan['skipped']): void {
  for (const { domain, reason } of skipped) output.out(`  not added: ${domain} — ${reason}`);
}

/** The Windows side under WSL; true when it failed. */
export function printWindowsOutcome(output: Output, windows: WindowsHostsOutcome | undefined): boolean {
  if (!windows) return false;
  if (windows.error) {
    output.err(`Windows hosts file ${windows.path} NOT updated: ${windows.error.message}`);
    return true;
  }
  const what = windows.names.length > 0 ? `maps ${windows.names.join(', ')} to 127.0.0.1 and ::1 (WSL 2 forwards Windows' localhost to this distro)` : 'is removed';
  output.out(`${windows.changed ? 'Updated' : 'Unchanged'}: ${windows.path} (Windows) — the Portico block ${what}.`);
  if (windows.backup) output.out(`Backup of the previous Windows file: ${windows.backup}`);
  return false;
}

const hosts: Command = {
  name: 'hosts',
  summary: 'show, write or remove the Portico block of the hosts file (for names outside .localhost)',
  usage: `portico hosts [show|apply|remove] [--localhost | --no-localhost] [--json]

  show              the block's names now, and the names enabled projects need
  apply             make the block map exactly those names to 127.0.0.1 and ::1
  remove            remove the block (the rest of the file is left byte for byte)
  --localhost       with apply: add *.localhost names too, for Safari and CLI tools (remembered)
  --no-localhost    with apply: leave *.localhost names out again (the default)

Only the lines between "# BEGIN portico" and "# END portico" are Portico's. Wildcards cannot be
in a hosts file. Under WSL, apply and remove also change the Windows hosts file (one Windows
administrator prompt), for browsers on the Windows side. PORTICO_HOSTS_FILE overrides the file's
path, and then it is the only file changed.`,
  options: { localhost: { type: 'boolean' }, 'no-localhost': { type: 'boolean' } },
  positionals: { min: 0, max: 1 },
  async run({ positionals, values }, context) {
    const action = positionals[0] ?? 'show';
    if (values.localhost && values['no-localhost']) throw new UsageError('give --localhost or --no-localhost, not both');
    const includeLocalhost = values.localhost ? true : values['no-localhost'] ? false : undefined;
    if (includeLocalhost !== undefined && action !== 'apply') throw new UsageError('--localhost and --no-localhost go with "portico hosts apply"');
    const system = localSystem(context);
    const options = { env: context.env, elevator: system.elevator, ledger: system.ledger, backupDir: system.paths.hostsDir, now: system.now, windows: await system.windowsHosts() };
    const { output } = context;

    if (action === 'show') {
      const shown = await showHosts(options);
      const plan = planHosts(await system.store.read(), { includeLocalhost: shown.includeLocalhost });
      if (values.json) {
        printJson(output, { ...shown, wanted: plan.names, skipped: plan.skipped });
        return 0;
      }
      output.out(`${shown.path}: ${shown.names.length > 0 ? `the Portico block maps ${shown.names.join(', ')}` : 'no Portico block'}`);
      if (shown.windows) output.out(`${shown.windows.path} (Windows): ${shown.windows.names.length > 0 ? `the Portico block maps ${shown.windows.names.join(', ')}` : 'no Portico block'}`);
      const missing = plan.names.filter((name) => !shown.names.includes(name));
      const extra = shown.names.filter((name) => !plan.names.includes(name));
      if (missing.length > 0 || extra.length > 0) output.out(`Out of date: run \`portico hosts apply\`${missing.length ? ` (to add ${missing.join(', ')})` : ''}${extra.length ? ` (to drop ${extra.join(', ')})` : ''}.`);
      printSkipped(output, plan.skipped);
      return 0;
    }
    if (action === 'apply') {
      const result = await syncHosts(await system.store.read(), { ...options, ...(includeLocalhost !== undefined && { includeLocalhost }) });
      if (values.json) {
        printJson(output, result);
        return result.windows?.error ? 1 : 0;
      }
      const what = result.names.length > 0 ? `maps ${result.names.join(', ')} to 127.0.0.1 and ::1` : 'is not needed: no enabled project has a name outside .localhost';
      output.out(`${result.changed ? 'Updated' : 'Unchanged'}: ${result.path} — the Portico block ${what}.`);
      if (result.backup) output.out(`Backup of the previous file: ${result.backup}`);
      const windowsFailed = printWindowsOutcome(output, result.windows);
      printSkipped(output, result.skipped);
      return windowsFailed ? 1 : 0;
    }
    if (action === 'remove') {
      const result = await removeHostsBlock(options);
      if (values.json) {
        printJson(output, result);
        return result.windows?.error ? 1 : 0;
      }
      output.out(result.changed ? `Removed the Portico block from ${result.path}.` : `${result.path} has no Portico block.`);
      return printWindowsOutcome(output, result.windows) ? 1 : 0;
    }
    throw new UsageError(`unknown action "${action}": use show, apply or remove`);
  },
};

export const hostsCommands: Command[] = [hosts];
