import { describe, expect, it } from 'vitest';
import type { SseFrame } from '../../../shared/sse';
import { createSseParser } from '../../../shared/sse';

const parseAll = (chunks: string[]): SseFrame[] => {
  const parser = createSseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
};

describe('createSseParser', () => {
  const cases: Array<{ name: string; chunks: string[]; frames: SseFrame[] }> = [
    { name: 'one frame with an event type', chunks: ['event: status.changed\ndata: {"a":1}\n\n'], frames: [{ event: 'status.changed', data: '{"a":1}' }] },
    { name: 'no event field means "message"', chunks: ['data: hi\n\n'], frames: [{ event: 'message', data: 'hi' }] },
    { name: 'data lines join with LF', chunks: ['data: one\ndata: two\n\n'], frames: [{ event: 'message', data: 'one\ntwo' }] },
    { name: 'CRLF line endings', chunks: ['event: x\r\ndata: 1\r\n\r\n'], frames: [{ event: 'x', data: '1' }] },
    { name: 'CR line endings', chunks: ['event: x\rdata: 1\r\r'], frames: [{ event: 'x', data: '1' }] },
    { name: 'a line split across chunks', chunks: ['event: status.ch', 'anged\ndata: {"b"', ':2}\n', '\n'], frames: [{ event: 'status.changed', data: '{"b":2}' }] },
    { name: 'CRLF split across chunks is one line end', chunks: ['data: 1\r', '\n\r', '\n'], frames: [{ event: 'message', data: '1' }] },
    { name: 'comments are ignored (keep-alive pings)', chunks: [': ping\n\n: ping\ndata: x\n\n'], frames: [{ event: 'message', data: 'x' }] },
    { name: 'no space after the colon', chunks: ['event:x\ndata:y\n\n'], frames: [{ event: 'x', data: 'y' }] },
    { name: 'only one leading space is dropped', chunks: ['data:  two spaces\n\n'], frames: [{ event: 'message', data: ' two spaces' }] },
    { name: 'a frame without data is not dispatched', chunks: ['event: lonely\n\ndata: next\n\n'], frames: [{ event: 'message', data: 'next' }] },
    { name: 'a field name alone means an empty value', chunks: ['data\n\n'], frames: [{ event: 'message', data: '' }] },
    { name: 'unknown fields are ignored', chunks: ['foo: bar\ndata: 1\n\n'], frames: [{ event: 'message', data: '1' }] },
    { name: 'the last id is carried', chunks: ['id: 7\ndata: a\n\ndata: b\n\n'], frames: [{ event: 'message', data: 'a', id: '7' }, { event: 'message', data: 'b', id: '7' }] },
    { name: 'the event type resets after each frame', chunks: ['event: a\ndata: 1\n\ndata: 2\n\n'], frames: [{ event: 'a', data: '1' }, { event: 'message', data: '2' }] },
    { name: 'an unfinished frame waits for its blank line', chunks: ['event: a\ndata: 1\n'], frames: [] },
    { name: 'several frames in one chunk', chunks: ['data: 1\n\ndata: 2\n\ndata: 3\n\n'], frames: ['1', '2', '3'].map((data) => ({ event: 'message', data })) },
  ];

  for (const { name, chunks, frames } of cases) {
    it(name, () => {
      expect(parseAll(chunks)).toEqual(frames);
    });
  }

  it('remembers a numeric retry hint and ignores others', () => {
    const parser = createSseParser();
    parser.push('retry: 2500\n\n');
    expect(parser.retryMs()).toBe(2500);
    parser.push('retry: soon\n\n');
    expect(parser.retryMs()).toBe(2500);
  });

  it('parses the same frames whatever the chunking', () => {
    const text = 'event: request.logged\r\ndata: {"id":1}\r\n\r\n: ping\n\nevent: status.changed\ndata: {"x":\ndata: 2}\n\n';
    const whole = parseAll([text]);
    for (let size = 1; size <= 7; size++) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      expect(parseAll(chunks), `chunks of ${size}`).toEqual(whole);
    }
    expect(whole).toEqual([
      { event: 'request.logged', data: '{"id":1}' },
      { event: 'status.changed', data: '{"x":\n2}' },
    ]);
  });
});
