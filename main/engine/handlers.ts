import type { CommandName, CommandOutput, Commands } from '../../shared/contract';
import type { z } from 'zod';

/**
 * One function per contract command: what the dispatcher calls after validating input. Inputs
 * arrive already parsed by the command's schema, so handlers see defaults applied.
 */
export type CommandHandlers = {
  [N in CommandName]: (input: z.infer<Commands[N]['input']>) => Promise<CommandOutput<N>>;
};
