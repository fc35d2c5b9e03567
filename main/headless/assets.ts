import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built dashboard (`dist/renderer/`, made by `npm run build`), found from the sources
 * (`main/headless/`) or from the bundle (`dist/`). Null when it has not been built.
 */
export function dashboardDir(): string | null {
  for (const candidate of ['../../dist/renderer/', './renderer/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}
