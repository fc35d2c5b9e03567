import { describe, expect, it } from 'vitest';
import { createRequestLog, type RequestRecord } from '../../../../main/engine/proxy/request-log';

function entry(path: string, project: string | null = 'web'): RequestRecord {
  return { startedAt: Date.parse('2026-01-01T00:00:00.000Z'), project, host: 'web.localhost', method: 'GET', path, status: 200, durationMs: 1.5, protocol: 'h2', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' };
}

describe('request log', () => {
  it('assigns increasing ids and keeps entries oldest first', () => {
    const log = createRequestLog(10);
    log.record(entry('/a'));
    log.record(entry('/b'));
    expect(log.recent().map((e) => [e.id, e.path])).toEqual([
      [1, '/a'],
      [2, '/b'],
    ]);
  });

  it('keeps only the newest entries once full', () => {
    const log = createRequestLog(3);
    for (const path of ['/1', '/2', '/3', '/4', '/5']) log.record(entry(path));
    expect(log.size).toBe(3);
    expect(log.recent().map((e) => e.path)).toEqual(['/3', '/4', '/5']);
  });

  it('limits to the newest n and filters by project', () => {
    const log = createRequestLog(10);
    log.record(entry('/a', 'web'));
    log.record(entry('/b', 'api'));
    log.record(entry('/c', 'web'));
    log.record(entry('/d', null));
    expect(log.recent({ limit: 2 }).map((e) => e.path)).toEqual(['/c', '/d']);
    expect(log.recent({ project: 'web' }).map((e) => e.path)).toEqual(['/a', '/c']);
    expect(log.recent({ project: 'web', limit: 1 }).map((e) => e.path)).toEqual(['/c']);
  });

  it('tells subscribers about every entry until they unsubscribe, and survives one that throws', () => {
    const log = createRequestLog(5);
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error('buggy subscriber');
    });
    const stop = log.subscribe((e) => seen.push(e.path));
    log.record(entry('/a'));
    stop();
    log.record(entry('/b'));
    expect(seen).toEqual(['/a']);
    expect(log.size).toBe(2);
  });

  it('gives back every field as recorded, the time in ISO 8601, to readers and subscribers alike', () => {
    const log = createRequestLog(2);
    const seen: unknown[] = [];
    log.subscribe((e) => seen.push(e));
    log.record({ ...entry('/x', null), status: 502, durationMs: 12.3, protocol: 'http/1.1', tlsVersion: null, cipher: null });
    const expected = { id: 1, time: '2026-01-01T00:00:00.000Z', project: null, host: 'web.localhost', method: 'GET', path: '/x', status: 502, durationMs: 12.3, protocol: 'http/1.1', tlsVersion: null, cipher: null };
    expect(log.recent()).toEqual([expected]);
    expect(seen).toEqual([expected]);
  });

  it('keeps its ring consistent past many wraps and with a limit above the capacity', () => {
    const log = createRequestLog(4);
    for (let i = 1; i <= 23; i += 1) log.record({ ...entry(`/${i}`, i % 2 === 0 ? 'even' : 'odd'), status: 200 + i });
    expect(log.recent({ limit: 100 }).map((e) => [e.id, e.path, e.status])).toEqual([
      [20, '/20', 220],
      [21, '/21', 221],
      [22, '/22', 222],
      [23, '/23', 223],
    ]);
    expect(log.recent({ project: 'even' }).map((e) => e.id)).toEqual([20, 22]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => createRequestLog(0)).toThrow(RangeError);
    expect(() => createRequestLog(1.5)).toThrow(RangeError);
  });
});
