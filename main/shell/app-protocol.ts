/**
 * The `app://portico/` protocol that serves the built dashboard (`dist/renderer/`) to the window
 * (security-requirements EL-3: never `file://`, never a dev server or remote URL in production).
 *
 * A request is mapped into the renderer directory only after decoding, and refused (404) when it
 * has another host, a NUL or backslash, a dot segment or dotfile, or resolves — symlinks followed —
 * outside that directory. Every answer carries the CSP of EL-2 as a header, which also covers
 * documents that lack the `<meta>` tag.
 *
 * Pure Web `Request` → `Response` (Node 20 has both), so it runs under vitest; `main.ts` hands it
 * to Electron's `protocol.handle`.
 */
import type { CustomScheme } from 'electron';
import { readFile, realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { DASHBOARD_CSP } from '../../shared/dashboard-policy';
import { contentTypeFor } from '../control/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'portico';
/** The window's origin: what IPC sender checks and navigation guards compare against. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered before `ready` (protocol.registerSchemesAsPrivileged). `standard` gives the scheme
 * an origin and relative URLs; `secure` makes it a secure context like https. Deliberately not
 * `bypassCSP`, `corsEnabled`, `allowServiceWorkers` or `stream`.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** EL-2's policy, the same as the control API sends (shared/dashboard-policy.ts). */
export const CONTENT_SECURITY_POLICY = DASHBOARD_CSP;

/** Content types of the built dashboard's files, shared with the control API's static files. */
export const appContentType = contentTypeFor;

const inside = (root: string, path: string) => path.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * The file `url` names inside `root`, or null for anything that is not a plain path to a file
 * in it. Lexical only; the handler re-checks after following symlinks.
 */
export function appFilePath(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded.replace(/^\/+/, '') || 'index.html';
  // `..` and `.` segments, and dotfiles (.env, .git), are never part of a build.
  if (relative.split('/').some((segment) => segment.startsWith('.'))) return null;
  const absoluteRoot = resolve(root);
  const target = resolve(absoluteRoot, relative);
  return inside(absoluteRoot, target) ? target : null;
}

/** Headers every answer carries. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    // A rebuilt dashboard must not mix with cached files of the old one.
    'cache-control': 'no-cache',
  };
}

function notFound(): Response {
  return new Response('Not found\n', { status: 404, headers: appResponseHeaders('text/plain; charset=utf-8') });
}

/** The `protocol.handle` callback for `app://`, serving files under `root`. */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed\n', { status: 405, headers: { ...appResponseHeaders('text/plain; charset=utf-8'), allow: 'GET, HEAD' } });
    }
    const candidate = appFilePath(root, request.url);
    if (candidate === null) return notFound();
    try {
      const [realRoot, realFile] = await Promise.all([realpath(root), realpath(candidate)]);
      if (!inside(realRoot, realFile) || !(await stat(realFile)).isFile()) return notFound();
      const body = request.method === 'HEAD' ? null : await readFile(realFile);
      return new Response(body, { status: 200, headers: appResponseHeaders(appContentType(realFile)) });
    } catch {
      return notFound();
    }
  };
}
