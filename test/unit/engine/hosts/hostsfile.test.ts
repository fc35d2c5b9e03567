import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPorticoError } from '../../../../main/engine/errors';
import { blockLines, blockNames, loopbackEntries, parseHosts, renderHosts, type HostsEntry } from '../../../../main/engine/hosts/hostsfile';

const fixtures = join(__dirname, '../../../fixtures/hosts');
/** Fixtures read byte for byte as latin1, the way hosts.ts decodes them. */
const fixture = (name: string) => readFileSync(join(fixtures, name)).toString('latin1');
const entries = loopbackEntries(['app.test', 'api.test']);

describe('hosts file golden fixtures', () => {
  const appended = ['lf-basic', 'crlf-windows', 'no-final-newline', 'no-final-newline-crlf', 'user-entries-same-names', 'bom-crlf', 'tabs-blank-lines', 'utf8-comments', 'empty'];

  it.each(appended)('%s: adding the block matches the golden file', (name) => {
    const original = fixture(`${name}.hosts`);
    expect(renderHosts(parseHosts(original), entries)).toBe(fixture(`${name}.expected.hosts`));
  });

  it.each(appended)('%s: removing the block gives back the original bytes', (name) => {
    const withBlock = fixture(`${name}.expected.hosts`);
    expect(renderHosts(parseHosts(withBlock), [])).toBe(fixture(`${name}.hosts`));
  });

  it.each(appended)('%s: re-applying the same entries changes nothing', (name) => {
    const withBlock = fixture(`${name}.expected.hosts`);
    expect(renderHosts(parseHosts(withBlock), entries)).toBe(withBlock);
  });

  it('a block in the middle is replaced in place, bytes around it kept', () => {
    const original = fixture('block-in-middle.hosts');
    const parsed = parseHosts(original);
    expect(parsed.block?.entries).toEqual([
      { ip: '127.0.0.1', names: ['old.test'] },
      { ip: '::1', names: ['old.test'] },
    ]);
    expect(renderHosts(parsed, entries)).toBe(fixture('block-in-middle.expected.hosts'));
    expect(renderHosts(parsed, [])).toBe(fixture('block-in-middle.removed.hosts'));
  });

  it('reports the line ending and the BOM', () => {
    expect(parseHosts(fixture('crlf-windows.hosts'))).toMatchObject({ eol: '\r\n', bom: false, block: null });
    expect(parseHosts(fixture('bom-crlf.hosts'))).toMatchObject({ eol: '\r\n', bom: true });
    expect(parseHosts(fixture('lf-basic.hosts')).eol).toBe('\n');
    expect(parseHosts('\ufeff127.0.0.1 localhost\n').bom).toBe(true);
  });

  it('uses the default line ending for a file without any line break', () => {
    expect(renderHosts(parseHosts('', { defaultEol: '\r\n' }), loopbackEntries(['a.test']))).toBe(
      '# BEGIN portico\r\n# Managed by Portico: do not edit, Portico rewrites or removes this block.\r\n127.0.0.1 a.test\r\n::1 a.test\r\n# END portico\r\n',
    );
  });

  it('the parsed block lists the names it maps', () => {
    expect(blockNames(parseHosts(fixture('lf-basic.expected.hosts')))).toEqual(['app.test', 'api.test']);
  });
});

describe('damaged markers fail closed', () => {
  it.each([
    ['corrupt-begin-without-end', /BEGIN marker without an END/],
    ['corrupt-end-before-begin', /END marker before any BEGIN/],
    ['corrupt-two-blocks', /two Portico blocks/],
    ['corrupt-nested-begin', /two BEGIN markers/],
    ['corrupt-end-only', /END marker before any BEGIN/],
  ])('%s', (name, message) => {
    let thrown: unknown;
    try {
      parseHosts(fixture(`${name}.hosts`));
    } catch (error) {
      thrown = error;
    }
    expect(isPorticoError(thrown, 'E_HOSTS_CORRUPT')).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  });
});

