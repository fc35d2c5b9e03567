/**
 * An incremental parser for `text/event-stream` bodies, following the WHATWG HTML "Server-sent
 * events" parsing rules (§9.2.6): lines end with CRLF, LF or CR; a blank line dispatches the
 * frame; `:` starts a comment; one space after the colon is dropped; `data:` lines join with `\n`.
 * The control API's event stream is read this way by the dashboard and by the Node client alike,
 * with `fetch`, because `EventSource` cannot send an `Authorization` header
 * (security-requirements API-5 keeps the token out of URLs and cookies).
 */

/** One dispatched frame. */
export interface SseFrame {
  /** The `event:` field, or `message` when the frame had none. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last `id:` seen on the stream, if any. */
  id?: string;
}

export interface SseParser {
  /** Feeds decoded text; returns the frames it completed. */
  push(text: string): SseFrame[];
  /** The last `retry:` value in milliseconds, if the server sent one. */
  retryMs(): number | undefined;
}

export function createSseParser(): SseParser {
  let buffer = '';
  // A CR at the very end of a chunk may be the first half of a CRLF split across chunks.
  let skipLeadingLf = false;
  let eventType = '';
  let dataLines: string[] = [];
  let hasData = false;
  let lastId: string | undefined;
  let retry: number | undefined;

  const dispatch = (frames: SseFrame[]) => {
    if (hasData) {
      const frame: SseFrame = { event: eventType === '' ? 'message' : eventType, data: dataLines.join('\n') };
      if (lastId !== undefined) frame.id = lastId;
      frames.push(frame);
    }
    eventType = '';
    dataLines = [];
    hasData = false;
  };

  const processLine = (line: string, frames: SseFrame[]) => {
    if (line === '') return dispatch(frames);
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        eventType = value;
        break;
      case 'data':
        dataLines.push(value);
        hasData = true;
        break;
      case 'id':
        // The spec ignores ids containing NULL.
        if (!value.includes('\0')) lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) retry = Number(value);
        break;
      default:
        break;
    }
  };

  return {
    push(text) {
      const frames: SseFrame[] = [];
      let input = text;
      if (skipLeadingLf && input.startsWith('\n')) input = input.slice(1);
      skipLeadingLf = false;
      buffer += input;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const ch = buffer[i];
        if (ch !== '\n' && ch !== '\r') continue;
        processLine(buffer.slice(start, i), frames);
        if (ch === '\r') {
          if (i + 1 === buffer.length) skipLeadingLf = true;
          else if (buffer[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
      return frames;
    },
    retryMs: () => retry,
  };
}
