import type { ErrorCode, ErrorShape } from '../../shared/errors';

/**
 * The engine's only error type: a stable code, a message that says what to do, and the
 * underlying cause kept for logs (never sent across a transport).
 */
export class PorticoError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PorticoError';
    this.code = code;
  }

  /** The `{code, message}` pair that crosses a transport; stacks and causes stay local. */
  toShape(): ErrorShape {
    return { code: this.code, message: this.message };
  }
}

/** Any thrown value as `{code, message}`; unknown errors become E_INTERNAL. */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof PorticoError) return error.toShape();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'E_INTERNAL', message: `unexpected error: ${message}` };
}

export function isPorticoError(error: unknown, code?: ErrorCode): error is PorticoError {
  return error instanceof PorticoError && (code === undefined || error.code === code);
}
