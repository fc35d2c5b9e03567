/**
 * Reads a command's JSON body with a size cap, so one request cannot make the engine buffer an
 * unbounded upload.
 */
import type { IncomingMessage } from 'node:http';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/**
 * How much of an oversized body is read and discarded before answering 413. Closing a socket
 * with unread input makes the kernel send a reset, and a client still writing its body would
 * see ECONNRESET instead of our answer; past this much we close anyway.
 */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

export type BodyOutcome = { kind: 'json'; value: unknown } | { kind: 'too-large' } | { kind: 'invalid'; reason: string } | { kind: 'aborted' };

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function readJsonBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<BodyOutcome> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit + MAX_DRAIN_BYTES) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: BodyOutcome) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit + MAX_DRAIN_BYTES) {
        req.pause();
        settle({ kind: 'too-large' });
      } else if (size <= limit) {
        chunks.push(chunk);
      } else if (chunks.length > 0) {
        chunks.length = 0; // over the limit: keep reading, stop keeping
      }
    };
    req.on('data', onData);
    req.once('error', () => settle({ kind: 'aborted' }));
    req.once('aborted', () => settle({ kind: 'aborted' }));
    req.once('end', () => {
      if (size > limit) return settle({ kind: 'too-large' });
      const text = Buffer.concat(chunks).toString('utf8');
      // An empty body means "no fields", which is what `curl -X POST` without `-d` intends.
      if (text.trim() === '') return settle({ kind: 'json', value: {} });
      try {
        settle({ kind: 'json', value: JSON.parse(text) as unknown });
      } catch (error) {
        settle({ kind: 'invalid', reason: error instanceof Error ? error.message : String(error) });
      }
    });
  });
}
