import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateProvider } from '../../../main/engine/certificates';
import { createEngineParts, type EngineParts } from '../../../main/engine';
import { ensureProjectCert, KeyPool } from '../../../main/engine/pki';
import { addProject } from '../../../main/engine/projects';
import { routeFromProject } from '../../../main/engine/proxy/router';
import { intermediateTlsOptions } from '../../../main/engine/proxy/tls-profile';
import type { Project } from '../../../shared/config';
import { tempHome } from '../../helpers/portico-home';

describe('engine certificates at start-up', () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let parts: EngineParts;
  let keyPool: KeyPool;
  let projects: Project[];

  beforeAll(async () => {
    home = await tempHome();
    parts = createEngineParts({ dataDir: home.dir });
    keyPool = new KeyPool({ size: 1 });
    for (const [name, port] of [['a', 5173], ['b', 5174], ['c', 5175]] as const) {
      await parts.store.update((config) => addProject(config, { name, port }, new Date()));
    }
    projects = (await parts.store.read()).projects;
    const { ca } = await parts.ca.get();
    await ensureProjectCert(parts.paths, ca, { name: 'a', domains: ['a.localhost'] });
  });
  afterAll(async () => {
    await keyPool.close();
    await home.cleanup();
  });

  it('reads what is on disk before listening, issues the rest behind, and lets a handshake take its own first', async () => {
    const issued: string[] = [];
    const provider = createCertificateProvider({
      paths: parts.paths,
      store: parts.store,
      ca: parts.ca,
      keyPool,
      now: parts.now,
      tls: intermediateTlsOptions(),
      onIssued: (project) => issued.push(project),
    });
    const startUp = await provider.startUp(projects);
    expect({ ready: startUp.ready, issuing: startUp.issuing }).toEqual({ ready: 1, issuing: 2 });
    expect(provider.info('a')?.sans).toEqual(['a.localhost']);

    // 'c' is last in the background queue: its handshake does not wait its turn, and gets a certificate.
    const c = projects.find((project) => project.name === 'c') as Project;
    expect(await provider.secureContextFor('c.localhost', routeFromProject(c))).not.toBeNull();

    await startUp.done;
    expect((await readdir(parts.paths.certsDir)).sort()).toEqual(['a', 'b', 'c']);
    expect(issued.sort()).toEqual(['b', 'c']);
    expect(provider.info('b')?.sans).toEqual(['b.localhost']);
  });

  it('finds everything on disk on the next start', async () => {
    const provider = createCertificateProvider({ paths: parts.paths, store: parts.store, ca: parts.ca, keyPool, now: parts.now, tls: intermediateTlsOptions() });
    const startUp = await provider.startUp(projects);
    expect({ ready: startUp.ready, issuing: startUp.issuing }).toEqual({ ready: 3, issuing: 0 });
    await startUp.done;
  });
});
