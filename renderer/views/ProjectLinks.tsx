/**
 * A project's domains as links to its live URLs (ports included when not 443/80). Links open a
 * new tab with `rel="noreferrer"` (no opener, no Referer leaking the dashboard's address).
 * Wildcards are not addresses, so they stay text.
 */
import type { ProjectStatus } from '../../shared/status';

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

export function ProjectLinks({ status }: { status: ProjectStatus }) {
  const { project, urls } = status;
  const scheme = project.https ? 'https' : 'http';
  return (
    <ul className="domain-list">
      {project.domains.map((domain) => {
        if (domain.startsWith('*.')) {
          return (
            <li key={domain}>
              <code>{domain}</code>
            </li>
          );
        }
        const href = urls.find((url) => hostOf(url) === domain) ?? `${scheme}://${domain}/`;
        return (
          <li key={domain}>
            <a href={href} target="_blank" rel="noreferrer">
              {href.replace(/\/$/, '')}
            </a>
          </li>
        );
      })}
    </ul>
  );
}
