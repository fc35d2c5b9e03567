/**
 * The pages the flow answers with itself, described as data, and their rendering by pages.ts
 * (HTML for browsers, JSON for tools). The flow depends on these descriptions only.
 */
import { renderErrorPage, type ProjectLink } from './pages';
import type { LocalResponse } from './responses';
import type { Route } from './router';

export type ProxyPage =
  /** No project serves the host, or its project is disabled (`disabled` names it): 404 with the project list. */
  | { kind: 'unknown-host'; host: string; disabled: string | null; routes: readonly Route[]; ports: { https: number; http: number } }
  /** The dev server refused or reset the connection: 502, reloading itself once it is back. */
  | { kind: 'upstream-down'; project: string; upstream: string; host: string }
  /** The dev server did not answer in time: 504. */
  | { kind: 'upstream-timeout'; project: string; upstream: string; host: string }
  /** Absolute-form target or missing Host: 400. */
  | { kind: 'bad-request'; reason: 'absolute-form' | 'missing-host' | 'duplicate-host' }
  /** CONNECT: 405. */
  | { kind: 'method-not-allowed'; method: string }
  /** A project's host on another project's TLS connection: 421. */
  | { kind: 'misdirected'; host: string };

export type PageRenderer = (page: ProxyPage, json: boolean) => LocalResponse;

/** Where a project answers: its first exact domain, on the scheme it is served over, port shown unless default. */
export function projectUrl(route: Route, ports: { https: number; http: number }): string | null {
  const domain = route.domains.find((name) => !name.startsWith('*.'));
  if (domain === undefined) return null;
  const [scheme, port, fallback] = route.https ? ['https', ports.https, 443] : ['http', ports.http, 80];
  return `${scheme}://${domain}${port === fallback ? '' : `:${port}`}/`;
}

function projectLinks(routes: readonly Route[], ports: { https: number; http: number }): ProjectLink[] {
  const links: ProjectLink[] = [];
  for (const route of routes) {
    const url = route.enabled ? projectUrl(route, ports) : null;
    if (url !== null) links.push({ name: route.project, url });
  }
  return links;
}

export const renderProxyPage: PageRenderer = (page, json) => {
  switch (page.kind) {
    case 'unknown-host':
      return renderErrorPage(
        'unknown-host',
        { host: page.host, projects: projectLinks(page.routes, page.ports), ...(page.disabled !== null ? { disabledProject: page.disabled } : {}) },
        json,
      );
    case 'upstream-down':
    case 'upstream-timeout':
      return renderErrorPage(page.kind, { project: page.project, upstream: page.upstream }, json);
    case 'bad-request':
      return renderErrorPage('bad-request', { reason: page.reason }, json);
    case 'method-not-allowed':
      return renderErrorPage('method-not-allowed', { method: page.method }, json);
    case 'misdirected':
      return renderErrorPage('misdirected', { host: page.host }, json);
  }
};
