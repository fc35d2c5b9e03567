/**
 * node-forge is loaded only to build a certificate, never to read one (issue #7: ~3.3 MB of idle
 * RSS in `portico serve`). A data dir is populated with the engine's own functions here, then a
 * separate process (test/fixtures/pki-lazy/probe.ts) loads the CA, reuses and describes the
 * project's certificate, and reports whether forge is in its module cache — and again after it
 * issues a leaf, which proves the probe can see forge at all.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SUFFIXES } from '../../../../shared/names';
import { ensureCa, ensureProjectCert } from '../../../../main/engine/pki';
import { startTsWorker, type Child } from '../../../helpers/child-process';
import { makeTempHome, type TempHome } from '../../../unit/engine/pki/fixture';

const PROBE = new URL('../../../fixtures/pki-lazy/probe.ts', import.meta.url);

interface ProbeLine {
  step: 'imported' | 'read' | 'issued';
  forgeLoaded: boolean;
  renewed?: boolean;
  sans?: string[];
  rootPermitted?: { dns: string[]; ip: string[] };
}

let home: TempHome;
let child: Child | undefined;

beforeEach(async () => {
  home = await makeTempHome();
});
afterEach(async () => {
  await child?.kill();
  child = undefined;
  await home.cleanup();
});

describe('node-forge stays unloaded until a certificate is built', () => {
  it('is not loaded by loading the CA and reusing a project certificate, and is after issuing one', async () => {
    const { ca } = await ensureCa(home.paths, DEFAULT_SUFFIXES, { keyBits: 2048, label: 'lazy-forge test' });
    await ensureProjectCert(home.paths, ca, { name: 'web', domains: ['web.localhost'] });

    child = startTsWorker(PROBE, [home.dir, 'web', 'web.localhost']);
    const [code] = await child.exited;
    expect(code, child.stderr()).toBe(0);
    const lines = child.lines.map((line) => JSON.parse(line) as ProbeLine);

    expect(lines.map(({ step, forgeLoaded }) => ({ step, forgeLoaded }))).toEqual([
      { step: 'imported', forgeLoaded: false },
      { step: 'read', forgeLoaded: false },
      { step: 'issued', forgeLoaded: true },
    ]);
    const [, read, issued] = lines;
    expect(read).toMatchObject({ renewed: false, sans: ['web.localhost'], rootPermitted: { dns: ['localhost', 'test', 'internal'], ip: ['127.0.0.0/8', '::1/128'] } });
    expect(issued?.sans).toEqual(['other.web.localhost']);
  });
});
