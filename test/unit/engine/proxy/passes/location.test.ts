import { describe, expect, it } from 'vitest';
import { ownOriginPattern, publicOrigin, rewriteLocation } from '../../../../../main/engine/proxy/passes/location';

const VITE = 'http://localhost:5173';
const HTTPS_ORIGIN = 'https://web.test';

describe('rewriteLocation', () => {
  const cases: { name: string; location: string; upstream?: string; origin?: string; expected: string }[] = [
    { name: '127.0.0.1 on the upstream port', location: 'http://127.0.0.1:5173/x', expected: 'https://web.test/x' },
    { name: 'localhost on the upstream port', location: 'http://localhost:5173/x?y=1#z', expected: 'https://web.test/x?y=1#z' },
    { name: '[::1] on the upstream port', location: 'http://[::1]:5173/login', expected: 'https://web.test/login' },
    { name: 'upper-case scheme and host', location: 'HTTP://LOCALHOST:5173/x', expected: 'https://web.test/x' },
    { name: 'origin only gets a slash', location: 'http://localhost:5173', expected: 'https://web.test/' },
    { name: 'origin then a query', location: 'http://localhost:5173?next=1', expected: 'https://web.test?next=1' },
    { name: 'https with the upstream port (app trusting X-Forwarded-Proto)', location: 'https://localhost:5173/x', expected: 'https://web.test/x' },
    { name: 'public origin with a port', location: 'http://localhost:5173/x', origin: 'https://web.test:8443', expected: 'https://web.test:8443/x' },
    { name: 'HTTPS-off project: http origin', location: 'http://127.0.0.1:5173/x', origin: 'http://web.test:8080', expected: 'http://web.test:8080/x' },
    { name: 'configured non-loopback upstream host', location: 'http://devbox.internal:3000/a', upstream: 'http://devbox.internal:3000', expected: 'https://web.test/a' },
    { name: 'loopback names match a 127.0.0.1 upstream too', location: 'http://localhost:3000/a', upstream: 'http://127.0.0.1:3000', expected: 'https://web.test/a' },
    { name: 'default-port upstream: no port in Location', location: 'http://localhost/a', upstream: 'http://localhost', expected: 'https://web.test/a' },
    { name: 'default-port upstream: explicit :80', location: 'http://localhost:80/a', upstream: 'http://localhost', expected: 'https://web.test/a' },
    { name: 'relative path untouched', location: '/login?next=/', expected: '/login?next=/' },
    { name: 'relative without slash untouched', location: 'login', expected: 'login' },
    { name: 'scheme-relative untouched', location: '//localhost:5173/x', expected: '//localhost:5173/x' },
    { name: 'other port untouched', location: 'http://localhost:3000/x', expected: 'http://localhost:3000/x' },
    { name: 'port prefix is not a match (51730)', location: 'http://localhost:51730/x', expected: 'http://localhost:51730/x' },
    { name: 'host prefix is not a match (localhost.evil)', location: 'http://localhost.evil.example:5173/x', expected: 'http://localhost.evil.example:5173/x' },
    { name: 'userinfo trick is not a match', location: 'http://localhost:5173@evil.example/x', expected: 'http://localhost:5173@evil.example/x' },
    { name: 'other origin untouched', location: 'https://accounts.example.com/o/oauth2', expected: 'https://accounts.example.com/o/oauth2' },
    { name: 'default-port upstream: https on 443 is another origin', location: 'https://localhost/a', upstream: 'http://localhost', expected: 'https://localhost/a' },
    { name: 'already public untouched', location: 'https://web.test/x', expected: 'https://web.test/x' },
  ];

  it.each(cases)('$name', ({ location, upstream, origin, expected }) => {
    const pattern = ownOriginPattern(upstream ?? VITE);
    expect(rewriteLocation(location, pattern, origin ?? HTTPS_ORIGIN)).toBe(expected);
  });
});

describe('publicOrigin', () => {
  const cases = [
    { name: 'https default port', secure: true, port: 443, expected: 'https://web.test' },
    { name: 'https fallback port', secure: true, port: 8443, expected: 'https://web.test:8443' },
    { name: 'http default port', secure: false, port: 80, expected: 'http://web.test' },
    { name: 'http fallback port', secure: false, port: 8080, expected: 'http://web.test:8080' },
  ];
  it.each(cases)('$name', ({ secure, port, expected }) => {
    expect(publicOrigin(secure, 'web.test', port)).toBe(expected);
  });
});
