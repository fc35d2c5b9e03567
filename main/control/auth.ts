/**
 * The per-start bearer token (security-requirements API-5): 128 random bits, sent only in an
 * `Authorization` header, compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PorticoError } from '../engine/errors';

/** URL-safe and at least 128 bits when hex (32) or base64url (22); the dashboard accepts the same alphabet. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,512}$/;

/** A fresh 128-bit token, hex. */
export function generateToken(): string {
  return randomBytes(16).toString('hex');
}

/** Refuses a caller-supplied token too short to resist guessing or unsafe in a header or URL fragment. */
export function assertStrongToken(token: string): void {
  if (!TOKEN_PATTERN.test(token)) {
    throw new PorticoError('E_INVALID_INPUT', 'the control API token must be 22–512 characters of A–Z, a–z, 0–9, "-" or "_" (at least 128 bits). Omit it to get a random one.');
  }
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The token presented in `Authorization: Bearer <token>` (RFC 6750 §2.1), or null. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * A checker for one token. Both sides are hashed first so `timingSafeEqual` always compares 32
 * bytes: comparing raw strings would leak the token's length through the early length check.
 */
export function createTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const presented = bearerToken(authorization);
    // Hash something even without a token, so a missing header costs the same as a wrong one.
    return timingSafeEqual(digest(presented ?? ''), expected) && presented !== null;
  };
}
