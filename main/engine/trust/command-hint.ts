import { posixQuote } from '../system/elevate';

/**
 * A `portico …` command line to show a person, with the data dir when it is not the default one
 * (PORTICO_HOME), so copying it acts on the same Portico. Display only: never executed.
 */
export function porticoCommand(args: readonly string[], env: Record<string, string | undefined>): string {
  const words = args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : posixQuote(arg)));
  const home = env.PORTICO_HOME ? `PORTICO_HOME=${/^[\w@%+=:,./-]+$/.test(env.PORTICO_HOME) ? env.PORTICO_HOME : posixQuote(env.PORTICO_HOME)} ` : '';
  return `${home}portico ${words.join(' ')}`;
}

/** `--store a --store b` for the stores named. */
export function storeArgs(stores: readonly string[]): string[] {
  return stores.flatMap((store) => ['--store', store]);
}
