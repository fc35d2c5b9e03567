import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateProvider, type EngineCertificateProvider } from '../../../main/engine/certificates';
import { createEngineParts, type EngineParts } from '../../../main/engine';
import { KeyPool } from '../../../main/engine/pki';
import { addProject } from '../../../main/engine/projects';
import { routeFromProject } from '../../../main/engine/proxy/router';
import { intermediateTlsOptions } from '../../../main/engine/proxy/tls-profile';
import { tempHome } from '../../helpers/portico-home';

describe('engine certificate provider', () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let parts: EngineParts;
  let provider: EngineCertificateProvider;
  let keyPool: KeyPool;
  let nowMs = Date.parse('2026-11-27T10:00:00Z');
  const issued: string[] = [];

  beforeAll(async () => {
    home = await tempHome();
    const now = () => new Date(nowMs);
    parts = createEngineParts({ dataDir: home.dir, now });
    keyPool = new KeyPool({ size: 1 });
    provider = createCertificateProvider({
      paths: parts.paths,
      store: parts.store,
      ca: parts.ca,
      keyPool,
      now,
      tls: intermediateTlsOptions(),
      ephemeral: { capacity: 2, perMinute: 2 },
      onIssued: (project) => issued.push(project),
    });
  });
  afterAll(async () => {
    keyPool.close();
    await home.cleanup();
  });

  it('mints certificates for unknown dev names in memory, bounded per minute, never on disk', async () => {
    const first = await provider.secureContextFor('a.localhost', null);
    expect(first).not.toBeNull();
    expect(await provider.secureContextFor('a.localhost', null)).toBe(first);
    expect(await provider.secureContextFor('b.test', null)).not.toBeNull();
    expect(await provider.secureContextFor('c.test', null)).toBeNull();
    nowMs += 61_000;
    expect(await provider.secureContextFor('c.test', null)).not.toBeNull();
    expect(await readdir(parts.paths.certsDir).catch(() => [])).toEqual([]);
  });

  it('refuses names outside the CA suffixes and wildcards', async () => {
    nowMs += 61_000;
    expect(await provider.secureContextFor('example.com', null)).toBeNull();
    expect(await provider.secureContextFor('*.x.localhost', null)).toBeNull();
  });

  it('issues a project certificate once, then serves it from the cache', async () => {
    const { project } = await parts.store.update((config) => addProject(config, { name: 'web', port: 5173 }, new Date(nowMs)));
    const route = routeFromProject(project);
    const context = await provider.secureContextFor('web.localhost', route);
    expect(context).not.toBeNull();
    expect(await provider.secureContextFor('web.localhost', route)).toBe(context);
    expect(issued).toEqual(['web']);
    expect(provider.info('web')?.sans).toEqual(['web.localhost']);
    expect(await readdir(parts.paths.certsDir)).toEqual(['web']);
  });

  it('re-issues every certificate after the root is rotated', async () => {
    const before = provider.info('web');
    await parts.ca.rotate([]);
    nowMs += 2_000;
    const project = (await parts.store.read()).projects[0];
    if (!project) throw new Error('project missing');
    await provider.secureContextFor('web.localhost', routeFromProject(project));
    const after = provider.info('web');
    expect(after?.fingerprint256).not.toBe(before?.fingerprint256);
    expect(after?.issuer).not.toBe(before?.issuer);
  });
});
