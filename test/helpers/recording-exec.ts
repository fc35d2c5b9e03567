import type { Exec, ExecOptions, ExecResult } from '../../main/engine/system/exec';
import { PorticoError } from '../../main/engine/errors';

/** A scripted answer: a full or partial result, or undefined to fall through. May throw. */
export type Responder = (argv: readonly string[], options?: ExecOptions) => Partial<ExecResult> | undefined | Promise<Partial<ExecResult> | undefined>;

/**
 * An Exec for tests: records every argv, answers from a responder, and otherwise delegates to
 * `fallback` (often the real exec, to count calls to a real tool) or answers exit 0 with no output.
 */
export class RecordingExec {
  readonly calls: { argv: string[]; options?: ExecOptions }[] = [];

  constructor(
    private readonly respond: Responder = () => undefined,
    private readonly fallback?: Exec,
  ) {}

  readonly exec: Exec = async (argv, options) => {
    this.calls.push({ argv: [...argv], ...(options ? { options } : {}) });
    const answer = await this.respond(argv, options);
    if (answer) return { argv: [...argv], exitCode: 0, stdout: '', stderr: '', ...answer };
    if (this.fallback) return this.fallback(argv, options);
    return { argv: [...argv], exitCode: 0, stdout: '', stderr: '' };
  };

  /** Every argv run so far. */
  get argvs(): string[][] {
    return this.calls.map((call) => call.argv);
  }

  /** How many calls started with these arguments (e.g. `count('certutil', '-A')`). */
  count(...prefix: string[]): number {
    return this.argvs.filter((argv) => prefix.every((part, index) => argv[index] === part)).length;
  }
}

/** What exec throws for a program that is not installed. */
export function toolMissing(argv: readonly string[]): never {
  throw new PorticoError('E_TOOL_MISSING', `${argv[0]} is not installed or not on PATH; install it and retry.`);
}
