#!/usr/bin/env node
// The `portico` command. Runs the bundle in dist/ (built by `npm run build`, which `npm ci`,
// `npm start` and `npm test` run) when it is newer than every source file; otherwise the
// TypeScript sources through tsx, so an edit is never hidden by a stale bundle.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/portico.mjs`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    return built >= Math.max(newestSource(`${root}main`), newestSource(`${root}shared`));
  } catch {
    return false;
  }
}

let entry;
if (process.env.PORTICO_FROM_SOURCE !== '1' && bundleIsFresh()) {
  entry = await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = await import('../main/headless/cli.ts');
}
process.exitCode = await entry.main(process.argv.slice(2));
