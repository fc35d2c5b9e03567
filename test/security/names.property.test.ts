/**
 * Domain validation as a property (security-requirements.md DNS-2): a name is the one input that
 * reaches the hosts file (line-oriented: a newline injects a mapping), a certificate SAN and the
 * route table, so `checkDomain` must never let through anything but LDH ASCII, whatever it is fed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDomain, DEFAULT_SUFFIXES, isPermitted } from '../../shared/names';

const RUNS = { numRuns: 2000 };
const SUFFIXES = [...DEFAULT_SUFFIXES, '.dev.example'];

/** What may come out: optional `*.` then LDH labels (RFC 1123), lower case, ≤ 63 per label, ≤ 253 in all. */
function isCleanDomain(value: string): boolean {
  const host = value.startsWith('*.') ? value.slice(2) : value;
  return host.length <= 253 && host.split('.').every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
}

/** Characters that must never pass, inside a name: line breaks, blanks, comment, controls, URL delimiters. */
const DANGEROUS = ['\n', '\r', '\t', '\v', '\f', ' ', '#', '\0', '\x01', '\x1b', '\x7f', '\u0085', '\u00a0', '\u1680', '\u2028', '\u2029', '\u3000', '\ufeff', '/', '\\', '?', '@', ':', '%'];

const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}[a-z0-9]$|^[a-z0-9]$/);
const plausible = fc.tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.constantFrom('localhost', 'test', 'internal', 'dev.example', 'com')).map(([labels, suffix]) => `${labels.join('.')}.${suffix}`);
/** Anything at all, names that look right, and names that look right with junk around them. */
const anyInput = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '.', '*', 'é', 'ß', '\u00ad', '\u200b', '．', 'ｗ', ...DANGEROUS), maxLength: 40 }),
  plausible,
  fc.tuple(plausible, fc.string({ maxLength: 4 }), plausible).map(([a, junk, b]) => `${a}${junk}${b}`),
  plausible.map((name) => `*.${name}`),
  plausible.map((name) => name.toUpperCase()),
);

describe('checkDomain (properties)', () => {
  it('never throws, and anything it accepts is lower-case LDH ASCII of at most 253 characters', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const checked = checkDomain(input, SUFFIXES);
        if (checked.ok) expect(isCleanDomain(checked.value), JSON.stringify({ input, value: checked.value })).toBe(true);
        else expect(checked.message.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('refuses a name with a line break, blank, #, control character or URL delimiter inside it', () => {
    fc.assert(
      fc.property(plausible, fc.constantFrom(...DANGEROUS), fc.nat(), (name, bad, at) => {
        // Inside the name: leading and trailing whitespace is trimmed by design, so insert strictly within.
        const index = 1 + (at % (name.length - 1));
        const input = `${name.slice(0, index)}${bad}${name.slice(index)}`;
        expect(checkDomain(input, SUFFIXES).ok, JSON.stringify(input)).toBe(false);
      }),
      RUNS,
    );
  });

  it('is idempotent: its output is accepted as it is', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const first = checkDomain(input, SUFFIXES);
        if (!first.ok) return;
        expect(checkDomain(first.value, SUFFIXES)).toEqual(first);
      }),
      RUNS,
    );
  });

  it('accepts only names under a configured suffix, and never a bare suffix', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const checked = checkDomain(input, SUFFIXES);
        if (!checked.ok) return;
        expect(isPermitted(checked.value, SUFFIXES)).toBe(true);
        expect(SUFFIXES.map((suffix) => suffix.replace(/^\./, ''))).not.toContain(checked.value.replace(/^\*\./, ''));
      }),
      RUNS,
    );
  });

  it('ignores ASCII case', () => {
    fc.assert(
      fc.property(plausible, (name) => {
        const lower = checkDomain(name, SUFFIXES);
        const upper = checkDomain(name.toUpperCase(), SUFFIXES);
        expect(upper.ok).toBe(lower.ok);
        if (upper.ok && lower.ok) expect(upper.value).toBe(lower.value);
      }),
      RUNS,
    );
  });

  it.each([
    ['a newline injecting a mapping', 'web.test\n1.2.3.4 bank.example'],
    ['a CR', 'web.test\rbank.example'],
    ['a comment', 'web.test#x'],
    ['a NUL', 'web\0.test'],
    ['a tab', 'web\t.test'],
    ['a line separator', 'web\u2028.test'],
    ['254 characters', `${'a.'.repeat(123)}web.test`],
    ['a 64-character label', `${'a'.repeat(64)}.test`],
    ['an IP literal', '127.0.0.1'],
    ['a second-level wildcard', '*.test'],
    ['an empty label', 'web..test'],
  ])('refuses %s', (_name, input) => {
    expect(checkDomain(input, SUFFIXES).ok).toBe(false);
  });
});
