import type { ElevateOptions, Elevator } from '../../main/engine/system/elevate';
import type { Exec, ExecResult } from '../../main/engine/system/exec';

/**
 * An Elevator for tests: records each consent (the commands and the reason shown) and runs the
 * commands through the given Exec, usually a RecordingExec that scripts or delegates them.
 */
export class RecordingElevator implements Elevator {
  readonly method = 'none' as const;
  readonly consents: { commands: string[][]; reason: string }[] = [];

  constructor(private readonly exec: Exec) {}

  run(argv: readonly string[], options: ElevateOptions): Promise<ExecResult> {
    return this.runAll([argv], options);
  }

  async runAll(commands: readonly (readonly string[])[], options: ElevateOptions): Promise<ExecResult> {
    this.consents.push({ commands: commands.map((argv) => [...argv]), reason: options.reason });
    let last: ExecResult | undefined;
    for (const argv of commands) {
      last = await this.exec(argv);
      if (last.exitCode !== 0) return last;
    }
    if (!last) throw new Error('RecordingElevator: no command');
    return last;
  }

  /** Every elevated argv, flattened. */
  get argvs(): string[][] {
    return this.consents.flatMap((consent) => consent.commands);
  }
}
