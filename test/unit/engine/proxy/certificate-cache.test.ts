import { beforeAll, describe, expect, it } from 'vitest';
import type { IssuedLeaf } from '../../../../main/engine/pki';
import { createCertificateCache, type SourcedCertificate } from '../../../../main/engine/proxy/certificate-cache';
import type { Route } from '../../../../main/engine/proxy/router';
import { createTestCa, issueTestLeaf } from '../../../helpers/test-certs';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
let leaf: IssuedLeaf;

beforeAll(async () => {
  leaf = await issueTestLeaf(await createTestCa(), ['web.localhost']);
});

const route = (domains = ['web.localhost']): Route => ({ project: 'web', domains, upstream: 'http://localhost:5173', https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', enabled: true });

/** A source whose certificates live 90 days from the clock's current value, counting its calls. */
function harness(behaviour: 'ok' | 'null' | 'fail' = 'ok') {
  let clock = T0;
  const calls: string[][] = [];
  const errors: unknown[] = [];
  let mode = behaviour;
  let settled: Promise<unknown> = Promise.resolve();
  const cache = createCertificateCache({
    now: () => clock,
    onError: (_route, error) => errors.push(error),
    source: {
      ensure: (r) => {
        calls.push([...r.domains]);
        const result = new Promise<SourcedCertificate | null>((resolve, reject) => {
          setImmediate(() => {
            if (mode === 'fail') reject(new Error('CA locked'));
            else resolve(mode === 'null' ? null : { ...leaf, info: { notBefore: new Date(clock).toISOString(), notAfter: new Date(clock + 90 * DAY).toISOString() } });
          });
        });
        settled = result.catch(() => undefined);
        return result;
      },
    },
  });
  return {
    cache,
    calls,
    errors,
    get: (r = route()) => cache.secureContextFor('web.localhost', r),
    at: (ms: number) => (clock = ms),
    mode: (next: typeof behaviour) => (mode = next),
    /** Waits for the last source call to finish, and for the cache to take its answer. */
    settled: async () => {
      await settled;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('certificate cache', () => {
  it('builds a context once and serves it from the cache', async () => {
    const h = harness();
    const first = await h.get();
    expect(first).not.toBeNull();
    expect(await h.get()).toBe(first);
    expect(h.calls).toHaveLength(1);
  });

  it('shares one source call between concurrent handshakes', async () => {
    const h = harness();
    const contexts = await Promise.all(Array.from({ length: 10 }, () => h.get()));
    expect(new Set(contexts).size).toBe(1);
    expect(h.calls).toHaveLength(1);
  });

  it('renews behind the handshake once due (a third of the lifetime left), serving the current one meanwhile', async () => {
    const h = harness();
    const first = await h.get();
    h.at(T0 + 61 * DAY);
    expect(await h.get()).toBe(first);
    expect(h.calls).toHaveLength(2);
    await h.settled();
    const renewed = await h.get();
    expect(renewed).not.toBe(first);
    expect(h.calls).toHaveLength(2);
  });

  it('never serves an expired certificate: the handshake waits for the new one', async () => {
    const h = harness();
    const first = await h.get();
    h.at(T0 + 91 * DAY);
    const next = await h.get();
    expect(next).not.toBe(first);
    expect(h.calls).toHaveLength(2);
  });

  it('asks again when the route’s domains change', async () => {
    const h = harness();
    await h.get();
    await h.get(route(['web.localhost', 'api.web.localhost']));
    expect(h.calls).toEqual([['web.localhost'], ['web.localhost', 'api.web.localhost']]);
  });

  it('keeps serving a still-valid certificate when renewal fails, and reports the failure', async () => {
    const h = harness();
    const first = await h.get();
    h.mode('fail');
    h.at(T0 + 61 * DAY);
    expect(await h.get()).toBe(first);
    await h.settled();
    expect(h.errors).toHaveLength(1);
    expect(await h.get()).toBe(first);
  });

  it('fails the handshake when there is no valid certificate and none can be had', async () => {
    const failing = harness('fail');
    expect(await failing.get()).toBeNull();
    expect(failing.errors).toHaveLength(1);
    const none = harness('null');
    expect(await none.get()).toBeNull();
    expect(none.errors).toHaveLength(0);
  });

  it('has nothing for a name no route maps to', async () => {
    const h = harness();
    expect(await h.cache.secureContextFor('typo.localhost', null)).toBeNull();
    expect(h.calls).toHaveLength(0);
  });

  it('invalidate makes the next handshake ask the source again', async () => {
    const h = harness();
    await h.get();
    h.cache.invalidate('web');
    await h.get();
    h.cache.invalidate();
    await h.get();
    expect(h.calls).toHaveLength(3);
  });
});
