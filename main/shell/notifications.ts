/**
 * Which desktop notifications a status change deserves: a project's certificate was renewed, or
 * a dev server that was up stopped answering. Pure: (previous status, next status, now, settings,
 * history) → notifications and the new history, so the rules and the rate limit are table-tested.
 *
 * Rate limit: one notification per project and kind per `perKeyIntervalMs` (a flapping dev server
 * must not spam), and at most `maxPerWindow` in any `windowMs` overall (a laptop waking up may see
 * every upstream down at once). The first status after connecting only sets the baseline.
 */
import type { ProjectStatus, Status } from '../../shared/status';

export interface NotificationSettings {
  /** Master switch (the tray's "Notifications" checkbox). */
  enabled: boolean;
  certificateRenewed: boolean;
  upstreamDown: boolean;
}

export interface RateLimits {
  perKeyIntervalMs: number;
  windowMs: number;
  maxPerWindow: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perKeyIntervalMs: 10 * 60_000, windowMs: 60_000, maxPerWindow: 3 };

export type NotificationKind = 'certificate-renewed' | 'upstream-down';

export interface NotificationModel {
  kind: NotificationKind;
  project: string;
  title: string;
  body: string;
}

/** What was shown recently: per `kind:project` the last time, and the times of the last window. */
export interface NotificationHistory {
  lastByKey: Readonly<Record<string, number>>;
  recent: readonly number[];
}

export const EMPTY_HISTORY: NotificationHistory = { lastByKey: {}, recent: [] };

function candidates(previous: Status, next: Status, settings: NotificationSettings): NotificationModel[] {
  const before = new Map<string, ProjectStatus>(previous.projects.map((p) => [p.project.name, p]));
  const found: NotificationModel[] = [];
  for (const current of next.projects) {
    const old = before.get(current.project.name);
    if (old === undefined) continue;
    const name = current.project.name;
    if (settings.certificateRenewed && old.certificate !== null && current.certificate !== null && old.certificate.fingerprint256 !== current.certificate.fingerprint256) {
      const until = current.certificate.notAfter.slice(0, 10);
      found.push({ kind: 'certificate-renewed', project: name, title: `Certificate renewed: ${name}`, body: `${current.certificate.sans.join(', ')} now has a new certificate, valid until ${until}.` });
    }
    if (settings.upstreamDown && current.project.enabled && old.health.state === 'up' && current.health.state === 'down') {
      const where = current.urls[0] ?? current.project.domains[0] ?? name;
      const why = current.health.reason ? ` (${current.health.reason})` : '';
      found.push({
        kind: 'upstream-down',
        project: name,
        title: `Dev server stopped: ${name}`,
        body: `${current.project.upstream} stopped answering${why}. ${where} shows a waiting page and reloads when it is back.`,
      });
    }
  }
  return found;
}

export function decideNotifications(
  previous: Status | null,
  next: Status,
  now: number,
  settings: NotificationSettings,
  history: NotificationHistory = EMPTY_HISTORY,
  limits: RateLimits = DEFAULT_RATE_LIMITS,
): { show: NotificationModel[]; history: NotificationHistory } {
  if (!settings.enabled || previous === null || !previous.engine.running || !next.engine.running) return { show: [], history };
  const lastByKey: Record<string, number> = { ...history.lastByKey };
  const recent = history.recent.filter((time) => now - time < limits.windowMs);
  const show: NotificationModel[] = [];
  for (const candidate of candidates(previous, next, settings)) {
    const key = `${candidate.kind}:${candidate.project}`;
    const last = lastByKey[key];
    if (last !== undefined && now - last < limits.perKeyIntervalMs) continue;
    if (recent.length >= limits.maxPerWindow) break;
    lastByKey[key] = now;
    recent.push(now);
    show.push(candidate);
  }
  return { show, history: { lastByKey, recent } };
}
