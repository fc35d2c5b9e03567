import { toErrorShape } from '../engine/errors';
import { porticoVersion as version } from '../engine/version';
import { parse, UsageError } from './args';
import { caCommands } from './commands/ca';
import { doctorCommands } from './commands/doctor';
import { envCommands } from './commands/env';
import { hostsCommands } from './commands/hosts';
import { projectCommands } from './commands/projects';
import { serveCommands } from './commands/serve';
import { setupCommands } from './commands/setup';
import { statusCommands } from './commands/status';
import { trustCommands } from './commands/trust';
import type { Command, CommandContext } from './commands/types';
import { uninstallCommands } from './commands/uninstall';
import { consoleOutput, printJson } from './output';

const commands: Command[] = [...projectCommands, ...caCommands, ...serveCommands, ...statusCommands, ...trustCommands, ...envCommands, ...hostsCommands, ...doctorCommands, ...setupCommands, ...uninstallCommands];


function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Portico ${version()}: trusted HTTPS for every localhost dev server.

Usage: portico <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Every command that prints data takes --json. "portico <command> --help" shows its options.
State lives in the data dir (PORTICO_HOME overrides it).
Exit codes: 0 done, 1 refused or failed, 2 usage error.`;
}

/** Runs one CLI invocation and returns its exit code. Never calls process.exit. */
export async function main(argv: string[], context: CommandContext = { env: process.env, output: consoleOutput }): Promise<number> {
  const [name, ...rest] = argv;
  const { output } = context;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    output.out(help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    output.out(version());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    output.err(`portico: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  let json = false;
  try {
    const args = parse(rest, command.options, command.positionals);
    json = args.values.json === true;
    if (args.values.help) {
      output.out(`Usage: ${command.usage}`);
      return 0;
    }
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`portico ${command.name}: ${error.message}\n\nUsage: ${command.usage}`);
      return 2;
    }
    const shape = toErrorShape(error);
    if (json) printJson(output, { error: shape });
    output.err(`portico ${command.name}: ${shape.code}: ${shape.message}`);
    return 1;
  }
}
