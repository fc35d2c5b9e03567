import type { ErrorCode } from '../../shared/errors';

/**
 * The HTTP status a failed command answers with. The body is always the Result: the status only
 * lets generic tools (curl -f, proxies, logs) tell client mistakes from engine failures.
 */
export function httpStatusFor(code: ErrorCode): number {
  if (code === 'E_INVALID_INPUT' || code.startsWith('E_INVALID_')) return 400;
  if (code === 'E_UNAUTHORIZED') return 401;
  if (code === 'E_FORBIDDEN') return 403;
  if (code === 'E_PROJECT_NOT_FOUND' || code === 'E_UNKNOWN_COMMAND') return 404;
  if (code.startsWith('E_DUPLICATE_')) return 409;
  if (code === 'E_INTERNAL') return 500;
  // Understood and well-formed, but the engine's state does not allow it (RFC 9110 §15.5.21).
  return 422;
}
