/** Builds the shell bundles into a throwaway app directory laid out like the repository and the asar. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { shellBundles } from '../../../../build/shell-bundles.mjs';

export const PARENT_PORT_SHIM = join(import.meta.dirname, 'parent-port-shim.cjs');
export const FAKE_ELECTRON = join(import.meta.dirname, 'fake-electron.cjs');

/** `<appDir>/package.json`, `<appDir>/dist/shell/{main,engine,preload}.cjs` and a minimal `dist/renderer/`. */
export async function buildShell(appDir: string, version = '9.8.7'): Promise<string> {
  const outdir = join(appDir, 'dist', 'shell');
  await mkdir(outdir, { recursive: true });
  await mkdir(join(appDir, 'dist', 'renderer'), { recursive: true });
  // The bundles find package.json two levels up, as in the repository and in the asar.
  await writeFile(join(appDir, 'package.json'), JSON.stringify({ name: 'portico', version }));
  await writeFile(join(appDir, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Portico</title>');
  for (const options of shellBundles({ outdir, sourcemap: false })) await build(options);
  return outdir;
}
