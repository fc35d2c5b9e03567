import type { BuildOptions } from 'esbuild';

/** esbuild options of the shell's bundles (main, engine, preload). */
export function shellBundles(options?: { outdir?: string; sourcemap?: boolean }): BuildOptions[];
