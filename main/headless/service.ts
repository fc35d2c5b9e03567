import { controlFilePath, createControlClient, readControlFile } from '../control';
import { commands, type CommandInput, type CommandName, type CommandOutput } from '../../shared/contract';
import { createEngine } from '../engine';
import { PorticoError } from '../engine/errors';
import { dataDir } from '../engine/system/data-dir';
import type { CommandContext } from './commands/types';

/** A way to run contract commands: in-process over the data dir, or against a running engine. */
export interface Caller {
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
}

/** Runs commands in this process, validating input against the contract like the dispatcher does. */
export function localCaller(dir: string): Caller {
  const { handlers } = createEngine({ dataDir: dir });
  return {
    async call(name, input) {
      const parsed = commands[name].input.safeParse(input);
      if (!parsed.success) {
        throw new PorticoError('E_INVALID_INPUT', parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; '));
      }
      const handler = handlers[name] as (input: unknown) => Promise<CommandOutput<typeof name>>;
      return handler(parsed.data);
    },
  };
}

/**
 * The caller for this CLI invocation's data dir: the running engine's control API when one runs
 * (so its dashboard and tray see the change at once, and it signs with a CA key only it may
 * hold), else in-process over the files, under the data lock.
 */
export async function openService(context: CommandContext): Promise<Caller> {
  const dir = dataDir(context.env);
  const record = await readControlFile(controlFilePath(dir));
  if (record) return createControlClient({ url: record.url, token: record.token });
  return localCaller(dir);
}
