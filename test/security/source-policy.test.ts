/**
 * Rules about the code and its dependencies that a reviewer would otherwise have to remember
 * (security-requirements.md CA-7, TS-9, RP-8, RP-13): checked on every `npm test`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Product sources: what ships (main/, shared/, renderer/, bin/), never tests. */
function productFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|js|mjs|cjs)$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of ['main', 'shared', 'renderer', 'bin']) walk(join(ROOT, dir));
  return files;
}

/** Code without comments, so a comment may explain why a pattern is banned. */
const codeOf = (path: string) => readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const banned: Array<[string, RegExp, string]> = [
  ['TLS verification turned off (TS-9)', /rejectUnauthorized\s*:\s*false/, 'verify against the CA with `ca:` instead'],
  ['NODE_TLS_REJECT_UNAUTHORIZED (TS-9)', /NODE_TLS_REJECT_UNAUTHORIZED/, 'never disable verification process-wide'],
  ['forge chain verification as a security decision (CA-7)', /verifyCertificateChain/, 'verify with node:crypto X509Certificate or tls'],
  ['the lenient HTTP parser (RP-8, RP-9)', /insecureHTTPParser\s*:\s*true|--insecure-http-parser/, 'it lets smuggling vectors through'],
  ['the unmaintained http-proxy package (RP-13)', /from\s+['"]http-proxy['"]|require\(['"]http-proxy['"]\)/, 'use http-proxy-3 behind proxy/forward.ts'],
];

describe('banned patterns in product code', () => {
  const files = productFiles();
  it.each(banned)('%s', (_name, pattern, instead) => {
    const offenders = files.filter((file) => pattern.test(codeOf(file))).map((file) => relative(ROOT, file));
    expect(offenders, instead).toEqual([]);
  });

  it('imports http-proxy-3 in exactly one file, the forwarding adapter', () => {
    const importers = files.filter((file) => /from\s+['"]http-proxy-3['"]/.test(codeOf(file))).map((file) => relative(ROOT, file));
    expect(importers).toEqual([join('main', 'engine', 'proxy', 'forward.ts')]);
  });
});

describe('dependencies', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };

  it('node-forge is pinned at 1.4.0 or later (CVE-2026-33891/33894/33895/33896, CA-7)', () => {
    const version = lock.packages['node_modules/node-forge']?.version ?? '0.0.0';
    const [major = 0, minor = 0] = version.split('.').map(Number);
    expect(pkg.dependencies['node-forge']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(major > 1 || (major === 1 && minor >= 4), version).toBe(true);
  });

  it('http-proxy-3 is pinned and http-proxy is nowhere in the lockfile (RP-13)', () => {
    expect(pkg.dependencies['http-proxy-3']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(lock.packages).filter((path) => /(^|\/)node_modules\/http-proxy$/.test(path))).toEqual([]);
  });
});
