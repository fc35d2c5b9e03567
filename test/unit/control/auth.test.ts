import { describe, expect, it } from 'vitest';
import { assertStrongToken, bearerToken, createTokenCheck, generateToken } from '../../../main/control/auth';

const token = 'a'.repeat(32);

describe('bearerToken', () => {
  const table: Array<[string, string | undefined, string | null]> = [
    ['a bearer header', `Bearer ${token}`, token],
    ['a lower-case scheme (schemes are case-insensitive, RFC 9110 §11.1)', `bearer ${token}`, token],
    ['no header', undefined, null],
    ['an empty header', '', null],
    ['Basic credentials', 'Basic dXNlcjpwYXNz', null],
    ['a bare token', token, null],
    ['two tokens', `Bearer ${token} ${token}`, null],
  ];
  it.each(table)('%s', (_case, header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});

describe('createTokenCheck', () => {
  const check = createTokenCheck(token);
  const table: Array<[string, string | undefined, boolean]> = [
    ['the right token', `Bearer ${token}`, true],
    ['no header', undefined, false],
    ['a wrong token of the same length', `Bearer ${'b'.repeat(32)}`, false],
    ['a prefix of the token', `Bearer ${token.slice(0, 31)}`, false],
    ['the token plus a character', `Bearer ${token}a`, false],
    ['an empty bearer', 'Bearer ', false],
  ];
  it.each(table)('%s → %s', (_case, header, accepted) => {
    expect(check(header)).toBe(accepted);
  });
});

describe('tokens', () => {
  it('are 128-bit hex and fresh each time', () => {
    const a = generateToken();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(generateToken()).not.toBe(a);
  });

  const weak: Array<[string, string]> = [
    ['too short', 'abc'],
    ['a space', `${'a'.repeat(30)} b`],
    ['a newline (header injection)', `${'a'.repeat(30)}\nb`],
    ['a fragment delimiter', `${'a'.repeat(30)}&b`],
  ];
  it.each(weak)('a supplied token with %s is refused', (_case, value) => {
    expect(() => assertStrongToken(value)).toThrow(expect.objectContaining({ code: 'E_INVALID_INPUT' }));
  });

  it('a generated token passes the strength check', () => {
    expect(() => assertStrongToken(generateToken())).not.toThrow();
  });
});
