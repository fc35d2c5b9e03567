/** The page header: what this is, whether the engine is reachable, and the theme choice. */
import type { Status } from '../../shared/status';
import type { StatusPhase } from '../state/status-store';
import type { ThemeChoice } from '../state/theme';

const PHASE_TEXT: Record<StatusPhase, string> = {
  loading: 'Connecting…',
  ready: 'Connected',
  stale: 'Reconnecting…',
  disconnected: 'Not running',
  unauthorized: 'Access refused',
  error: 'Error',
};

function engineText(status: Status | null, phase: StatusPhase): string {
  if (status === null || phase !== 'ready') return PHASE_TEXT[phase];
  const { engine } = status;
  const parts = [`v${engine.version}`, engine.pid !== undefined ? `pid ${engine.pid}` : null].filter(Boolean).join(', ');
  return `${engine.running ? 'Running' : 'Proxy stopped'} (${parts})`;
}

export interface EngineHeaderProps {
  status: Status | null;
  phase: StatusPhase;
  theme: ThemeChoice;
  onTheme(choice: ThemeChoice): void;
}

export function EngineHeader({ status, phase, theme, onTheme }: EngineHeaderProps) {
  const healthy = phase === 'ready' && status?.engine.running === true;
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <h1 className="app-header__title">Portico</h1>
        <p className="app-header__tagline">Trusted HTTPS for your localhost dev servers</p>
      </div>
      <p className={`engine-state engine-state--${healthy ? 'ok' : 'attention'}`}>
        <span className="visually-hidden">Engine: </span>
        <span aria-hidden="true" className="engine-state__dot" />
        {engineText(status, phase)}
      </p>
      <div className="theme-choice">
        <label htmlFor="theme-choice">Theme</label>
        <select id="theme-choice" value={theme} onChange={(event) => onTheme(event.target.value as ThemeChoice)}>
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </div>
    </header>
  );
}
