/**
 * The one place a contract command becomes a handler call, whatever the transport (HTTP here, the
 * Electron IPC bridge in the shell): look the name up, validate the input against the command's
 * schema, run the handler, and turn every outcome into a `Result`. It never throws, so a transport
 * only has to serialize what it gets.
 */
import type { z } from 'zod';
import { commands, isCommandName } from '../../shared/contract';
import type { CommandName, Result } from '../../shared/contract';
import { isErrorCode } from '../../shared/errors';
import type { ErrorShape } from '../../shared/errors';
import type { CommandHandlers } from '../engine/handlers';
import { consoleLogger } from './logger';
import type { ControlLogger } from './logger';

export interface DispatcherOptions {
  /** Receives the stacks of unexpected errors; they never go into a Result. */
  logger?: ControlLogger;
  /**
   * Check each handler's answer against the command's output schema. For tests: parsing every
   * status snapshot on the hot path costs time and buys nothing once the handlers are tested.
   */
  validateOutput?: boolean;
}

export interface Dispatcher {
  dispatch(name: unknown, input: unknown): Promise<Result<unknown>>;
}

type AnyHandler = (input: unknown) => Promise<unknown>;

const MAX_ISSUES_IN_MESSAGE = 5;

/** Zod issues as one line a person can act on: `name: Too small…; enabled: expected boolean…`. */
export function describeIssues(issues: z.ZodError["issues"]): string {
  const parts = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = issues.length - parts.length;
  return more > 0 ? `${parts.join('; ')}; and ${more} more` : parts.join('; ');
}

/** Names are echoed back to the caller: keep whatever was sent short and printable. */
function printable(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

/**
 * A PorticoError from this module graph or another copy of it (a second bundle, a worker): the
 * shape is what counts, `instanceof` would miss the copy and turn a user error into E_INTERNAL.
 */
function asPorticoShape(error: unknown): ErrorShape | null {
  if (!(error instanceof Error) || error.name !== 'PorticoError') return null;
  const code = (error as { code?: unknown }).code;
  return isErrorCode(code) ? { code, message: error.message } : null;
}

function fail(code: ErrorShape['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

export function createDispatcher(handlers: CommandHandlers, options: DispatcherOptions = {}): Dispatcher {
  const logger = options.logger ?? consoleLogger;

  const run = async (name: CommandName, input: unknown): Promise<Result<unknown>> => {
    const contract = commands[name];
    const parsed = contract.input.safeParse(input ?? {});
    if (!parsed.success) {
      return fail('E_INVALID_INPUT', `invalid input for "${name}": ${describeIssues(parsed.error.issues)}. Fix the field(s) named and retry.`);
    }
    const handler = handlers[name] as AnyHandler;
    const value = await handler(parsed.data);
    if (options.validateOutput) {
      const checked = contract.output.safeParse(value);
      if (!checked.success) {
        const detail = describeIssues(checked.error.issues);
        logger.error(`handler "${name}" answered outside its contract: ${detail}`);
        return fail('E_INTERNAL', `the engine answered "${name}" outside the contract: ${detail}`);
      }
    }
    return { ok: true, value };
  };

  return {
    async dispatch(name, input) {
      if (!isCommandName(name)) {
        return fail('E_UNKNOWN_COMMAND', `unknown command ${printable(name)}. Known commands: ${Object.keys(commands).join(', ')}.`);
      }
      try {
        return await run(name, input);
      } catch (error) {
        const shape = asPorticoShape(error);
        if (shape) return { ok: false, error: shape };
        logger.error(`command "${name}" failed unexpectedly`, error);
        return fail('E_INTERNAL', `Portico hit an unexpected error while running "${name}". The details are in the engine's log; please report it.`);
      }
    },
  };
}
