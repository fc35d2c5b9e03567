/**
 * `Strict-Transport-Security` on HTTPS responses (PRODUCT.md "Decisions already taken"; RFC 6797).
 * Only ever over HTTPS: RFC 6797 §7.2 forbids the header over plain HTTP (security-requirements.md
 * HSTS-1). The project's policy replaces whatever the upstream sent (HSTS-4): dev apps that ship
 * production middleware (helmet) would otherwise pin local names for a year.
 */
import type { HstsPolicy, Project } from '../../../../shared/config';

/** RFC 6797 §6.1.1: max-age 0 makes the browser forget the host (HSTS-5). */
export const HSTS_CLEAR = 'max-age=0';

/** The header value of each policy; `off` sends none (unless a reset window is open). */
export const HSTS_POLICY_VALUES: Readonly<Record<HstsPolicy, string | null>> = {
  off: null,
  // One hour, no includeSubDomains: a browser forgets it soon after the project is turned off.
  dev: 'max-age=3600',
  production: 'max-age=31536000; includeSubDomains',
};

/**
 * The header value for a policy at `nowMs`, or null for no header. Under `off`, `max-age=0` is
 * sent until `hstsResetUntil` (ISO 8601) so browsers drop a pin an earlier policy set; `dev` and
 * `production` need no window because their own max-age already replaces the old pin
 * (RFC 6797 §8.1). An unreadable date opens no window.
 */
export function hstsHeaderValue(policy: HstsPolicy, hstsResetUntil: string | undefined, nowMs: number): string | null {
  return hstsHeaderAt(hstsPlan(policy, hstsResetUntil), nowMs);
}

/** The policy of one route, parsed once when the route table is built. */
export interface HstsPlan {
  /** The policy's own value (null for `off`). */
  readonly value: string | null;
  /** Until when (epoch ms) `max-age=0` is sent instead of nothing; 0 for no window. */
  readonly clearUntilMs: number;
}

/**
 * Parses a project's HSTS settings once, so a request costs a single comparison. The reset time
 * is the config's ISO 8601 string, or epoch ms when the caller parsed it already.
 */
export function hstsPlan(policy: HstsPolicy, hstsResetUntil: string | number | undefined): HstsPlan {
  const value = HSTS_POLICY_VALUES[policy];
  if (value !== null || hstsResetUntil === undefined) return { value, clearUntilMs: 0 };
  const until = typeof hstsResetUntil === 'number' ? hstsResetUntil : Date.parse(hstsResetUntil);
  return { value, clearUntilMs: Number.isFinite(until) ? until : 0 };
}

/** The plan of a project. */
export function hstsPlanFor(project: Pick<Project, 'hsts' | 'hstsResetUntil'>): HstsPlan {
  return hstsPlan(project.hsts, project.hstsResetUntil);
}

/** The header value of a plan at `nowMs`, or null for no header. */
export function hstsHeaderAt(plan: HstsPlan, nowMs: number): string | null {
  if (plan.value !== null) return plan.value;
  return nowMs < plan.clearUntilMs ? HSTS_CLEAR : null;
}

/** The header value for a project at `nowMs`, or null for no header. */
export function hstsHeaderFor(project: Pick<Project, 'hsts' | 'hstsResetUntil'>, nowMs: number): string | null {
  return hstsHeaderValue(project.hsts, project.hstsResetUntil, nowMs);
}
