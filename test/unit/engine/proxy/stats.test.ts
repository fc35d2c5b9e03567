import { describe, expect, it } from 'vitest';
import { createProxyStats } from '../../../../main/engine/proxy/stats';

describe('proxy stats', () => {
  it('counts per project and hands out copies', () => {
    const stats = createProxyStats();
    stats.countRequest('web');
    stats.countRequest('web');
    stats.countCookiesRewritten('web', 3);
    stats.countCookiesRewritten('web', 0);
    stats.countUpstreamError('api');
    expect(stats.project('web')).toEqual({ requests: 2, cookiesRewritten: 3, upstreamErrors: 0 });
    expect(stats.project('none')).toEqual({ requests: 0, cookiesRewritten: 0, upstreamErrors: 0 });
    const snapshot = stats.snapshot();
    expect(snapshot).toEqual({ web: { requests: 2, cookiesRewritten: 3, upstreamErrors: 0 }, api: { requests: 0, cookiesRewritten: 0, upstreamErrors: 1 } });
    snapshot.web!.requests = 99;
    stats.project('web').requests = 99;
    expect(stats.project('web').requests).toBe(2);
  });
});
