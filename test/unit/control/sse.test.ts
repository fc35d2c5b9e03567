import { describe, expect, it } from 'vitest';
import { parseEventFilter, sseFrame } from '../../../main/control/event-stream';
import { createSseReader } from '../../../main/control/sse-parser';

describe('sse reader', () => {
  const table: Array<[string, string[], Array<{ event: string; data: string }>]> = [
    ['one frame', ['event: a\ndata: {"x":1}\n\n'], [{ event: 'a', data: '{"x":1}' }]],
    ['CRLF line ends', ['event: a\r\ndata: 1\r\n\r\n'], [{ event: 'a', data: '1' }]],
    ['CR line ends', ['event: a\rdata: 1\r\r'], [{ event: 'a', data: '1' }]],
    ['CRLF split across chunks', ['event: a\r', '\ndata: 1\r', '\n\r', '\n'], [{ event: 'a', data: '1' }]],
    ['a frame split mid-field', ['eve', 'nt: a\nda', 'ta: 12', '3\n', '\n'], [{ event: 'a', data: '123' }]],
    ['comments and retry are skipped', [': ping\n\nretry: 2000\n: connected\n\n'], []],
    ['multi-line data joins with LF', ['data: a\ndata: b\n\n'], [{ event: 'message', data: 'a\nb' }]],
    ['no space after the colon', ['event:a\ndata:1\n\n'], [{ event: 'a', data: '1' }]],
    ['two frames in one chunk', ['event: a\ndata: 1\n\nevent: b\ndata: 2\n\n'], [{ event: 'a', data: '1' }, { event: 'b', data: '2' }]],
    ['an unfinished frame waits', ['event: a\ndata: 1\n'], []],
  ];
  it.each(table)('%s', (_case, chunks, expected) => {
    const reader = createSseReader();
    expect(chunks.flatMap((chunk) => reader.push(chunk))).toEqual(expected);
  });

  it('reads what sseFrame writes', () => {
    const payload = { text: 'line one\nline two', quote: '"' };
    expect(createSseReader().push(sseFrame('request.logged', payload))).toEqual([{ event: 'request.logged', data: JSON.stringify(payload) }]);
  });
});

describe('parseEventFilter', () => {
  it.each([
    ['absent', null],
    ['empty', ''],
    ['only commas', ',,'],
  ])('%s means every event', (_case, param) => {
    expect(parseEventFilter(param)).toEqual({ ok: true, events: ['status.changed', 'project.changed', 'request.logged'] });
  });

  it('keeps the named events once each', () => {
    expect(parseEventFilter('request.logged, status.changed,request.logged')).toEqual({ ok: true, events: ['request.logged', 'status.changed'] });
  });

  it('names the unknown events', () => {
    expect(parseEventFilter('status.changed,nope,__proto__')).toEqual({ ok: false, unknown: ['nope', '__proto__'] });
  });
});
