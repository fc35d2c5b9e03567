import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineParts, type EngineParts } from '../../../../main/engine';
import { caCheck, nodeCheck } from '../../../../main/engine/doctor/ca-checks';

let dir: string;
let parts: EngineParts;
let notAfter: number;
let notBefore: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-doctor-ca-'));
  parts = createEngineParts({ dataDir: join(dir, 'data') });
  const { ca } = await parts.ca.get();
  const cert = new X509Certificate(ca.certPem);
  notAfter = Date.parse(cert.validTo);
  notBefore = Date.parse(cert.validFrom);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const DAY = 86_400_000;

describe('caCheck', () => {
  const cases: { name: string; at: () => number; status: string; detail: RegExp }[] = [
    { name: 'valid', at: () => notBefore + DAY, status: 'ok', detail: /valid until .* \(\d+ days\)/ },
    { name: 'expiring within 30 days', at: () => notAfter - 10 * DAY, status: 'warn', detail: /expires in (9|10) days/ },
    { name: 'expired', at: () => notAfter + DAY, status: 'fail', detail: /expired on/ },
    { name: 'not valid yet (clock behind)', at: () => notBefore - DAY, status: 'fail', detail: /is the clock right/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      expect(await caCheck(parts.paths, {}, new Date(c.at()))).toMatchObject({ id: 'ca', status: c.status, detail: expect.stringMatching(c.detail) });
    });
  }
  it('missing CA and missing key fail with a fix', async () => {
    const empty = createEngineParts({ dataDir: join(dir, 'empty') }).paths;
    expect(await caCheck(empty, {}, new Date())).toMatchObject({ status: 'fail', fix: expect.stringContaining('portico trust install') });
    expect(await caCheck({ ...parts.paths, caKey: join(dir, 'nope.pem') }, {}, new Date())).toMatchObject({ status: 'fail', detail: expect.stringMatching(/key .* is missing/) });
  });
});

describe('nodeCheck', () => {
  const cases: { name: string; env: Record<string, string>; status: string }[] = [
    { name: 'pointing at the root', env: { NODE_EXTRA_CA_CERTS: '' }, status: 'ok' },
    { name: 'another bundle', env: { NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' }, status: 'warn' },
    { name: 'unset', env: {}, status: 'warn' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const env = c.env.NODE_EXTRA_CA_CERTS === '' ? { NODE_EXTRA_CA_CERTS: parts.paths.caCert } : c.env;
      expect(nodeCheck(parts.paths, env, true).status).toBe(c.status);
    });
  }
  it('skipped without a CA', () => expect(nodeCheck(parts.paths, {}, false).status).toBe('skip'));
});
