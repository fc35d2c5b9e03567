/**
 * Incremental `text/event-stream` parsing for the Node client (WHATWG HTML §9.2.6): lines end
 * with CRLF, LF or CR; a blank line dispatches; `:` starts a comment; one space after the colon is
 * dropped; `data:` lines join with `\n`. Only `event` and `data` matter to Portico.
 */
export interface SseMessage {
  event: string;
  data: string;
}

export function createSseReader(): { push(text: string): SseMessage[] } {
  let buffer = '';
  let pendingCr = false;
  let event = '';
  let data: string[] = [];

  const line = (text: string, out: SseMessage[]) => {
    if (text === '') {
      if (data.length > 0) out.push({ event: event === '' ? 'message' : event, data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const raw = colon === -1 ? '' : text.slice(colon + 1);
    const value = raw.startsWith(' ') ? raw.slice(1) : raw;
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };

  return {
    push(text) {
      const out: SseMessage[] = [];
      // A CRLF split across two chunks: the LF was already accounted for by the CR.
      buffer += pendingCr && text.startsWith('\n') ? text.slice(1) : text;
      pendingCr = false;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const ch = buffer[i];
        if (ch !== '\n' && ch !== '\r') continue;
        line(buffer.slice(start, i), out);
        if (ch === '\r') {
          if (i + 1 === buffer.length) pendingCr = true;
          else if (buffer[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
      return out;
    },
  };
}
