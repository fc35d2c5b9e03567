/**
 * Which links the app may hand to the system browser (`shell.openExternal`): only `https:` or
 * `http:` URLs on a managed dev hostname — `*.localhost` and the CA's configured suffixes — so a
 * compromised renderer cannot make the OS open `file:`, `javascript:`, `smb:` or a real website
 * (security-requirements EL-4). The URL is parsed with `new URL()` and its hostname compared label
 * by label; never `startsWith`, which lets `https://example.com.attacker.com` through.
 */
import { DEFAULT_SUFFIXES, isPermitted } from '../../shared/names';

const WEB_SCHEMES = new Set(['https:', 'http:']);

/** The parsed URL when `candidate` may be opened in the browser, else null. */
export function externalUrl(candidate: unknown, suffixes: readonly string[] = DEFAULT_SUFFIXES): URL | null {
  if (typeof candidate !== 'string') return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (!WEB_SCHEMES.has(url.protocol)) return null;
  // `https://user@web.localhost` is a phishing shape and never a project link.
  if (url.username !== '' || url.password !== '') return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === '' || host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host)) return null;
  return isPermitted(host, suffixes) ? url : null;
}

export function externalUrlAllowed(candidate: unknown, suffixes: readonly string[] = DEFAULT_SUFFIXES): boolean {
  return externalUrl(candidate, suffixes) !== null;
}

/** The suffixes links are checked against: the defaults plus the CA's configured ones. */
export function managedSuffixes(configured: readonly string[] = []): string[] {
  return [...new Set([...DEFAULT_SUFFIXES, ...configured])];
}
