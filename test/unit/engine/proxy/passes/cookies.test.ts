import { describe, expect, it } from 'vitest';
import { cookiePolicyFor, rewriteSetCookie, rewriteSetCookies } from '../../../../../main/engine/proxy/passes/cookies';

const policy = cookiePolicyFor('http://localhost:5173', true);
const customUpstream = cookiePolicyFor('http://devbox.internal:3000', true);
const ipv6Upstream = cookiePolicyFor('http://[::1]:3000', true);
const secureOff = cookiePolicyFor('http://localhost:5173', false);

describe('rewriteSetCookie', () => {
  const cases: { name: string; input: string; expected: string; cookiePolicy?: typeof policy }[] = [
    { name: 'adds Secure to a bare cookie', input: 'sid=abc', expected: 'sid=abc; Secure' },
    { name: 'adds Secure after the last attribute', input: 'sid=abc; Path=/; HttpOnly', expected: 'sid=abc; Path=/; HttpOnly; Secure' },
    { name: 'keeps an existing Secure (no duplicate)', input: 'sid=abc; Secure; Path=/', expected: 'sid=abc; Secure; Path=/' },
    { name: 'recognizes secure in any case and spacing', input: 'sid=abc;  sEcUrE  ;Path=/', expected: 'sid=abc;  sEcUrE  ;Path=/' },
    { name: 'does not read Secure from the cookie value', input: 'flag=Secure; Path=/', expected: 'flag=Secure; Path=/; Secure' },
    { name: 'does not read an attribute name from the cookie name', input: 'secure=1', expected: 'secure=1; Secure' },
    {
      name: 'keeps a comma in Expires intact',
      input: 'id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/',
      expected: 'id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/; Secure',
    },
    { name: 'keeps = inside the value', input: 'token=a=b==; Path=/', expected: 'token=a=b==; Path=/; Secure' },
    { name: 'keeps a base64 value ending in ==', input: 'jwt=eyJhbGciOi==; HttpOnly', expected: 'jwt=eyJhbGciOi==; HttpOnly; Secure' },
    { name: 'SameSite=None gains Secure', input: 'x=1; SameSite=None', expected: 'x=1; SameSite=None; Secure' },
    { name: 'SameSite=Lax is not changed beyond Secure', input: 'x=1; SameSite=Lax', expected: 'x=1; SameSite=Lax; Secure' },
    { name: 'Partitioned gains Secure', input: 'x=1; Partitioned', expected: 'x=1; Partitioned; Secure' },
    { name: 'trailing semicolon: Secure appended without an empty attribute', input: 'x=1; Path=/;', expected: 'x=1; Path=/; Secure' },
    { name: 'drops Domain=localhost', input: 'x=1; Domain=localhost; Path=/', expected: 'x=1; Path=/; Secure' },
    { name: 'drops Domain=.localhost', input: 'x=1; Path=/; Domain=.localhost', expected: 'x=1; Path=/; Secure' },
    { name: 'drops Domain=LOCALHOST (case)', input: 'x=1; domain=LOCALHOST', expected: 'x=1; Secure' },
    { name: 'drops Domain=127.0.0.1', input: 'x=1; Domain=127.0.0.1; HttpOnly', expected: 'x=1; HttpOnly; Secure' },
    { name: 'drops Domain=::1', input: 'x=1; Domain=::1', expected: 'x=1; Secure' },
    { name: 'drops Domain=[::1]', input: 'x=1; Domain=[::1]', expected: 'x=1; Secure' },
    { name: 'drops a Domain with spaces around it', input: 'x=1;  Domain = localhost ; Path=/', expected: 'x=1; Path=/; Secure' },
    { name: 'keeps Domain of another domain', input: 'x=1; Domain=web.localhost; Path=/', expected: 'x=1; Domain=web.localhost; Path=/; Secure' },
    { name: 'keeps Domain=example.com', input: 'x=1; Domain=example.com', expected: 'x=1; Domain=example.com; Secure' },
    { name: 'keeps an empty Domain (browsers ignore it)', input: 'x=1; Domain=', expected: 'x=1; Domain=; Secure' },
    { name: 'drops every own-host Domain and keeps the others', input: 'x=1; Domain=localhost; Domain=web.localhost; Domain=.127.0.0.1', expected: 'x=1; Domain=web.localhost; Secure' },
    { name: 'drops the configured upstream hostname', input: 'x=1; Domain=.DevBox.internal', expected: 'x=1; Secure', cookiePolicy: customUpstream },
    { name: 'still drops loopback names for a custom upstream', input: 'x=1; Domain=localhost', expected: 'x=1; Secure', cookiePolicy: customUpstream },
    { name: 'IPv6 upstream drops [::1]', input: 'x=1; Domain=[::1]; Secure', expected: 'x=1; Secure', cookiePolicy: ipv6Upstream },
    { name: '__Host- cookie loses an own-host Domain and gains Secure', input: '__Host-sid=1; Path=/; Domain=localhost', expected: '__Host-sid=1; Path=/; Secure' },
    { name: 'already rewritten: unchanged', input: 'x=1; Path=/; Secure', expected: 'x=1; Path=/; Secure' },
    { name: 'secureCookies off: plain cookie untouched', input: 'x=1; Path=/; Domain=localhost', expected: 'x=1; Path=/; Domain=localhost', cookiePolicy: secureOff },
    { name: 'secureCookies off: SameSite=None still gains Secure', input: 'x=1; samesite=none', expected: 'x=1; samesite=none; Secure', cookiePolicy: secureOff },
    { name: 'secureCookies off: Partitioned still gains Secure', input: 'x=1; Partitioned', expected: 'x=1; Partitioned; Secure', cookiePolicy: secureOff },
    { name: 'secureCookies off: __Secure- still gains Secure', input: '__Secure-x=1', expected: '__Secure-x=1; Secure', cookiePolicy: secureOff },
    { name: 'secureCookies off: __host- (any case) still gains Secure', input: '__host-x=1; Path=/', expected: '__host-x=1; Path=/; Secure', cookiePolicy: secureOff },
    { name: 'secureCookies off: SameSite=Strict untouched', input: 'x=1; SameSite=Strict', expected: 'x=1; SameSite=Strict', cookiePolicy: secureOff },
  ];

  it.each(cases)('$name', ({ input, expected, cookiePolicy }) => {
    const used = cookiePolicy ?? policy;
    const once = rewriteSetCookie(input, used);
    expect(once).toBe(expected);
    // Idempotent: rewriting again changes nothing.
    expect(rewriteSetCookie(once, used)).toBe(once);
  });

  it('returns the very same string when nothing changes', () => {
    const input = 'x=1; Secure';
    expect(rewriteSetCookie(input, policy)).toBe(input);
  });
});

