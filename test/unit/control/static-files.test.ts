import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, staticPathFor } from '../../../main/control/static-files';

const root = resolve('/srv/dashboard');

describe('staticPathFor', () => {
  const served: Array<[string, string, string]> = [
    ['the root', '/', 'index.html'],
    ['a file', '/app.js', 'app.js'],
    ['a nested file', '/assets/index-abc.css', join('assets', 'index-abc.css')],
    ['an encoded space', '/my%20file.txt', 'my file.txt'],
  ];
  it.each(served)('%s maps inside the root', (_case, url, relative) => {
    expect(staticPathFor(root, url)).toBe(join(root, relative));
  });

  const refused: Array<[string, string]> = [
    ['parent segments', '/../../etc/passwd'],
    ['encoded dots', '/%2e%2e/%2e%2e/etc/passwd'],
    ['encoded slashes', '/..%2f..%2fetc%2fpasswd'],
    ['fully encoded', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
    ['backslashes', '/..\\..\\etc\\passwd'],
    ['encoded backslashes', '/%5c..%5c..%5cetc%5cpasswd'],
    ['a NUL byte', '/index.html%00.js'],
    ['a malformed escape', '/%E0%A4%A'],
    ['a dotfile', '/.env'],
    ['a dot directory', '/.git/config'],
    ['a nested parent', '/assets/../../secret'],
  ];
  it.each(refused)('%s is refused', (_case, url) => {
    expect(staticPathFor(root, url)).toBeNull();
  });
});

describe('contentTypeFor', () => {
  const table: Array<[string, string]> = [
    ['index.html', 'text/html; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
    ['app.CSS', 'text/css; charset=utf-8'],
    ['logo.svg', 'image/svg+xml'],
    ['font.woff2', 'font/woff2'],
    ['unknown.bin', 'application/octet-stream'],
  ];
  it.each(table)('%s → %s', (file, type) => {
    expect(contentTypeFor(file)).toBe(type);
  });
});
