import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPorticoError } from '../../../main/engine/errors';
import {
  createLedger,
  emptyLedger,
  isLedgerEmpty,
  parseLedger,
  withHosts,
  withoutHosts,
  withoutPort,
  withoutTrust,
  withPort,
  withTrust,
  type TrustReceipt,
} from '../../../main/engine/ledger';

const receipt = (store: TrustReceipt['store'], fingerprint256: string, locations: string[] = []): TrustReceipt => ({
  store,
  fingerprint256,
  nickname: `Portico CA ${fingerprint256}`,
  serial: fingerprint256,
  certPem: 'PEM',
  certPath: '/data/ca/root.pem',
  locations,
  at: '2026-01-01T00:00:00.000Z',
});

describe('ledger documents (pure)', () => {
  it('replaces a receipt for the same store and root, keeps others, removes exactly one', () => {
    let doc = withTrust(emptyLedger(), receipt('nss', 'AA', ['/old']));
    doc = withTrust(doc, receipt('nss', 'AA', ['/new']));
    doc = withTrust(doc, receipt('nss', 'BB'));
    doc = withTrust(doc, receipt('system', 'AA'));
    expect(doc.trust.map((r) => `${r.store}:${r.fingerprint256}:${r.locations.join()}`)).toEqual(['nss:AA:/new', 'nss:BB:', 'system:AA:']);
    expect(withoutTrust(doc, 'nss', 'AA').trust.map((r) => `${r.store}:${r.fingerprint256}`)).toEqual(['nss:BB', 'system:AA']);
  });

  it('keys hosts receipts by path and port receipts by method', () => {
    let doc = withHosts(emptyLedger(), { path: '/etc/hosts', names: ['a.test'], includeLocalhost: false, at: 't' });
    doc = withHosts(doc, { path: '/etc/hosts', names: ['b.test'], includeLocalhost: true, at: 't' });
    doc = withPort(doc, { method: 'sysctl', description: 'd', undo: [['rm', '-f', 'x']], at: 't' });
    expect(doc.hosts).toEqual([{ path: '/etc/hosts', names: ['b.test'], includeLocalhost: true, at: 't' }]);
    expect(isLedgerEmpty(doc)).toBe(false);
    expect(isLedgerEmpty(withoutPort(withoutHosts(doc, '/etc/hosts'), 'sysctl'))).toBe(true);
  });
});

describe('parseLedger', () => {
  const valid = JSON.stringify({ ...emptyLedger(), trust: [receipt('nss', 'AA')] });
  const cases: { name: string; text: string; code?: string; trust?: number }[] = [
    { name: 'a valid ledger', text: valid, trust: 1 },
    { name: 'missing lists default to empty', text: '{"version":1}', trust: 0 },
    { name: 'not JSON', text: '{"version":1,', code: 'E_CONFIG_CORRUPT' },
    { name: 'not an object', text: '[]', code: 'E_CONFIG_CORRUPT' },
    { name: 'no version', text: '{"trust":[]}', code: 'E_CONFIG_CORRUPT' },
    { name: 'a newer version', text: '{"version":2}', code: 'E_CONFIG_TOO_NEW' },
    { name: 'an unknown store', text: JSON.stringify({ version: 1, trust: [{ ...receipt('nss', 'AA'), store: 'keychain' }] }), code: 'E_CONFIG_CORRUPT' },
    { name: 'a malformed port undo', text: JSON.stringify({ version: 1, ports: [{ method: 'sysctl', description: 'd', undo: ['rm'], at: 't' }] }), code: 'E_CONFIG_CORRUPT' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.code) {
        let caught: unknown;
        try {
          parseLedger(c.text, '/data/ledger.json');
        } catch (error) {
          caught = error;
        }
        expect(isPorticoError(caught, c.code as 'E_CONFIG_CORRUPT')).toBe(true);
        expect((caught as Error).message).toContain('/data/ledger.json');
      } else {
        expect(parseLedger(c.text, '/data/ledger.json').trust).toHaveLength(c.trust ?? 0);
      }
    });
  }
});

describe('createLedger on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-ledger-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads as empty before the first write, then writes 0600 JSON atomically', async () => {
    const ledger = createLedger(join(dir, 'data', 'ledger.json'));
    expect(await ledger.read()).toEqual(emptyLedger());
    await ledger.update((doc) => withTrust(doc, receipt('nss', 'AA')));
    expect((await stat(ledger.path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(ledger.path, 'utf8')).trust).toHaveLength(1);
  });

  it('loses no update when many writers run at once', async () => {
    const ledger = createLedger(join(dir, 'ledger.json'));
    await Promise.all(Array.from({ length: 12 }, (_, i) => ledger.update((doc) => withTrust(doc, receipt('nss', `F${i}`)))));
    expect((await ledger.read()).trust).toHaveLength(12);
  });

  it('refuses to overwrite a damaged ledger', async () => {
    const path = join(dir, 'ledger.json');
    await writeFile(path, 'not json');
    const ledger = createLedger(path);
    await expect(ledger.update((doc) => doc)).rejects.toMatchObject({ code: 'E_CONFIG_CORRUPT' });
    expect(await readFile(path, 'utf8')).toBe('not json');
  });
});