describe('rewriteSetCookies', () => {
  it('rewrites each Set-Cookie on its own and counts the changed ones', () => {
    const input = ['a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 'b=2; Secure', 'c=3; Domain=localhost; Secure'];
    const result = rewriteSetCookies(input, policy);
    expect(result.cookies).toEqual(['a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure', 'b=2; Secure', 'c=3; Secure']);
    expect(result.changed).toBe(2);
    expect(input[0]).toBe('a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
    for (const cookie of result.cookies) expect(cookie.match(/;\s*secure/gi)).toHaveLength(1);
  });

  it('returns the input array itself when nothing changes', () => {
    const input = ['a=1; Secure', 'b=2; Secure; HttpOnly'];
    const result = rewriteSetCookies(input, policy);
    expect(result.cookies).toBe(input);
    expect(result.changed).toBe(0);
  });

  it('accepts a single string and nothing at all', () => {
    expect(rewriteSetCookies('a=1', policy)).toEqual({ cookies: ['a=1; Secure'], changed: 1 });
    expect(rewriteSetCookies(undefined, policy)).toEqual({ cookies: [], changed: 0 });
  });

  it('is idempotent over a whole header', () => {
    const once = rewriteSetCookies(['a=1; Domain=.localhost', 'b=2; SameSite=None'], policy);
    const twice = rewriteSetCookies(once.cookies, policy);
    expect(twice.cookies).toEqual(once.cookies);
    expect(twice.changed).toBe(0);
  });
});
