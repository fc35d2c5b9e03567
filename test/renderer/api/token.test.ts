import { describe, expect, it } from 'vitest';
import type { TokenEnvironment } from '../../../renderer/api/token';
import { takeToken, tokenFromHash } from '../../../renderer/api/token';

const TOKEN = '0123456789abcdef0123456789abcdef';

function environment(hash: string, stored: string | null = null, { storageThrows = false } = {}) {
  const saved = new Map<string, string>();
  if (stored !== null) saved.set('portico.token', stored);
  const replaced: string[] = [];
  const env: TokenEnvironment = {
    location: { hash, pathname: '/', search: '?view=1' },
    history: { state: null, replaceState: (_state: unknown, _title: string, url?: string | URL | null) => void replaced.push(String(url)) },
    storage: {
      getItem: (key) => {
        if (storageThrows) throw new Error('SecurityError');
        return saved.get(key) ?? null;
      },
      setItem: (key, value) => {
        if (storageThrows) throw new Error('SecurityError');
        saved.set(key, value);
      },
    },
  };
  return { env, saved, replaced };
}

describe('tokenFromHash', () => {
  const cases: Array<{ name: string; hash: string; token: string | null }> = [
    { name: 'a hex token', hash: `#token=${TOKEN}`, token: TOKEN },
    { name: 'without the leading #', hash: `token=${TOKEN}`, token: TOKEN },
    { name: 'among other parameters', hash: `#x=1&token=${TOKEN}`, token: TOKEN },
    { name: 'no token', hash: '#main', token: null },
    { name: 'too short', hash: '#token=abc', token: null },
    { name: 'a header-injection attempt', hash: `#token=${TOKEN}%0d%0aX-Evil:%201`, token: null },
  ];
  for (const { name, hash, token } of cases) {
    it(name, () => expect(tokenFromHash(hash)).toBe(token));
  }
});

describe('takeToken', () => {
  it('takes the token from the fragment, stores it, and clears the fragment', () => {
    const { env, saved, replaced } = environment(`#token=${TOKEN}`);
    expect(takeToken(env)).toBe(TOKEN);
    expect(saved.get('portico.token')).toBe(TOKEN);
    expect(replaced).toEqual(['/?view=1']);
  });

  it('falls back to the stored token after a reload (no fragment)', () => {
    const { env, replaced } = environment('', TOKEN);
    expect(takeToken(env)).toBe(TOKEN);
    expect(replaced).toEqual([]);
  });

  it('clears a malformed token from the address bar and keeps the stored one', () => {
    const { env, replaced } = environment('#token=nope', TOKEN);
    expect(takeToken(env)).toBe(TOKEN);
    expect(replaced).toEqual(['/?view=1']);
  });

  it('returns null when there is no token anywhere', () => {
    expect(takeToken(environment('').env)).toBeNull();
  });

  it('still works when storage is refused', () => {
    const { env } = environment(`#token=${TOKEN}`, null, { storageThrows: true });
    expect(takeToken(env)).toBe(TOKEN);
    expect(takeToken(environment('', null, { storageThrows: true }).env)).toBeNull();
  });
});
