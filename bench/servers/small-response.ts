/**
 * The `/small` response, shared by the upstream and the floor server so both send the same bytes
 * and headers. Its own module so the floor process loads nothing else of the upstream's (`ws`,
 * the module graph), which would add to the RSS it reports.
 */

export const SMALL_BYTES = 1024;
export const SMALL_HEADERS = { 'content-type': 'text/plain', 'content-length': SMALL_BYTES } as const;

export function smallBody(): Buffer {
  return Buffer.alloc(SMALL_BYTES, 'a');
}
