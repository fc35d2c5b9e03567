import { posixQuote } from '../../engine/system/elevate';
import { str, UsageError } from '../args';
import { printJson } from '../output';
import { localSystem } from './system';
import type { Command } from './types';

const SHELLS = ['sh', 'fish', 'powershell', 'cmd'] as const;
type Shell = (typeof SHELLS)[number];

/** One assignment in the syntax of `shell`, quoted so any path survives evaluation. */
export function assignment(shell: Shell, name: string, value: string): string {
  switch (shell) {
    case 'sh':
      return `export ${name}=${posixQuote(value)}`;
    case 'fish':
      // fish single quotes: only \\ and \' are escapes (fish docs, "Quotes").
      return `set -gx ${name} '${value.replace(/[\\']/g, (c) => `\\${c}`)}';`;
    case 'powershell':
      return `$env:${name} = '${value.replace(/'/g, "''")}'`;
    case 'cmd':
      return `set "${name}=${value}"`;
  }
}

const env: Command = {
  name: 'env',
  summary: 'print NODE_EXTRA_CA_CERTS for the local CA, for shells and Node tools',
  usage: `portico env [--shell sh|fish|powershell|cmd] [--json]

  Node ignores the system trust store; NODE_EXTRA_CA_CERTS adds the Portico root to it.
  sh (default):  eval "$(portico env)"         fish:  portico env --shell fish | source
  PowerShell:    portico env --shell powershell | Invoke-Expression
  The CA is created if there is none yet.`,
  options: { shell: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values }, context) {
    const shell = str(values.shell) ?? 'sh';
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`--shell takes ${SHELLS.join(', ')}`);
    const system = localSystem(context);
    await system.ca.get();
    const root = system.paths.caCert;
    if (values.json) printJson(context.output, { NODE_EXTRA_CA_CERTS: root });
    else context.output.out(assignment(shell as Shell, 'NODE_EXTRA_CA_CERTS', root));
    return 0;
  },
};

export const envCommands: Command[] = [env];
