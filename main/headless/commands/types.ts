import type { Output } from '../output';
import type { Parsed } from '../args';
import type { ParseArgsConfig } from 'node:util';

/** What every command gets: the environment it runs in, injected so tests can run it in-process. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  output: Output;
}

/** One `portico <name>` command. */
export interface Command {
  name: string;
  /** One line for `portico --help`. */
  summary: string;
  /** Full usage, shown by `portico <name> --help` and on a usage error. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  positionals: { min: number; max: number };
  /** Returns the exit code: 0 done, 1 refused or failed. Usage errors are thrown as UsageError. */
  run(args: Parsed, context: CommandContext): Promise<number>;
}
