/**
 * One project: its addresses, upstream, health, the per-project switches and selects, removal
 * with an inline confirm, and its TLS details. Every control calls the engine and waits for
 * `status.changed` to re-render; it shows "Saving…" meanwhile and a banner when the call fails.
 */
import { useId, useState } from 'react';
import type { HostHeaderMode, HstsPolicy } from '../../shared/config';
import type { ProjectStatus, RequestLogEntry, TlsProfile } from '../../shared/status';
import type { ApiError } from '../api/client';
import { Banner } from '../components/Banner';
import { ConfirmButton } from '../components/ConfirmButton';
import { StatusBadge } from '../components/StatusBadge';
import { useEngine } from '../state/context';
import { summarizeConnections } from '../state/request-log';
import { useAction } from '../state/use-action';
import { ProjectLinks } from './ProjectLinks';
import { HOST_HEADER_OPTIONS, HSTS_OPTIONS, SelectControl, SwitchControl } from './ProjectControls';
import { TlsDetails } from './TlsDetails';

export interface ProjectCardProps {
  status: ProjectStatus;
  tls: TlsProfile;
  /** The request log, for the TLS details' recent connections. */
  entries: readonly RequestLogEntry[];
}

interface Failure {
  what: string;
  error: ApiError;
}

export function ProjectCard({ status, tls, entries }: ProjectCardProps) {
  const { client } = useEngine();
  const { project } = status;
  const { name } = project;
  const [failure, setFailure] = useState<Failure | null>(null);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const remove = useAction();
  const titleId = useId();
  const detailsId = useId();
  const report = (what: string) => (error: ApiError | null) => setFailure(error === null ? null : { what, error });
  const onLocalhost = project.domains.some((domain) => domain === 'localhost' || domain.endsWith('.localhost'));

  return (
    <li className="project-list__item">
      <article className={`project${project.enabled ? '' : ' project--disabled'}`} aria-labelledby={titleId}>
        <header className="project__head">
          <h3 className="project__name" id={titleId}>
            {name}
          </h3>
          <StatusBadge status={status} />
        </header>

        <dl className="project__facts">
          <div className="project__fact">
            <dt>Domains</dt>
            <dd>
              <ProjectLinks status={status} />
            </dd>
          </div>
          <div className="project__fact">
            <dt>Upstream</dt>
            <dd>
              <code>{project.upstream}</code>
            </dd>
          </div>
          <div className="project__fact">
            <dt>Requests</dt>
            <dd>{status.requests}</dd>
          </div>
        </dl>

        <div className="project__controls">
          <SwitchControl
            text="HTTPS"
            label={`HTTPS for ${name}`}
            checked={project.https}
            onToggle={(enabled) => client.call('projects.setHttps', { name, enabled })}
            onOutcome={report(`turn HTTPS ${project.https ? 'off' : 'on'} for ${name}`)}
          />
          <SwitchControl
            text="Enabled"
            label={`Enabled for ${name}`}
            checked={project.enabled}
            onToggle={(enabled) => client.call('projects.setEnabled', { name, enabled })}
            onOutcome={report(`${project.enabled ? 'disable' : 'enable'} ${name}`)}
          />
          <SwitchControl
            text="Secure cookies"
            label={`Secure cookies for ${name}`}
            checked={project.secureCookies}
            onToggle={(secureCookies) => client.call('projects.update', { name, changes: { secureCookies } })}
            onOutcome={report(`change cookie rewriting for ${name}`)}
          />
          <SelectControl<HstsPolicy>
            text="HSTS"
            label={`HSTS for ${name}`}
            value={project.hsts}
            options={HSTS_OPTIONS}
            note={onLocalhost ? 'Chromium ignores HSTS on *.localhost names; other browsers and other names honour it.' : undefined}
            onSelect={(hsts) => client.call('projects.update', { name, changes: { hsts } })}
            onOutcome={report(`change HSTS for ${name}`)}
          />
          <SelectControl<HostHeaderMode>
            text="Host header"
            label={`Host header for ${name}`}
            value={project.hostHeader}
            options={HOST_HEADER_OPTIONS}
            onSelect={(hostHeader) => client.call('projects.update', { name, changes: { hostHeader } })}
            onOutcome={report(`change the Host header for ${name}`)}
          />
        </div>

        {failure !== null && (
          <Banner
            tone="error"
            title={`Couldn't ${failure.what}`}
            message={failure.error.message}
            code={failure.error.code}
            actions={
              <button type="button" className="button" onClick={() => setFailure(null)}>
                Dismiss
              </button>
            }
          />
        )}

        <div className="project__actions">
          <button
            type="button"
            className="button"
            aria-expanded={detailsOpen}
            aria-controls={detailsId}
            aria-label={`TLS details for ${name}`}
            onClick={() => setDetailsOpen((open) => !open)}
          >
            {detailsOpen ? 'Hide TLS details' : 'TLS details'}
          </button>
          <ConfirmButton
            text="Remove"
            label={`Remove ${name}`}
            question={`Remove ${name}?`}
            confirmText="Remove"
            tone="danger"
            details={<p>Portico stops routing {project.domains.join(', ')}. Your dev server and its files are not touched.</p>}
            pending={remove.pending}
            onConfirm={async () => report(`remove ${name}`)(await remove.run(() => client.call('projects.remove', { name })))}
          />
        </div>

        <div id={detailsId} hidden={!detailsOpen}>
          {detailsOpen && <TlsDetails status={status} tls={tls} connections={summarizeConnections(entries, name)} />}
        </div>
      </article>
    </li>
  );
}