describe('block lines', () => {
  it('writes one name per line, both loopback families, without duplicates', () => {
    const lines = blockLines([...loopbackEntries(['a.test', 'b.test']), { ip: '127.0.0.1', names: ['a.test'] }]);
    expect(lines.slice(2, -1)).toEqual(['127.0.0.1 a.test', '::1 a.test', '127.0.0.1 b.test', '::1 b.test']);
  });

  it('splits an entry with many names into one line per name (Windows reads at most nine per line)', () => {
    const names = Array.from({ length: 11 }, (_, index) => `n${index}.test`);
    expect(blockLines([{ ip: '127.0.0.1', names }]).slice(2, -1)).toHaveLength(11);
  });

  it.each<[string, HostsEntry, string]>([
    ['newline injection', { ip: '127.0.0.1', names: ['a.test\n93.184.216.34 bank.com'] }, 'E_INVALID_DOMAIN'],
    ['carriage return', { ip: '127.0.0.1', names: ['a.test\r'] }, 'E_INVALID_DOMAIN'],
    ['tab', { ip: '127.0.0.1', names: ['a\t.test'] }, 'E_INVALID_DOMAIN'],
    ['comment sign', { ip: '127.0.0.1', names: ['a.test#x'] }, 'E_INVALID_DOMAIN'],
    ['empty label', { ip: '127.0.0.1', names: ['a..test'] }, 'E_INVALID_DOMAIN'],
    ['wildcard', { ip: '127.0.0.1', names: ['*.app.test'] }, 'E_INVALID_DOMAIN'],
    ['unicode (punycode it first)', { ip: '127.0.0.1', names: ['café.test'] }, 'E_INVALID_DOMAIN'],
    ['upper case', { ip: '127.0.0.1', names: ['App.test'] }, 'E_INVALID_DOMAIN'],
    ['single label', { ip: '127.0.0.1', names: ['localhost'] }, 'E_INVALID_DOMAIN'],
    ['too long', { ip: '127.0.0.1', names: [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.test`] }, 'E_INVALID_DOMAIN'],
    ['label over 63', { ip: '127.0.0.1', names: [`${'a'.repeat(64)}.test`] }, 'E_INVALID_DOMAIN'],
    ['non-loopback address', { ip: '93.184.216.34', names: ['a.test'] }, 'E_INVALID_INPUT'],
    ['not an address', { ip: '127.0.0.1 evil.test', names: ['a.test'] }, 'E_INVALID_INPUT'],
  ])('rejects %s', (_name, entry, code) => {
    expect(() => blockLines([entry])).toThrowError(expect.objectContaining({ code }));
  });

  it('accepts punycode and any 127/8 address', () => {
    expect(blockLines([{ ip: '127.0.0.2', names: ['xn--caf-dma.test'] }])).toContain('127.0.0.2 xn--caf-dma.test');
  });
});

describe('hosts file properties', () => {
  // Characters that make hosts files interesting: line endings, blanks, comments, non-ASCII, BOM.
  const piece = fc.oneof(
    fc.constantFrom('\n', '\r\n', '\r', '\t', ' ', '#', '127.0.0.1', '::1', 'localhost', 'app.test', '# BEGIN portic', 'END', 'é', '\ufeff', '\u00ef\u00bb\u00bf'),
    fc.string({ maxLength: 6 }),
  );
  const hostsText = fc
    .array(piece, { maxLength: 40 })
    .map((pieces) => pieces.join(''))
    .filter((text) => {
      try {
        return parseHosts(text).block === null;
      } catch {
        return false;
      }
    });
  const names = fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,10}\.test$/), { minLength: 1, maxLength: 5 });

  it('render(parse(x), []) === x for text without markers', () => {
    fc.assert(fc.property(hostsText, (text) => renderHosts(parseHosts(text), []) === text));
  });

  it('adding a block keeps every original byte in front and removing it restores the text', () => {
    fc.assert(
      fc.property(hostsText, names, (text, hostNames) => {
        const withBlock = renderHosts(parseHosts(text), loopbackEntries(hostNames));
        const reparsed = parseHosts(withBlock);
        expect(withBlock.startsWith(text)).toBe(true);
        expect(reparsed.before.startsWith(text)).toBe(true);
        expect(reparsed.after).toBe('');
        expect(blockNames(reparsed)).toEqual(hostNames);
        expect(renderHosts(reparsed, [])).toBe(text);
      }),
    );
  });

  it('replacing the block keeps the bytes before and after it', () => {
    fc.assert(
      fc.property(hostsText, hostsText, names, names, (head, tail, first, second) => {
        const withBlock = renderHosts(parseHosts(head), loopbackEntries(first));
        const surrounded = withBlock + (withBlock.endsWith('\n') ? tail : '');
        const parsed = parseHosts(surrounded);
        const replaced = parseHosts(renderHosts(parsed, loopbackEntries(second)));
        expect(replaced.before).toBe(parsed.before);
        expect(replaced.after).toBe(parsed.after);
        expect(blockNames(replaced)).toEqual(second);
      }),
    );
  });
});
