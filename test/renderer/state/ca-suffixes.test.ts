import { describe, expect, it } from 'vitest';
import { checkSuffix } from '../../../shared/names';
import { checkNewSuffix } from '../../../renderer/state/ca-suffixes';

const PERMITTED = ['localhost', 'test', 'internal'];

describe('checkNewSuffix', () => {
  const cases: { name: string; input: string; added?: string[]; value?: string; message?: string | RegExp }[] = [
    { name: 'a new suffix, normalized like the engine does', input: '  .Example ', value: '.example' },
    { name: 'without the leading dot', input: 'dev.lan', value: 'dev.lan' },
    { name: 'IDN to punycode', input: '.bücher', value: '.xn--bcher-kva' },
    { name: 'empty', input: '   ', message: 'Type a suffix such as ".example" or ".dev.lan".' },
    { name: 'not a name: the message checkSuffix gives', input: '.a b', message: (checkSuffix('.a b') as { message: string }).message },
    { name: 'an IP literal', input: '127.0.0.1', message: /not a valid suffix/ },
    { name: 'the same as a constraint', input: '.test', message: '".test" is already allowed.' },
    { name: 'under a constraint', input: '.dev.internal', message: '".dev.internal" is already allowed: every name under "internal" is.' },
    { name: 'a lookalike is not under it', input: '.mytest', value: '.mytest' },
    { name: 'queued already', input: 'example', added: ['.example'], message: '"example" is already covered by ".example" in the list.' },
    { name: 'under a queued one', input: '.a.example', added: ['.example'], message: '".a.example" is already covered by ".example" in the list.' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const checked = checkNewSuffix(c.input, PERMITTED, c.added ?? []);
      if (c.value !== undefined) expect(checked).toEqual({ ok: true, value: c.value });
      else if (typeof c.message === 'string') expect(checked).toEqual({ ok: false, message: c.message });
      else expect(checked).toEqual({ ok: false, message: expect.stringMatching(c.message!) });
    });
  }
});
