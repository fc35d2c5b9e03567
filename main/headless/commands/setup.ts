import { realpath } from 'node:fs/promises';
import { portAdvice, probePort, type PortProbe } from '../../engine/port-access';
import { applyPortFix, type PortSetupResult } from '../../engine/port-setup';
import { setUpMachine } from '../../engine/setup';
import { str, UsageError } from '../args';
import { printJson, type Output } from '../output';
import { printWindowsOutcome } from './hosts';
import { localSystem, type LocalSystem } from './system';
import { printTrustStates } from './trust';
import type { Command, CommandContext } from './types';

const METHODS = ['sysctl', 'setcap'] as const;

async function setupPorts(system: LocalSystem, values: Record<string, unknown>, context: CommandContext): Promise<number> {
  const method = str(values.method as string | undefined) ?? 'sysctl';
  if (!(METHODS as readonly string[]).includes(method)) throw new UsageError(`--method takes ${METHODS.join(' or ')}`);
  const config = await system.store.read();
  const wanted = [config.proxy.httpsPort ?? 443, config.proxy.httpPort ?? 80];
  const ports: PortProbe[] = [];
  for (const port of wanted) ports.push(await probePort(port));
  const node = await realpath(process.execPath);
  const advice = portAdvice(process.platform, node);
  const privileged = ports.some((p) => p.state === 'privileged');
  let applied: PortSetupResult | undefined;
  if (values.apply) {
    if (!advice.applicable) throw new UsageError(`there is nothing to apply here: ${advice.note}`);
    applied = await applyPortFix(method as (typeof METHODS)[number], { elevator: system.elevator, exec: system.exec, ledger: system.ledger, node, now: system.now });
  }
  if (values.json) {
    printJson(context.output, { ports, privilegeNeeded: privileged, advice, ...(applied && { applied }) });
    return 0;
  }
  printPorts(context.output, ports, privileged, advice, applied);
  return 0;
}

function printPorts(output: Output, ports: PortProbe[], privileged: boolean, advice: ReturnType<typeof portAdvice>, applied?: PortSetupResult): void {
  for (const p of ports) output.out(`${p.state === 'free' ? 'ok    ' : p.state === 'in-use' ? 'IN USE' : 'NO    '} ${p.detail}`);
  if (ports.some((p) => p.state === 'in-use')) output.out('A port in use must be freed by stopping its holder; Portico falls back to 8443/8080 meanwhile.');
  output.out('');
  output.out(advice.note);
  if (applied) {
    output.out(`${applied.changed ? 'Applied' : 'Nothing to change'} (${applied.method}): ${applied.detail}. \`portico uninstall\` reverts it.`);
    return;
  }
  if (!advice.applicable) return;
  output.out(privileged ? 'One-time fix, pick one (or run `portico setup ports --apply [--method setcap]`):' : 'No fix is needed for this user. Should another user need one:');
  for (const fix of advice.fixes) {
    output.out(`\n  ${fix.method}: ${fix.title}`);
    for (const line of fix.shell) output.out(`    ${line}`);
    if (fix.warning) output.out(`    note: ${fix.warning}`);
  }
}

/** Trust in every store and the hosts block: the whole first-time setup in one command and one prompt. */
async function setupAll(system: LocalSystem, values: Record<string, unknown>, context: CommandContext): Promise<number> {
  const { trust: states, hosts } = await setUpMachine({
    trust: system.trust,
    ...(values.store !== undefined && { stores: values.store as string[] }),
    config: await system.store.read(),
    hosts: { env: context.env, elevator: system.elevator, ledger: system.ledger, backupDir: system.paths.hostsDir, now: system.now, windows: await system.windowsHosts() },
  });
  const failed = states.some((s) => s.status === 'error') || hosts.windows?.error !== undefined;
  if (values.json) {
    printJson(context.output, { trust: states, hosts });
  } else {
    printTrustStates(context.output, states);
    context.output.out(`\nHosts file ${hosts.path}: ${hosts.names.length > 0 ? `maps ${hosts.names.join(', ')}` : 'no Portico block needed (every name is under .localhost)'}.`);
    printWindowsOutcome(context.output, hosts.windows);
    context.output.out(`Node tools: eval "$(portico env)". Ports: portico setup ports. Check everything: portico doctor.`);
  }
  return failed ? 1 : 0;
}

const setup: Command = {
  name: 'setup',
  summary: 'first-time setup: trust the CA and write the hosts block; `setup ports` for 80/443',
  usage: `portico setup [--store <id>]... [--json]
portico setup ports [--apply] [--method sysctl|setcap] [--json]

  (no action)       trust the local CA in every store (or each --store) and sync the hosts block
  ports             can Portico bind 443 and 80, who holds them, and the platform's one-time fix
  --apply           with ports (Linux): run the fix with administrator rights (\`portico uninstall\` reverts it)
  --method <m>      sysctl (default: net.ipv4.ip_unprivileged_port_start=80, persisted) or setcap (on the node binary)`,
  options: { apply: { type: 'boolean' }, method: { type: 'string' }, store: { type: 'string', multiple: true } },
  positionals: { min: 0, max: 1 },
  async run({ positionals, values }, context) {
    const action = positionals[0];
    const system = localSystem(context);
    if (action === 'ports') {
      if (values.store) throw new UsageError('--store goes with "portico setup", not "portico setup ports"');
      return setupPorts(system, values, context);
    }
    if (values.apply || values.method) throw new UsageError('--apply and --method go with "portico setup ports"');
    if (action === undefined) return setupAll(system, values, context);
    throw new UsageError(`unknown action "${action}": use "portico setup" or "portico setup ports"`);
  },
};

export const setupCommands: Command[] = [setup];
