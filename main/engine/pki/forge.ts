/**
 * The one place node-forge is loaded, and only when a certificate is built (a root generated,
 * a leaf issued). Reading certificates uses der.ts and never needs it, so `portico serve` on a
 * data dir that already holds every certificate never loads forge (~3.3 MB of RSS, issue #7).
 *
 * Keep every other import of 'node-forge' in main/ type-only (`import type`): a value import
 * anywhere in the module graph evaluates forge at start-up. A dynamic import is evaluated only
 * when called, in Node and in the esbuild bundle alike (esbuild keeps a CommonJS package behind
 * a lazy `__commonJS` wrapper until `require_…()` runs).
 */
import type forge from 'node-forge';

export type Forge = typeof forge;

let loading: Promise<Forge> | undefined;

/** node-forge, imported on the first call and shared by every later one. */
export function loadForge(): Promise<Forge> {
  loading ??= import('node-forge').then(
    (module) => module.default,
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
