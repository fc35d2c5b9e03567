/**
 * The three IPC channels between the window and the main process. Fixed names, no generic
 * passthrough (security-requirements EL-5): the preload exposes `call` and `subscribe`, nothing else.
 */
export const IPC_CHANNELS = {
  /** renderer → main, invoke: `(name, input)` → `Result`. */
  call: 'portico:call',
  /** renderer → main, send: `(event, watching)` — start or stop forwarding one contract event. */
  watch: 'portico:watch',
  /** main → renderer: `(event, payload)` for each watched contract event. */
  event: 'portico:event',
} as const;
