import { isIP } from 'node:net';
import { PorticoError } from '../errors';

/**
 * The hosts file's Portico block, parsed and rendered without I/O. Portico owns exactly one block
 * between two marker lines and never changes a byte outside it: no whitespace normalization, no
 * line-ending conversion, the BOM and a missing final newline kept (security-requirements.md DNS-3).
 */
export const BEGIN_MARKER = '# BEGIN portico';
export const END_MARKER = '# END portico';
const HEADER = '# Managed by Portico: do not edit, Portico rewrites or removes this block.';

/** One hosts line: an address and the names that resolve to it. */
export interface HostsEntry {
  ip: string;
  names: string[];
}

export interface HostsBlock {
  entries: HostsEntry[];
  /** The line ending inside the block (the BEGIN line's), kept when the block is rewritten. */
  eol: '\n' | '\r\n';
  /** The END marker line ends with a line break. Portico leaves it off only when it had to add one before the block. */
  trailingEol: boolean;
}

export interface ParsedHosts {
  /** Every byte before the block (the whole file when there is no block), BOM included. */
  before: string;
  block: HostsBlock | null;
  /** Every byte after the END marker's line break. */
  after: string;
  /** The file's line ending, from its first line break; the block is written with it. */
  eol: '\n' | '\r\n';
  /** The file starts with a UTF-8 byte order mark (kept in `before`). */
  bom: boolean;
}

export interface ParseOptions {
  /** Line ending for a file without any line break (CRLF on Windows, DNS-6). */
  defaultEol?: '\n' | '\r\n';
}

/** A UTF-8 BOM as text decoded from UTF-8 or UTF-16 (U+FEFF), or byte-for-byte from latin1. */
const BOMS = ['\ufeff', '\u00ef\u00bb\u00bf'];

interface Line {
  start: number;
  /** End of the content, before `\r\n` or `\n`. */
  contentEnd: number;
  /** Start of the next line. */
  next: number;
}

function splitLines(text: string, from: number): Line[] {
  const lines: Line[] = [];
  let start = from;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    if (newline === -1) {
      lines.push({ start, contentEnd: text.length, next: text.length });
      break;
    }
    const contentEnd = newline > start && text[newline - 1] === '\r' ? newline - 1 : newline;
    lines.push({ start, contentEnd, next: newline + 1 });
    start = newline + 1;
  }
  return lines;
}

/** Markers match case-insensitively with surrounding blanks, so a hand-edited marker still fails closed rather than being missed. */
function markerOf(content: string): 'begin' | 'end' | null {
  const bare = content.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase();
  if (bare === BEGIN_MARKER.toLowerCase()) return 'begin';
  if (bare === END_MARKER.toLowerCase()) return 'end';
  return null;
}

function corrupt(problem: string): PorticoError {
  return new PorticoError('E_HOSTS_CORRUPT', `the hosts file's Portico block is damaged (${problem}); nothing was written. Fix or delete the lines between "${BEGIN_MARKER}" and "${END_MARKER}" by hand, then retry.`);
}

/** Splits a hosts file around the Portico block; throws E_HOSTS_CORRUPT on any marker it cannot pair. */
export function parseHosts(text: string, options: ParseOptions = {}): ParsedHosts {
  const bomText = BOMS.find((bom) => text.startsWith(bom)) ?? '';
  const firstBreak = text.indexOf('\n');
  const eol = firstBreak === -1 ? (options.defaultEol ?? '\n') : firstBreak > 0 && text[firstBreak - 1] === '\r' ? '\r\n' : '\n';
  const lines = splitLines(text, bomText.length);

  let begin: Line | null = null;
  let block: { begin: Line; end: Line } | null = null;
  for (const line of lines) {
    const marker = markerOf(text.slice(line.start, line.contentEnd));
    if (marker === 'begin') {
      if (begin) throw corrupt('two BEGIN markers without an END between them');
      if (block) throw corrupt('two Portico blocks');
      begin = line;
    } else if (marker === 'end') {
      if (!begin) throw corrupt('an END marker before any BEGIN marker');
      block = { begin, end: line };
      begin = null;
    }
  }
  if (begin) throw corrupt('a BEGIN marker without an END marker');
  if (!block) return { before: text, block: null, after: '', eol, bom: bomText !== '' };

  const entries: HostsEntry[] = [];
  for (const line of lines) {
    if (line.start <= block.begin.start || line.start >= block.end.start) continue;
    const fields = text.slice(line.start, line.contentEnd).replace(/#.*$/, '').trim().split(/\s+/);
    const [ip, ...names] = fields;
    if (ip && names.length > 0) entries.push({ ip, names });
  }
  return {
    before: text.slice(0, block.begin.start),
    block: { entries, eol: block.begin.next - block.begin.contentEnd === 2 ? '\r\n' : '\n', trailingEol: block.end.next > block.end.contentEnd },
    after: text.slice(block.end.next),
    eol,
    bom: bomText !== '',
  };
}

/** LDH labels with at least one dot, lower-case ASCII only (DNS-2; punycode is the caller's job). */
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Portico only ever maps names to loopback (DNS-1: never send a local name off the machine). */
function isLoopback(ip: string): boolean {
  if (isIP(ip) === 4) return ip.startsWith('127.');
  return ip === '::1';
}

/** The block's lines: one name per line, because Windows ignores names after the ninth on a line (DNS-6). */
export function blockLines(entries: readonly HostsEntry[]): string[] {
  const seen = new Set<string>();
  const lines = [BEGIN_MARKER, HEADER];
  for (const { ip, names } of entries) {
    if (!isLoopback(ip)) throw new PorticoError('E_INVALID_INPUT', `"${ip}" is not a loopback address; Portico maps names to 127.0.0.1 or ::1 only.`);
    for (const name of names) {
      if (!HOSTNAME.test(name)) throw new PorticoError('E_INVALID_DOMAIN', `"${name}" cannot go into the hosts file: use a lower-case ASCII name such as app.test.`);
      const line = `${ip} ${name}`;
      if (!seen.has(line)) lines.push(line);
      seen.add(line);
    }
  }
  lines.push(END_MARKER);
  return lines;
}

/** Both address families for every name, one name per entry, so IPv4 and IPv6 clients agree (DNS-8). */
export function loopbackEntries(names: readonly string[]): HostsEntry[] {
  return names.flatMap((name) => [
    { ip: '127.0.0.1', names: [name] },
    { ip: '::1', names: [name] },
  ]);
}

/**
 * The file with the block replaced by `entries`, added at the end when absent, or removed when
 * `entries` is empty. Adding then removing gives back the original text exactly: when the file
 * did not end with a line break, the block goes after a new one and its END line gets none, and
 * that shape tells removal to take the added line break away again.
 */
export function renderHosts(parsed: ParsedHosts, entries: readonly HostsEntry[]): string {
  const { before, block, after } = parsed;
  // An existing block keeps its own line ending: it is also the break we added before it, if any.
  const eol = block ? block.eol : parsed.eol;
  if (entries.length === 0) {
    if (!block) return before + after;
    const weAddedBreak = !block.trailingEol && after === '' && before.endsWith(eol);
    return (weAddedBreak ? before.slice(0, before.length - eol.length) : before) + after;
  }
  const text = blockLines(entries).join(eol);
  if (block) return before + text + (block.trailingEol ? eol : '') + after;
  if (before === '' || before.endsWith('\n')) return before + text + eol;
  return before + eol + text;
}

/** Every name the block maps, for status and tests. */
export function blockNames(parsed: ParsedHosts): string[] {
  return [...new Set(parsed.block?.entries.flatMap((entry) => entry.names) ?? [])];
}
