import { createEngineParts } from '../../engine';
import { windowsHostsTarget } from '../../engine/hosts/wsl-windows';
import { systemElevator } from '../../engine/system/elevate';
import { exec } from '../../engine/system/exec';
import { dataDir } from '../../engine/system/data-dir';
import { createTrustService } from '../../engine/trust';
import type { CommandContext } from './types';

/**
 * What the system-changing commands (trust, hosts, setup, uninstall, doctor) work with. They run
 * in the CLI's own process, never through a running engine: a command typed in a terminal is the
 * user's intent, so its elevation prompt belongs to that terminal (sudo there, pkexec without
 * one), and HOME is the one of the shell that typed it.
 */
export function localSystem(context: CommandContext) {
  const parts = createEngineParts({ dataDir: dataDir(context.env) });
  const elevator = systemElevator(exec);
  const trust = createTrustService({ paths: parts.paths, ca: parts.ca, env: context.env, interactive: true, elevator, now: parts.now });
  // Under WSL the Windows hosts file is kept too (issue 4); null elsewhere or with PORTICO_HOSTS_FILE.
  const windowsHosts = () => windowsHostsTarget({ platform: process.platform, env: context.env, exec });
  return { ...parts, exec, elevator, trust, ledger: trust.ledger, windowsHosts };
}
export type LocalSystem = ReturnType<typeof localSystem>;
