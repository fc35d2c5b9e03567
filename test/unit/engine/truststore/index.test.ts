import { describe, expect, it } from 'vitest';
import { TrustStateSchema } from '../../../../shared/contract';
import { createMemoryStore, installAll, rootNickname, statusAll, uninstallAll } from '../../../../main/engine/truststore/index';
import { rootCertFromPem } from '../../../../main/engine/truststore/root';
import type { RootCert, TrustStore } from '../../../../main/engine/truststore/types';

const root: RootCert = { certPem: '', certPath: '/data/ca/root.pem', nickname: rootNickname('0A1B'), fingerprint256: 'AA:BB', serial: '0A1B' };

/** A store that throws, to prove the helpers turn failures into states. */
function throwingStore(): TrustStore {
  const fail = async () => {
    throw new Error('boom');
  };
  return { id: 'java', label: 'Java', detect: async () => ({ available: true }), check: fail, install: fail, uninstall: fail };
}

/** Records the order stores are changed in. */
function ordered(log: string[], store: TrustStore): TrustStore {
  return {
    ...store,
    detect: () => store.detect(),
    check: (r) => store.check(r),
    install: (r) => {
      log.push(`install ${store.id}`);
      return store.install(r);
    },
    uninstall: (r) => {
      log.push(`uninstall ${store.id}`);
      return store.uninstall(r);
    },
  };
}

describe('statusAll / installAll / uninstallAll', () => {
  it('installs everywhere available, idempotently, and reports each store', async () => {
    const system = createMemoryStore({ id: 'system' });
    const nss = createMemoryStore({ id: 'nss' });
    const firefox = createMemoryStore({ id: 'firefox', availability: { available: false, reason: 'no Firefox profile found', hint: 'start Firefox once' } });
    const stores = [system, nss, firefox];

    expect((await statusAll(stores, root)).map((state) => [state.store, state.status])).toEqual([
      ['system', 'not-installed'],
      ['nss', 'not-installed'],
      ['firefox', 'unavailable'],
    ]);
    const installed = await installAll(stores, root);
    expect(installed).toEqual([
      { store: 'system', label: 'system (memory)', status: 'installed', verified: true, detail: 'trusted (in memory)', locations: ['memory'] },
      { store: 'nss', label: 'nss (memory)', status: 'installed', verified: true, detail: 'trusted (in memory)', locations: ['memory'] },
      { store: 'firefox', label: 'firefox (memory)', status: 'unavailable', detail: 'no Firefox profile found', hint: 'start Firefox once' },
    ]);
    await installAll(stores, root);
    expect([system.changes, nss.changes]).toEqual([1, 1]);
    // What the helpers return is what the contract carries.
    for (const state of installed) expect(TrustStateSchema.safeParse(state).success).toBe(true);
  });

  it('only the stores asked for', async () => {
    const system = createMemoryStore({ id: 'system' });
    const nss = createMemoryStore({ id: 'nss' });
    expect(await installAll([system, nss], root, ['nss'])).toHaveLength(1);
    expect([system.trusted.size, nss.trusted.size]).toEqual([0, 1]);
    expect(await uninstallAll([system, nss], root, ['system'])).toHaveLength(1);
    expect(nss.trusted.size).toBe(1);
  });

  it('a failing store becomes an error state; the others still run', async () => {
    const system = createMemoryStore({ id: 'system' });
    const failing = createMemoryStore({ id: 'nss', failInstall: 'certutil: SEC_ERROR_BAD_DATABASE' });
    const states = await installAll([throwingStore(), failing, system], root);
    expect(states).toEqual([
      { store: 'java', label: 'Java', status: 'error', detail: 'boom' },
      { store: 'nss', label: 'nss (memory)', status: 'error', detail: 'certutil: SEC_ERROR_BAD_DATABASE' },
      expect.objectContaining({ store: 'system', status: 'installed' }),
    ]);
    expect(await statusAll([throwingStore()], root)).toEqual([{ store: 'java', label: 'Java', status: 'error', detail: 'boom' }]);
  });

  it('uninstalls browser stores before the system store (TS-8, mkcert order)', async () => {
    const log: string[] = [];
    const stores = (['system', 'java', 'nss', 'firefox'] as const).map((id) => ordered(log, createMemoryStore({ id })));
    await installAll(stores, root);
    await uninstallAll(stores, root);
    expect(log).toEqual(['install system', 'install java', 'install nss', 'install firefox', 'uninstall firefox', 'uninstall nss', 'uninstall java', 'uninstall system']);
  });
});

describe('root helpers', () => {
  it('rootCertFromPem refuses a damaged PEM with E_CA_CORRUPT', () => {
    expect(() => rootCertFromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', '/x/root.pem')).toThrowError(expect.objectContaining({ code: 'E_CA_CORRUPT' }));
  });

  it('names entries "Portico CA <serial>"', () => {
    expect(rootNickname('01AB')).toBe('Portico CA 01AB');
  });
});
