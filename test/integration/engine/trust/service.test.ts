import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, createEngineParts, type EngineParts } from '../../../../main/engine';
import { exec } from '../../../../main/engine/system/exec';
import { createTrustService } from '../../../../main/engine/trust';
import { createTrustStores, rootCertFromPem } from '../../../../main/engine/truststore';

/**
 * The engine's trust service against the real certutil and a real NSS database in a throwaway
 * HOME (the one Chromium reads on Linux), with a real Portico CA. Only the NSS store is created,
 * so the machine's own stores are never touched.
 */
const hasCertutil = (await exec(['certutil', '-H']).then(() => true, () => false));

let dir: string;
let home: string;
let parts: EngineParts;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-trust-nss-'));
  home = join(dir, 'home');
  await mkdir(home);
  parts = createEngineParts({ dataDir: join(dir, 'data') });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const nssdb = () => `sql:${join(home, '.pki', 'nssdb')}`;
const listed = async () => (await exec(['certutil', '-L', '-d', nssdb()])).stdout;

describe.skipIf(!hasCertutil)('trust service with the real NSS store', () => {
  it('install records the ledger, status is verified, uninstall removes and clears the ledger', async () => {
    const trust = createTrustService({ paths: parts.paths, ca: parts.ca, env: { HOME: home }, interactive: true, stores: (deps) => createTrustStores({ ...deps, only: ['nss'] }) });
    const [installed] = await trust.install(['nss']);
    const { ca } = await parts.ca.get();
    const root = rootCertFromPem(ca.certPem, parts.paths.caCert);
    expect(installed).toMatchObject({ store: 'nss', status: 'installed', verified: true, locations: [join(home, '.pki', 'nssdb')] });
    expect(await listed()).toMatch(new RegExp(`^${root.nickname}\\s+C,,\\s*$`, 'm'));
    expect((await trust.ledger.read()).trust).toEqual([
      expect.objectContaining({ store: 'nss', fingerprint256: root.fingerprint256, nickname: root.nickname, locations: [join(home, '.pki', 'nssdb')] }),
    ]);

    expect(await trust.status()).toEqual([expect.objectContaining({ store: 'nss', status: 'installed', verified: true })]);

    expect(await trust.uninstall(['nss'])).toEqual([expect.objectContaining({ store: 'nss', status: 'not-installed' })]);
    expect(await listed()).not.toContain('Portico CA');
    expect((await trust.ledger.read()).trust).toEqual([]);
  });

  it('`ca.rotate` through the engine service moves trust to the new root in the same database', async () => {
    const trust = createTrustService({ paths: parts.paths, ca: parts.ca, env: { HOME: home }, interactive: true, stores: (deps) => createTrustStores({ ...deps, only: ['nss'] }) });
    await trust.install(['nss']);
    const before = await trust.currentRoot();

    const { handlers } = createEngine({ dataDir: parts.paths.dir, env: { HOME: home }, interactive: true });
    const view = await handlers['ca.rotate']({ addSuffixes: [] });
    const after = await trust.currentRoot();
    expect(view.certificate.fingerprint256).toBe(after?.fingerprint256);
    expect(after?.fingerprint256).not.toBe(before?.fingerprint256);

    const names = await listed();
    expect(names).toContain(after?.nickname);
    expect(names).not.toContain(before?.nickname);
    expect((await trust.ledger.read()).trust.map((r) => r.fingerprint256)).toEqual([after?.fingerprint256]);
  });
});
