/** The one page: header, connection state, the Projects / CA and trust / Requests tabs, footer. */
import { useState } from 'react';
import { EngineFooter } from '../components/EngineFooter';
import { EngineHeader } from '../components/EngineHeader';
import type { TabDefinition } from '../components/Tabs';
import { Tabs } from '../components/Tabs';
import { useEngine } from '../state/context';
import { statusPhase } from '../state/status-store';
import { useStore } from '../state/store';
import { useTheme } from '../state/theme';
import { CaTrustView } from './CaTrustView';
import { ConnectionBanner } from './ConnectionBanner';
import { LoadingState } from './LoadingState';
import { ProjectsView } from './ProjectsView';
import { RequestsView } from './RequestsView';

type TabId = 'projects' | 'trust' | 'requests';

const TABS: readonly TabDefinition<TabId>[] = [
  { id: 'projects', label: 'Projects' },
  { id: 'trust', label: 'CA and trust' },
  { id: 'requests', label: 'Requests' },
];

export function Dashboard() {
  const engine = useEngine();
  const snapshot = useStore(engine.status);
  const phase = statusPhase(snapshot);
  const [tab, setTab] = useState<TabId>('projects');
  const [theme, setTheme] = useTheme();
  const { status } = snapshot;

  return (
    <div className="app">
      <EngineHeader status={status} phase={phase} theme={theme} onTheme={setTheme} />
      <main className="app-main">
        <ConnectionBanner phase={phase} snapshot={snapshot} onRetry={() => void engine.status.refresh()} />
        {phase === 'loading' && <LoadingState />}
        {status !== null && (
          <Tabs<TabId> label="Dashboard sections" tabs={TABS} selected={tab} onSelect={setTab}>
            {tab === 'projects' && <ProjectsView status={status} onShowTrust={() => setTab('trust')} />}
            {tab === 'trust' && <CaTrustView status={status} />}
            {tab === 'requests' && <RequestsView projects={status.projects.map((project) => project.project.name)} />}
          </Tabs>
        )}
      </main>
      <EngineFooter status={status} />
    </div>
  );
}
