/** What to do when the dashboard cannot see the engine: start it, open the right URL, or wait. */
import { ENGINE_UNREACHABLE, TOKEN_REFUSED } from '../api/messages';
import { Banner } from '../components/Banner';
import type { StatusPhase, StatusSnapshot } from '../state/status-store';

export interface ConnectionBannerProps {
  phase: StatusPhase;
  snapshot: StatusSnapshot;
  onRetry(): void;
}

export function ConnectionBanner({ phase, snapshot, onRetry }: ConnectionBannerProps) {
  const retry = (
    <button type="button" className="button" onClick={onRetry}>
      Retry
    </button>
  );
  switch (phase) {
    case 'disconnected':
      return <Banner tone="error" title="Portico isn't running" message={`${ENGINE_UNREACHABLE} This page reconnects by itself once it is up.`} actions={retry} />;
    case 'unauthorized':
      return <Banner tone="error" title="Access token refused" message={TOKEN_REFUSED} />;
    case 'error':
      return <Banner tone="error" title="Portico answered with an error" message={snapshot.error?.message ?? 'Unknown error.'} code={snapshot.error?.code} actions={retry} />;
    case 'stale':
      return (
        <Banner
          tone="warning"
          title="Lost the connection to Portico — reconnecting"
          message="What you see may be out of date. If you stopped Portico, start it again with `npm start` or `portico serve`."
        />
      );
    case 'ready':
      if (snapshot.status?.engine.running === false) {
        return <Banner tone="warning" title="The proxy is stopped" message="Projects are not being served. Start it with `npm start` or `portico serve`." />;
      }
      return null;
    case 'loading':
      return null;
  }
}
