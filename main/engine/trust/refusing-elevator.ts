import type { ElevateOptions, ElevationMethod, Elevator } from '../system/elevate';
import { PorticoError } from '../errors';
import type { ExecResult } from '../system/exec';

/**
 * The elevator of an engine that must not prompt: a request from the dashboard reaches a headless
 * engine that is neither root nor attached to a terminal, and elevating from a web page is not
 * consent (PRODUCT.md "one consent per privileged action"). Every request is refused and
 * remembered, so the caller can tell which store needed privileges and name the command to run.
 */
export interface RefusingElevator extends Elevator {
  /** The reasons of the refused requests since the last `reset()`. */
  readonly refused: readonly string[];
  reset(): void;
}

/** `method` is the one this engine would have used, for display. */
export function createRefusingElevator(method: ElevationMethod): RefusingElevator {
  const refused: string[] = [];
  const refuse = async (options: ElevateOptions): Promise<ExecResult> => {
    refused.push(options.reason);
    throw new PorticoError('E_TRUST_FAILED', `this needs administrator rights (to ${options.reason}), which Portico asks for only in a terminal.`);
  };
  return {
    method,
    get refused() {
      return refused;
    },
    reset: () => {
      refused.length = 0;
    },
    run: (_argv, options) => refuse(options),
    runAll: (_commands, options) => refuse(options),
  };
}
