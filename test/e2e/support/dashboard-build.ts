/**
 * The page `portico serve` hands out is the build in dist/renderer/, not the sources: a build
 * older than an edit would test yesterday's dashboard. `npm test` builds first; a direct
 * `npx vitest run test/e2e` after an edit is stopped here with the command to run.
 */
import { readdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(`${entry.parentPath}/${entry.name}`)).mtimeMs);
  }
  return newest;
}

/** Null when dist/renderer/ is built and newer than every file in renderer/ and shared/; else why not. */
export async function staleDashboardBuild(): Promise<string | null> {
  let built: number;
  try {
    built = (await stat(`${ROOT}dist/renderer/index.html`)).mtimeMs;
  } catch {
    return 'the dashboard is not built: run `npm run build` first.';
  }
  const sources = Math.max(await newestMtime(`${ROOT}renderer`), await newestMtime(`${ROOT}shared`));
  return sources > built ? 'dist/renderer/ is older than the renderer sources: run `npm run build` first.' : null;
}
