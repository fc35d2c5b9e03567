import { describe, expect, it } from 'vitest';
import { httpRedirectTarget, httpsRedirectTarget, redirectToHttp, redirectToHttps, schemeDecision } from '../../../../../main/engine/proxy/passes/redirect';

describe('httpsRedirectTarget', () => {
  const cases = [
    { name: 'default port left out', host: 'web.test', path: '/a?b=1', port: 443, expected: 'https://web.test/a?b=1' },
    { name: 'fallback port kept', host: 'web.test', path: '/a?b=1', port: 8443, expected: 'https://web.test:8443/a?b=1' },
    { name: 'root path', host: 'web.localhost', path: '/', port: 443, expected: 'https://web.localhost/' },
    { name: 'query and encoded characters kept as sent', host: 'web.test', path: '/p%20q?x=%2F&y', port: 443, expected: 'https://web.test/p%20q?x=%2F&y' },
    { name: 'a target that is not a path cannot extend the host', host: 'web.test', path: 'evil.example/x', port: 443, expected: 'https://web.test/evil.example/x' },
    { name: 'a double-slash path stays a path on the same host', host: 'web.test', path: '//evil.example/x', port: 443, expected: 'https://web.test//evil.example/x' },
    { name: 'an IPv6 literal gets brackets', host: '::1', path: '/', port: 8443, expected: 'https://[::1]:8443/' },
  ];
  it.each(cases)('$name', ({ host, path, port, expected }) => {
    expect(httpsRedirectTarget(host, path, port)).toBe(expected);
    // Whatever the target, a browser following it lands on the same host.
    expect(new URL(httpsRedirectTarget(host, path, port)).hostname).toBe(host.includes(':') ? `[${host}]` : host);
  });
});

describe('httpRedirectTarget', () => {
  const cases = [
    { name: 'default port left out', host: 'web.test', path: '/a?b=1', port: 80, expected: 'http://web.test/a?b=1' },
    { name: 'fallback port kept', host: 'web.test', path: '/a?b=1', port: 8080, expected: 'http://web.test:8080/a?b=1' },
    { name: '443 is not the default for http', host: 'web.test', path: '/', port: 443, expected: 'http://web.test:443/' },
  ];
  it.each(cases)('$name', ({ host, path, port, expected }) => {
    expect(httpRedirectTarget(host, path, port)).toBe(expected);
  });
});

describe('redirect responses', () => {
  it('to HTTPS: 307, no-store, and no HSTS over HTTP', () => {
    expect(redirectToHttps('web.test', '/a?b=1', 8443)).toEqual({
      status: 307,
      headers: { location: 'https://web.test:8443/a?b=1', 'cache-control': 'no-store' },
      body: '',
    });
  });

  it('to HTTP: 307, no-store, and max-age=0 to clear the pin', () => {
    expect(redirectToHttp('web.test', '/a', 80)).toEqual({
      status: 307,
      headers: { location: 'http://web.test/a', 'cache-control': 'no-store', 'strict-transport-security': 'max-age=0' },
      body: '',
    });
  });
});

describe('schemeDecision', () => {
  const cases = [
    { name: 'HTTPS project over TLS: proxied', https: true, tls: true, expected: 'proxy' },
    { name: 'HTTPS project over plain HTTP: to https', https: true, tls: false, expected: 'redirect-to-https' },
    { name: 'HTTP project over plain HTTP: proxied', https: false, tls: false, expected: 'proxy' },
    { name: 'HTTP project over TLS: to http', https: false, tls: true, expected: 'redirect-to-http' },
  ] as const;
  it.each(cases)('$name', ({ https, tls, expected }) => {
    expect(schemeDecision(https, tls)).toBe(expected);
  });
});
