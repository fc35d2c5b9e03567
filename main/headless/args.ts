import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how a command was typed: exit code 2 and the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/** Strict parsing: an unknown flag or a missing value is a usage error, not a silent default. */
export function parse(args: string[], options: Options, positionals: { min: number; max: number }): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const count = parsed.positionals.length;
  if (!parsed.values.help && (count < positionals.min || count > positionals.max)) {
    throw new UsageError(count < positionals.min ? 'missing argument' : `unexpected argument "${parsed.positionals[positionals.max]}"`);
  }
  return { positionals: parsed.positionals, values: parsed.values as Parsed['values'] };
}

/** `on`/`off` (and true/false, yes/no, 1/0) as a boolean. */
export function onOff(value: string | undefined): boolean {
  const normalized = value?.toLowerCase();
  if (normalized === 'on' || normalized === 'true' || normalized === 'yes' || normalized === '1') return true;
  if (normalized === 'off' || normalized === 'false' || normalized === 'no' || normalized === '0') return false;
  throw new UsageError(`expected "on" or "off", got "${value ?? ''}"`);
}

export function str(value: Parsed['values'][string]): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
