import { existsSync, readFileSync } from 'node:fs';

let cached: string | undefined;

/** Portico's version, from package.json (read once, on first use), from the sources or the bundle in dist/. */
export function porticoVersion(): string {
  if (cached) return cached;
  for (const candidate of ['../../package.json', '../package.json']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(url)) {
      cached = (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
      return cached;
    }
  }
  return '0.0.0';
}
