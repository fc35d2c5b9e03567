import { describe, expect, it } from 'vitest';
import { createRequestGuards } from '../../../main/control/request-guards';

describe('request guards on 127.0.0.1:4000', () => {
  const guards = createRequestGuards('127.0.0.1', 4000);

  const hosts: Array<[string, string | undefined, boolean]> = [
    ['the IPv4 literal', '127.0.0.1:4000', true],
    ['localhost', 'localhost:4000', true],
    ['localhost in capitals', 'LOCALHOST:4000', true],
    ['a missing Host', undefined, false],
    ['an empty Host', '', false],
    ['no port', '127.0.0.1', false],
    ['another port', '127.0.0.1:4001', false],
    ['a port with a leading zero', '127.0.0.1:04000', false],
    ['a rebinding name', 'attacker.example:4000', false],
    ['a wildcard-DNS name for loopback', '127.0.0.1.nip.io:4000', false],
    ['a localhost-prefixed name', 'localhost.attacker.example:4000', false],
    ['a subdomain of localhost', 'evil.localhost:4000', false],
    ['IPv6 loopback when only IPv4 is bound', '[::1]:4000', false],
    ['another loopback address', '127.0.0.2:4000', false],
    ['userinfo', 'user@127.0.0.1:4000', false],
  ];
  it.each(hosts)('Host: %s → %s', (_case, host, allowed) => {
    expect(guards.hostAllowed(host)).toBe(allowed);
  });

  const origins: Array<[string, string | undefined, boolean]> = [
    ['no Origin (CLI, same-origin GET)', undefined, true],
    ['own IPv4 origin', 'http://127.0.0.1:4000', true],
    ['own localhost origin', 'http://localhost:4000', true],
    ['a foreign site', 'https://evil.example', false],
    ['a bare IP origin (CVE-2025-30360)', 'http://1.2.3.4', false],
    ['loopback on another port', 'http://127.0.0.1:5173', false],
    ['https on our port', 'https://127.0.0.1:4000', false],
    ['an opaque origin', 'null', false],
    ['a trailing slash', 'http://127.0.0.1:4000/', false],
  ];
  it.each(origins)('Origin: %s → %s', (_case, origin, allowed) => {
    expect(guards.originAllowed(origin)).toBe(allowed);
  });
});

describe('request guards on [::1]', () => {
  const guards = createRequestGuards('::1', 4000);
  it('accept the bracketed IPv6 literal and localhost, not the IPv4 literal', () => {
    expect(guards.hostAllowed('[::1]:4000')).toBe(true);
    expect(guards.hostAllowed('localhost:4000')).toBe(true);
    expect(guards.hostAllowed('127.0.0.1:4000')).toBe(false);
    expect(guards.originAllowed('http://[::1]:4000')).toBe(true);
  });
});
