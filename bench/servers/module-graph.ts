/**
 * A page that imports a graph of small ES modules, the way an unbundled dev server (Vite) serves
 * an app: the browser discovers imports level by level, so the load time is dominated by request
 * round trips and connection limits (6 per host over HTTP/1.1), not by bytes.
 *
 * Module i imports modules FANOUT·i+1 … FANOUT·i+FANOUT (a tree five levels deep for 300
 * modules) and every module also imports one shared helper, as app code imports a framework.
 */

export const MODULE_COUNT = 300;
const FANOUT = 4;
/** About the size of a small transformed component (Vite serves many of 1–3 KiB). */
const PADDING = `/* ${'x'.repeat(900)} */\n`;

export interface GraphFile {
  type: string;
  body: Buffer;
}

function moduleSource(index: number, count: number): string {
  const children: number[] = [];
  for (let child = FANOUT * index + 1; child <= FANOUT * index + FANOUT && child < count; child += 1) children.push(child);
  const imports = children.map((child) => `import { value as v${child} } from './m${child}.js';`).join('\n');
  const sum = children.map((child) => `v${child}`).join(' + ') || '0';
  const done = index === 0 ? `\nwindow.__graphLoaded = performance.now();\ndocument.title = 'loaded ' + value;\n` : '';
  return `import { helper } from './shared.js';\n${imports}\n${PADDING}export const value = helper(${index}) + ${sum};${done}`;
}

/** Every file of the page under `prefix` (`/graph/`): the HTML, the shared helper and the modules. */
export function moduleGraphFiles(prefix: string, count = MODULE_COUNT): Map<string, GraphFile> {
  const files = new Map<string, GraphFile>();
  const js = 'text/javascript; charset=utf-8';
  files.set(prefix, {
    type: 'text/html; charset=utf-8',
    body: Buffer.from(`<!doctype html><html><head><meta charset="utf-8"><title>graph</title><script type="module" src="${prefix}m0.js"></script></head><body>module graph</body></html>`),
  });
  files.set(`${prefix}shared.js`, { type: js, body: Buffer.from(`${PADDING}export function helper(n) { return n % 7; }\n`) });
  for (let index = 0; index < count; index += 1) files.set(`${prefix}m${index}.js`, { type: js, body: Buffer.from(moduleSource(index, count)) });
  return files;
}
