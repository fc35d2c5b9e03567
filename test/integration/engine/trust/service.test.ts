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

describe.skipIf(!hasCertutil)('a running engine and a rotated root', () => {
  it('removes the old root from the store once the last certificate it signed is re-issued', async () => {
    const { startEngine } = await import('../../../../main/engine/runtime');
    const { addProject } = await import('../../../../main/engine/projects');
    const { request } = await import('node:https');
    const trust = createTrustService({ paths: parts.paths, ca: parts.ca, env: { HOME: home }, interactive: true, stores: (deps) => createTrustStores({ ...deps, only: ['nss'] }) });
    await trust.install(['nss']);
    await parts.store.update((config) => addProject(config, { name: 'web', port: 9 }, new Date()));
    const engine = await startEngine({ dataDir: parts.paths.dir, env: { HOME: home }, interactive: true, httpsPort: 0, httpPort: 0 });
    try {
      const httpsPort = engine.listeners.find((l) => l.role === 'https')?.port;
      const handshake = async () => {
        const ca = (await parts.ca.get()).ca.certPem;
        await new Promise<void>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: httpsPort, servername: 'web.localhost', ca, headers: { host: 'web.localhost' } }, (res) => {
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', reject);
          req.end();
        });
      };
      await handshake();
      const before = await trust.currentRoot();
      await engine.handlers['ca.rotate']({ addSuffixes: [] });
      const after = await trust.currentRoot();
      // The old root still signs web's certificate on disk: it stays trusted for now.
      expect(await listed()).toContain(before?.nickname);
      expect(await listed()).toContain(after?.nickname);
      // The next handshake re-issues web's certificate from the new root (a second later, when the
      // provider looks at the root again); then nothing uses the old root any more.
      let names = '';
      for (let attempt = 0; attempt < 50; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await handshake().catch(() => undefined);
        names = await listed();
        if (!names.includes(before?.nickname ?? '?')) break;
      }
      expect(names).not.toContain(before?.nickname);
      expect(names).toContain(after?.nickname);
    } finally {
      await engine.stop({ drainMs: 0 });
    }
  });
});
