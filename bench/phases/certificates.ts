/**
 * Certificate issuance, in process with the engine's own pieces over a throwaway data dir:
 * - the CA: what the first start (or `portico ca rotate`) pays, key generation included;
 * - a new project's first certificate, as its first handshake gets it from the engine's
 *   certificate provider: data lock, key from the pool, native signature, files written,
 *   SecureContext built. The pool is given time to refill between projects, as it has between
 *   two `portico add`s; the figure with an empty pool (key generated on the spot) is reported too.
 */
import { createCertificateProvider } from '../../main/engine/certificates';
import { createEngineParts } from '../../main/engine/index';
import { KeyPool } from '../../main/engine/pki';
import { routeFromProject } from '../../main/engine/proxy/router';
import { intermediateTlsOptions } from '../../main/engine/proxy/tls-profile';
import type { Project } from '../../shared/config';
import { tempDir } from '../lib/portico';

export interface CertificateFigures {
  caMs: number[];
  leafPooledMs: number[];
  leafUnpooledMs: number[];
}

function project(name: string): Project {
  const at = new Date().toISOString();
  return { name, upstream: 'http://localhost:5173', domains: [`${name}.localhost`], enabled: true, https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', createdAt: at, updatedAt: at };
}

export async function runCertificates(options: { caRuns: number; leafRuns: number; log(line: string): void }): Promise<CertificateFigures> {
  const figures: CertificateFigures = { caMs: [], leafPooledMs: [], leafUnpooledMs: [] };
  for (let i = 0; i < options.caRuns; i += 1) {
    const home = await tempDir('portico-bench-ca-');
    try {
      const parts = createEngineParts({ dataDir: home.dir });
      const started = performance.now();
      await parts.ca.get();
      figures.caMs.push(performance.now() - started);
    } finally {
      await home.cleanup();
    }
  }

  const home = await tempDir('portico-bench-leaf-');
  const pooled = new KeyPool({ size: 2 });
  const empty = new KeyPool({ size: 1 });
  try {
    const parts = createEngineParts({ dataDir: home.dir });
    await parts.ca.get();
    const make = (keyPool: KeyPool) =>
      createCertificateProvider({ paths: parts.paths, store: parts.store, ca: parts.ca, keyPool, now: parts.now, tls: intermediateTlsOptions() });
    const withPool = make(pooled);
    const withoutPool = make(empty);
    pooled.start();
    for (let i = 0; i < options.leafRuns; i += 1) {
      await pooled.whenFull();
      const route = routeFromProject(project(`pooled${i}`));
      const started = performance.now();
      const context = await withPool.secureContextFor(route.domains[0] as string, route);
      if (!context) throw new Error('no certificate was issued');
      figures.leafPooledMs.push(performance.now() - started);
    }
    // `empty` was never started: every take() generates its key in the foreground.
    for (let i = 0; i < Math.min(5, options.leafRuns); i += 1) {
      const route = routeFromProject(project(`unpooled${i}`));
      const started = performance.now();
      await withoutPool.secureContextFor(route.domains[0] as string, route);
      figures.leafUnpooledMs.push(performance.now() - started);
    }
  } finally {
    await pooled.close();
    await empty.close();
    await home.cleanup();
  }
  return figures;
}
