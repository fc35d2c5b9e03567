import { describe, expect, it } from 'vitest';
import { httpStatusFor } from '../../../main/control/http-status';
import { ERROR_CODES } from '../../../shared/errors';
import type { ErrorCode } from '../../../shared/errors';

describe('httpStatusFor', () => {
  const table: Array<[ErrorCode, number]> = [
    ['E_INVALID_INPUT', 400],
    ['E_INVALID_NAME', 400],
    ['E_INVALID_DOMAIN', 400],
    ['E_INVALID_PORT', 400],
    ['E_INVALID_UPSTREAM', 400],
    ['E_UNAUTHORIZED', 401],
    ['E_FORBIDDEN', 403],
    ['E_PROJECT_NOT_FOUND', 404],
    ['E_UNKNOWN_COMMAND', 404],
    ['E_DUPLICATE_NAME', 409],
    ['E_DUPLICATE_DOMAIN', 409],
    ['E_INTERNAL', 500],
    ['E_DOMAIN_NOT_PERMITTED', 422],
    ['E_TRUST_FAILED', 422],
    ['E_LOCK_TIMEOUT', 422],
  ];
  it.each(table)('%s → %i', (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });

  it('maps every known code to a 4xx or 5xx', () => {
    for (const code of ERROR_CODES) expect(httpStatusFor(code)).toBeGreaterThanOrEqual(400);
  });
});
