import { describe, expect, it } from 'vitest';
import { filterEntries, mergeEntries, summarizeConnections } from '../../../renderer/state/request-log';
import { makeRequest } from '../helpers/fixtures';

const ids = (entries: readonly { id: number }[]) => entries.map((entry) => entry.id);

describe('mergeEntries', () => {
  const cases = [
    { name: 'newest first', current: [1, 2], incoming: [3], limit: 10, expected: [3, 2, 1] },
    { name: 'an id seen twice is kept once', current: [3, 2], incoming: [2, 4], limit: 10, expected: [4, 3, 2] },
    { name: 'an older answer arriving late slots in by id', current: [9, 8], incoming: [1, 2, 3], limit: 10, expected: [9, 8, 3, 2, 1] },
    { name: 'bounded to the limit, dropping the oldest', current: [1, 2, 3], incoming: [4, 5], limit: 3, expected: [5, 4, 3] },
  ];
  for (const { name, current, incoming, limit, expected } of cases) {
    it(name, () => {
      const merged = mergeEntries(
        current.map((id) => makeRequest({ id })),
        incoming.map((id) => makeRequest({ id })),
        limit,
      );
      expect(ids(merged)).toEqual(expected);
    });
  }
});

describe('filterEntries', () => {
  const entries = [makeRequest({ id: 3, project: 'api' }), makeRequest({ id: 2, project: null, host: 'nope.localhost' }), makeRequest({ id: 1, project: 'web' })];
  const cases = [
    { name: 'all', filter: { kind: 'all' } as const, expected: [3, 2, 1] },
    { name: 'one project', filter: { kind: 'project', name: 'web' } as const, expected: [1] },
    { name: 'unknown hosts', filter: { kind: 'unknown-host' } as const, expected: [2] },
    { name: 'a project with no requests', filter: { kind: 'project', name: 'docs' } as const, expected: [] },
  ];
  for (const { name, filter, expected } of cases) {
    it(name, () => expect(ids(filterEntries(entries, filter))).toEqual(expected));
  }
});

describe('summarizeConnections', () => {
  it("groups one project's requests by protocol, TLS version and cipher, most used first", () => {
    const entries = [
      makeRequest({ project: 'web', protocol: 'http/1.1', tlsVersion: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' }),
      makeRequest({ project: 'web' }),
      makeRequest({ project: 'web' }),
      makeRequest({ project: 'web', protocol: 'http/1.1', tlsVersion: null, cipher: null }),
      makeRequest({ project: 'api' }),
    ];
    expect(summarizeConnections(entries, 'web')).toEqual([
      { protocol: 'h2', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', count: 2 },
      { protocol: 'http/1.1', tlsVersion: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', count: 1 },
      { protocol: 'http/1.1', tlsVersion: null, cipher: null, count: 1 },
    ]);
  });
});
