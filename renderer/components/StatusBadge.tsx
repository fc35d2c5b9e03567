/** A project's health as a badge whose words carry the meaning; colour and glyph only repeat it. */
import type { ProjectStatus } from '../../shared/status';
import { formatDuration } from './format';

export type HealthKind = 'up' | 'down' | 'disabled' | 'unknown';

export interface Health {
  kind: HealthKind;
  /** One word: Up, Down, Disabled, Unknown. */
  label: string;
  /** Why, in words. */
  detail: string;
}

export function healthOf({ project, health }: ProjectStatus): Health {
  if (!project.enabled) return { kind: 'disabled', label: 'Disabled', detail: 'not routed; turn Enabled on to serve it' };
  switch (health.state) {
    case 'up': {
      const via = health.address ? ` via ${health.address}` : '';
      const latency = health.latencyMs !== undefined ? ` in ${formatDuration(health.latencyMs)}` : '';
      return { kind: 'up', label: 'Up', detail: `dev server answers${via}${latency}` };
    }
    case 'down':
      return { kind: 'down', label: 'Down', detail: health.reason ?? `nothing answers at ${project.upstream}; start the dev server` };
    case 'unknown':
      return { kind: 'unknown', label: 'Unknown', detail: health.reason ?? 'not checked yet' };
  }
}

const GLYPHS: Record<HealthKind, string> = { up: '●', down: '▲', disabled: '○', unknown: '?' };

export function StatusBadge({ status }: { status: ProjectStatus }) {
  const health = healthOf(status);
  return (
    <span className={`badge badge--${health.kind}`}>
      <span className="badge__glyph" aria-hidden="true">
        {GLYPHS[health.kind]}
      </span>
      <span className="badge__label">{health.label}</span>
      <span className="badge__detail">: {health.detail}</span>
    </span>
  );
}
