import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cookiePolicyFor, rewriteSetCookie } from '../../../../../main/engine/proxy/passes/cookies';

const policy = cookiePolicyFor('http://localhost:5173', true);
const OWN_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

const spacing = fc.constantFrom('', ' ', '  ', '\t');
const caseOf = (word: string) => fc.constantFrom(word, word.toLowerCase(), word.toUpperCase());
const domainValue = fc.constantFrom('localhost', '.localhost', 'LOCALHOST', '127.0.0.1', '.127.0.0.1', '::1', '[::1]', 'web.localhost', '.web.localhost', 'example.com', '');
const day = fc.constantFrom('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun');

const attribute = fc.oneof(
  fc.tuple(caseOf('Secure'), spacing).map(([name, space]) => `${name}${space}`),
  fc.tuple(caseOf('Domain'), spacing, domainValue).map(([name, space, value]) => `${name}${space}=${space}${value}`),
  fc.tuple(caseOf('Path'), fc.stringMatching(/^\/[a-z0-9/]{0,8}$/)).map(([name, path]) => `${name}=${path}`),
  fc.tuple(day, fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1970, max: 2100 })).map(([d, n, y]) => `Expires=${d}, ${String(n).padStart(2, '0')} Oct ${y} 07:28:00 GMT`),
  fc.integer({ min: -1, max: 1e6 }).map((n) => `Max-Age=${n}`),
  caseOf('HttpOnly'),
  fc.tuple(caseOf('SameSite'), fc.constantFrom('Lax', 'Strict', 'None', 'none')).map(([name, value]) => `${name}=${value}`),
  caseOf('Partitioned'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,6}=[A-Za-z0-9=]{0,6}$/),
);

const cookie = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9_!#$%&'*+.^`|~-]{1,12}$/),
    fc.stringMatching(/^[A-Za-z0-9=+/._~!-]{0,24}$/),
    fc.array(fc.tuple(spacing, attribute), { maxLength: 8 }),
  )
  .map(([name, value, attributes]) => `${name}=${value}${attributes.map(([space, text]) => `;${space}${text}`).join('')}`);

function segments(value: string): { pair: string; attributes: string[] } {
  const [pair = '', ...attributes] = value.split(';');
  return { pair, attributes: attributes.filter((text) => text.trim() !== '') };
}

function attributeName(text: string): string {
  const equals = text.indexOf('=');
  return (equals === -1 ? text : text.slice(0, equals)).trim().toLowerCase();
}

function isOwnDomain(text: string): boolean {
  if (attributeName(text) !== 'domain') return false;
  const value = text.slice(text.indexOf('=') + 1).trim().toLowerCase().replace(/^\./, '').replace(/^\[(.*)\]$/, '$1');
  return OWN_HOSTS.has(value);
}

const isSecure = (text: string) => attributeName(text) === 'secure';

describe('rewriteSetCookie (properties)', () => {
  it('keeps the name=value pair and every attribute but Secure and own-host Domain, byte for byte and in order', () => {
    fc.assert(
      fc.property(cookie, (input) => {
        const output = rewriteSetCookie(input, policy);
        const before = segments(input);
        const after = segments(output);
        expect(after.pair).toBe(before.pair);
        const kept = (list: string[]) => list.filter((text) => !isSecure(text) && !isOwnDomain(text));
        expect(kept(after.attributes)).toEqual(kept(before.attributes));
      }),
      { numRuns: 2000 },
    );
  });

  it('always ends with Secure, never adds a second one, and leaves no own-host Domain', () => {
    fc.assert(
      fc.property(cookie, (input) => {
        const output = rewriteSetCookie(input, policy);
        const secureBefore = segments(input).attributes.filter(isSecure).length;
        const secureAfter = segments(output).attributes.filter(isSecure).length;
        expect(secureAfter).toBe(Math.max(secureBefore, 1));
        expect(segments(output).attributes.some(isOwnDomain)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(cookie, (input) => {
        const once = rewriteSetCookie(input, policy);
        expect(rewriteSetCookie(once, policy)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
});
