/**
 * The control API token. `portico serve` prints a URL with the token in the fragment
 * (`#token=<hex>`): a fragment never reaches a server or a Referer header. The dashboard reads
 * it once, removes it from the address bar (so it is not bookmarked, shared in a screenshot or
 * kept in history) and keeps it in sessionStorage so a reload of the same tab still works
 * (security-requirements API-5: the token travels only in an Authorization header).
 */

const STORAGE_KEY = 'portico.token';
// Tokens are hex from the engine; allowing only URL-safe characters also keeps CR/LF out of the header.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,512}$/;

export interface TokenEnvironment {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  /** Null when the browser refuses storage (some private modes). */
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
}

/** The token in a `#token=…` fragment, or null. */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token !== null && TOKEN_PATTERN.test(token) ? token : null;
}

function readStored(storage: TokenEnvironment['storage']): string | null {
  try {
    const stored = storage?.getItem(STORAGE_KEY) ?? null;
    return stored !== null && TOKEN_PATTERN.test(stored) ? stored : null;
  } catch {
    return null;
  }
}

/**
 * Takes the token from the fragment (storing it and clearing the fragment) or, when the URL has
 * none, from this tab's storage. Null when neither has one.
 */
export function takeToken(env: TokenEnvironment): string | null {
  const hasTokenParam = new URLSearchParams(env.location.hash.replace(/^#/, '')).has('token');
  if (!hasTokenParam) return readStored(env.storage);
  const token = tokenFromHash(env.location.hash);
  // Strip the fragment even when the token is malformed: a secret-looking value never stays in the address bar.
  env.history.replaceState(env.history.state, '', `${env.location.pathname}${env.location.search}`);
  if (token === null) return readStored(env.storage);
  try {
    env.storage?.setItem(STORAGE_KEY, token);
  } catch {
    // Storage refused: the token still works until the tab is reloaded.
  }
  return token;
}
