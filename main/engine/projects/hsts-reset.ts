/**
 * When a project's HSTS protection goes down (HTTPS off, or a weaker policy), browsers keep the
 * pin they cached for up to the old max-age. Until then the proxy answers the project's HTTPS
 * requests with `max-age=0`, which makes a browser drop the pin (RFC 6797 §6.1.1;
 * security-requirements.md HSTS-5). This file decides that window; the proxy only reads it.
 */
import type { HstsPolicy, Project } from '../../../shared/config';

/** The max-age each policy sends, in seconds (PRODUCT.md: dev 1 hour, production 1 year). */
export const HSTS_MAX_AGE_SECONDS: Readonly<Record<HstsPolicy, number>> = { off: 0, dev: 3600, production: 31_536_000 };

/** The reset window never exceeds one year, whatever max-age was once in force. */
export const MAX_HSTS_RESET_SECONDS = 31_536_000;

/** The max-age browsers get from a project now: none when it is served over plain HTTP. */
export function effectiveHstsMaxAge(project: Pick<Project, 'https' | 'hsts'>): number {
  return project.https ? HSTS_MAX_AGE_SECONDS[project.hsts] : 0;
}

/**
 * `after` with `hstsResetUntil` set for the change from `before`:
 * - protection lowered → reset until now + the max-age that was in force (capped), keeping a
 *   later reset already pending (an earlier, stronger pin may outlive this one);
 * - protection raised → no reset: the new header itself replaces whatever pin a browser holds
 *   (RFC 6797 §8.1: a newer max-age updates the cached one);
 * - unchanged → as it was.
 */
export function withHstsReset(before: Project, after: Project, now: Date): Project {
  const previous = effectiveHstsMaxAge(before);
  const next = effectiveHstsMaxAge(after);
  if (next > previous) {
    const { hstsResetUntil: _dropped, ...rest } = after;
    return rest;
  }
  if (next === previous) return after;
  const candidate = now.getTime() + Math.min(previous, MAX_HSTS_RESET_SECONDS) * 1000;
  const pending = after.hstsResetUntil === undefined ? Number.NaN : Date.parse(after.hstsResetUntil);
  const until = Number.isNaN(pending) ? candidate : Math.max(candidate, pending);
  return { ...after, hstsResetUntil: new Date(until).toISOString() };
}
