/**
 * The built dashboard, served from one directory. Requests are mapped onto that directory only
 * after decoding and resolving, and the real path of the result (symlinks followed) must still
 * be inside it, so `..`, `%2e%2e`, `%2f`, backslashes and symlinks cannot reach any other file.
 * Static files need no token: the page reads it from the URL fragment, which never reaches us.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { securityHeaders, sendText } from './responses';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

const isInside = (root: string, path: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * The file a URL path names inside `root`, or null when it names nothing we serve: undecodable,
 * NUL or backslash, a dot segment or dotfile, or anything resolving outside `root`.
 */
export function staticPathFor(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  // Dotfiles (.env, .git) are never part of a build; `..` is refused here and by containment below.
  if (relative.split('/').some((segment) => segment.startsWith('.'))) return null;
  const absoluteRoot = resolve(root);
  const target = resolve(absoluteRoot, relative);
  return isInside(absoluteRoot, target) && target !== absoluteRoot ? target : null;
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, urlPath: string): Promise<void> {
  const notFound = () => sendText(res, 404, 'Not found\n');
  const candidate = staticPathFor(root, urlPath);
  if (candidate === null) return notFound();
  let file: string;
  let size: number;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(candidate)]);
    if (!isInside(realRoot, realFile)) return notFound();
    const info = await stat(realFile);
    if (!info.isFile()) return notFound();
    file = realFile;
    size = info.size;
  } catch {
    return notFound();
  }
  res.writeHead(
    200,
    securityHeaders({
      'content-type': contentTypeFor(file),
      'content-length': String(size),
      // Revalidate every time: a rebuilt dashboard must not mix with a cached old one.
      'cache-control': 'no-cache',
    }),
  );
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(file);
  stream.once('error', () => res.destroy());
  res.once('close', () => stream.destroy());
  stream.pipe(res);
}
