import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The directory holding package.json, from the sources (`main/headless/`) or the bundle (`dist/`). */
export function packageRoot(): string {
  for (const candidate of ['../../', '../']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}package.json`)) return dir;
  }
  return process.cwd();
}

/** The built dashboard (`dist/renderer/`, made by `npm run build`), or null when it has not been built. */
export function dashboardDir(): string | null {
  const dir = `${packageRoot()}dist/renderer/`;
  return existsSync(`${dir}index.html`) ? dir : null;
}

/** The desktop app's main-process bundle (`dist/shell/main.cjs`), or null when it has not been built. */
export function desktopMainBundle(): string | null {
  const file = `${packageRoot()}dist/shell/main.cjs`;
  return existsSync(file) ? file : null;
}
