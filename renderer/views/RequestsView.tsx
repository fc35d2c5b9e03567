/** The live request log, newest first, filterable by project. */
import { useId, useState } from 'react';
import type { RequestLogEntry } from '../../shared/status';
import { Banner } from '../components/Banner';
import { formatDuration, formatTime, plural } from '../components/format';
import { useEngine } from '../state/context';
import type { RequestFilter } from '../state/request-log';
import { filterEntries, REQUEST_LOG_LIMIT } from '../state/request-log';
import { useStore } from '../state/store';

const ALL = 'all';
const UNKNOWN_HOST = 'unknown-host';
const PROJECT_PREFIX = 'project:';

function parseFilter(value: string): RequestFilter {
  if (value.startsWith(PROJECT_PREFIX)) return { kind: 'project', name: value.slice(PROJECT_PREFIX.length) };
  return value === UNKNOWN_HOST ? { kind: 'unknown-host' } : { kind: 'all' };
}

function statusClass(status: number): string {
  if (status >= 500) return 'http-status http-status--server-error';
  if (status >= 400) return 'http-status http-status--client-error';
  if (status >= 300) return 'http-status http-status--redirect';
  return 'http-status http-status--ok';
}

function RequestRow({ entry }: { entry: RequestLogEntry }) {
  return (
    <tr>
      <td>
        <time dateTime={entry.time}>{formatTime(entry.time)}</time>
      </td>
      <td>{entry.project ?? <span className="muted">unknown host {entry.host}</span>}</td>
      <td>{entry.method}</td>
      <td className="request-path">
        <code>{entry.path}</code>
      </td>
      <td>
        <span className={statusClass(entry.status)}>{entry.status}</span>
      </td>
      <td>{formatDuration(entry.durationMs)}</td>
      <td>{entry.protocol}</td>
      <td>{entry.tlsVersion ?? 'plain HTTP'}</td>
    </tr>
  );
}

export function RequestsView({ projects }: { projects: readonly string[] }) {
  const { requests } = useEngine();
  const log = useStore(requests);
  const [filterValue, setFilterValue] = useState(ALL);
  const selectId = useId();
  const filter = parseFilter(filterValue);
  const shown = filterEntries(log.entries, filter);

  return (
    <section className="requests" aria-labelledby="requests-heading">
      <div className="section-head">
        <h2 id="requests-heading">Requests</h2>
        <div className="requests__filter">
          <label htmlFor={selectId}>Project</label>
          <select id={selectId} value={filterValue} onChange={(event) => setFilterValue(event.target.value)}>
            <option value={ALL}>All projects</option>
            {projects.map((name) => (
              <option key={name} value={`${PROJECT_PREFIX}${name}`}>
                {name}
              </option>
            ))}
            <option value={UNKNOWN_HOST}>Unknown hosts</option>
          </select>
        </div>
      </div>
      {log.error !== null && <Banner tone="warning" title="Couldn't load earlier requests" message={`${log.error.message} New requests still appear below.`} code={log.error.code} />}
      <p className="muted">
        Showing {plural(shown.length, 'request')}
        {filter.kind === 'all' ? '' : ` of ${log.entries.length}`}; the last {REQUEST_LOG_LIMIT} are kept.
      </p>
      {shown.length === 0 ? (
        <p className="empty">
          {log.entries.length === 0 ? 'No requests yet. Open one of your project addresses and they appear here as they happen.' : 'No requests match this filter yet.'}
        </p>
      ) : (
        <div className="table-scroll" role="region" aria-label="Request log" tabIndex={0}>
          <table className="table table--log">
            <caption className="visually-hidden">Recent requests, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Project</th>
                <th scope="col">Method</th>
                <th scope="col">Path</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Protocol</th>
                <th scope="col">TLS</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((entry) => (
                <RequestRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
