import { describe, expect, it } from 'vitest';
import { primaryStores, trustChecks } from '../../../../main/engine/doctor/trust-checks';
import { emptyLedger, withTrust, type LedgerDocument } from '../../../../main/engine/ledger';
import type { LabelledTrustState, RootCert } from '../../../../main/engine/truststore';

const root = { fingerprint256: 'AA', nickname: 'Portico CA 01', serial: '01', certPem: '', certPath: '/r.pem' } as RootCert;

function fakeTrust(states: LabelledTrustState[], ledger: LedgerDocument = emptyLedger(), current: RootCert | null = root) {
  return { status: async () => states, currentRoot: async () => current, ledger: { path: '/l', read: async () => ledger, update: async () => ledger } };
}

describe('primaryStores', () => {
  const cases: [NodeJS.Platform, boolean, string[]][] = [
    ['linux', false, ['nss']],
    ['linux', true, ['nss', 'windows']],
    ['darwin', false, ['macos']],
    ['win32', false, ['windows']],
  ];
  for (const [platform, wsl, stores] of cases) it(`${platform}${wsl ? ' (WSL)' : ''}`, () => expect(primaryStores(platform, wsl)).toEqual(stores));
});

describe('trustChecks', () => {
  const state = (store: LabelledTrustState['store'], status: LabelledTrustState['status'], extra: Partial<LabelledTrustState> = {}): LabelledTrustState => ({ store, label: store, status, detail: 'd', ...extra });
  const cases: { name: string; state: LabelledTrustState; status: string; fix?: RegExp }[] = [
    { name: 'verified', state: state('nss', 'installed', { verified: true }), status: 'ok' },
    { name: 'present but not trusted', state: state('nss', 'installed', { verified: false }), status: 'warn', fix: /trust install --store nss/ },
    { name: 'primary store missing: broken', state: state('nss', 'not-installed'), status: 'fail', fix: /^portico trust install --store nss$/ },
    { name: 'secondary store missing: a warning', state: state('java', 'not-installed'), status: 'warn' },
    { name: 'certutil missing for the browser store: the exact install hint', state: state('nss', 'unavailable', { hint: 'Install NSS tools: `sudo apt install libnss3-tools`' }), status: 'warn', fix: /sudo apt install libnss3-tools/ },
    { name: 'no Firefox profile: nothing to check', state: state('firefox', 'unavailable'), status: 'skip' },
    { name: 'a store error', state: state('system', 'error'), status: 'fail' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const [found] = await trustChecks(fakeTrust([c.state]), {}, ['nss']);
      expect(found).toMatchObject({ id: `trust.${c.state.store}`, status: c.status });
      if (c.fix) expect(found?.fix).toMatch(c.fix);
    });
  }

  it('no CA: one skipped check', async () => {
    expect(await trustChecks(fakeTrust([], emptyLedger(), null), {}, ['nss'])).toEqual([expect.objectContaining({ id: 'trust', status: 'skip' })]);
  });

  it('a rotated-out root still recorded somewhere is a warning', async () => {
    const ledger = withTrust(emptyLedger(), { store: 'nss', fingerprint256: 'OLD', nickname: 'Portico CA 00', serial: '00', certPem: '', certPath: '', locations: [], at: 't' });
    const checks = await trustChecks(fakeTrust([state('nss', 'installed', { verified: true })], ledger), {}, ['nss']);
    expect(checks.at(-1)).toMatchObject({ id: 'trust.older-roots', status: 'warn', detail: expect.stringContaining('Portico CA 00 in nss') });
  });
});
