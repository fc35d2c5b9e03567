/**
 * The pages the proxy answers with itself: unknown host (404), dev server down (502) or slow
 * (504), misdirected request (421), bad request (400), CONNECT (405). HTML for browsers, JSON for
 * tools whose Accept prefers it. Self-contained: inline CSS, no external resource, and no script
 * except the 502 page's reload poller; the Content-Security-Policy sent with each page allows
 * exactly that style and that script by hash, nothing else.
 *
 * Every interpolated value goes through `escapeHtml`: the host comes straight from a client's
 * Host header.
 */
import { createHash } from 'node:crypto';
import type { LocalResponse } from './passes/headers';

/** A project as the 404 page lists it. */
export interface ProjectLink {
  name: string;
  /** Where the project is served, e.g. `https://web.localhost`. Only http(s) URLs become links. */
  url: string;
}

/** The facts each page kind shows. */
export interface ErrorPageData {
  'unknown-host': {
    host: string;
    projects: readonly ProjectLink[];
    /** Set when the host belongs to a project that is disabled. */
    disabledProject?: string;
  };
  'upstream-down': { project: string; /** The dev server: an origin (`http://localhost:5173`) or `host:port`. */ upstream: string };
  'upstream-timeout': { project: string; upstream: string };
  misdirected: { host: string };
  'bad-request': { /** `absolute-form`, `missing-host`, `duplicate-host`, or a sentence. */ reason: string };
  'method-not-allowed': { method: string };
}

export type ErrorPageKind = keyof ErrorPageData;

const STATUS: Readonly<Record<ErrorPageKind, number>> = {
  'unknown-host': 404,
  'upstream-down': 502,
  'upstream-timeout': 504,
  misdirected: 421,
  'bad-request': 400,
  'method-not-allowed': 405,
};

const HTML_SPECIAL = /[&<>"']/g;
const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(HTML_SPECIAL, (char) => HTML_ENTITIES[char] as string);
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#5f6368;--bg:#fafafa;--card:#fff;--line:#e0e0e0;--accent:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#9aa0a6;--bg:#17181a;--card:#202124;--line:#3c4043;--accent:#8ab4f8}}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:40rem;margin:10vh auto;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
.status{margin:0;color:var(--muted);font-size:.875rem;letter-spacing:.02em}
h1{margin:.25rem 0 1rem;font-size:1.5rem;line-height:1.3;overflow-wrap:anywhere}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--bg);padding:.1em .3em;border-radius:4px;overflow-wrap:anywhere}
a{color:var(--accent)}ul{padding-left:1.25rem}.muted{color:var(--muted)}
`;

/**
 * Polls the page's own URL and reloads once the answer is anything but 502, with a backoff from
 * 1 s to 10 s. `redirect: 'manual'` so a dev server that redirects elsewhere still counts as up
 * (a cross-origin redirect would otherwise fail the fetch forever).
 */
const RELOAD_SCRIPT = `(function(){var d=1000;function later(){setTimeout(poll,d);d=Math.min(d*1.5,10000)}function poll(){fetch(location.href,{method:'HEAD',cache:'no-store',redirect:'manual'}).then(function(r){if(r.status===502){later()}else{location.reload()}},later)}later()})();`;

let policies: { plain: string; reloading: string } | undefined;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/** The pages' CSP: computed once, at first use (CSP3 hash sources). */
function contentSecurityPolicy(withScript: boolean): string {
  if (!policies) {
    const base = `default-src 'none'; style-src ${sha256(STYLE)}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
    policies = { plain: base, reloading: `${base}; script-src ${sha256(RELOAD_SCRIPT)}; connect-src 'self'` };
  }
  return withScript ? policies.reloading : policies.plain;
}

/** `host` without a port, for display (`web.localhost:8443` → `web.localhost`). */
function hostName(host: string): string {
  const trimmed = host.trim();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1) || trimmed;
  const colon = trimmed.indexOf(':');
  return colon === -1 ? trimmed : trimmed.slice(0, colon);
}

/** `localhost:5173` from `http://localhost:5173`; a bare `host:port` as it is. */
function address(upstream: string): string {
  if (!/^https?:\/\//i.test(upstream)) return upstream;
  try {
    return new URL(upstream).host;
  } catch {
    return upstream;
  }
}

/** The `portico add` line that would serve `host`: `<label>.localhost` is the default domain, anything else needs --domain. */
export function addCommandFor(host: string): string {
  const name = hostName(host).toLowerCase();
  const label = name.split('.')[0] ?? '';
  const project = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label) ? label : '<name>';
  const domain = name === `${project}.localhost` ? '' : ` --domain ${name}`;
  return `portico add ${project} --port <port>${domain}`;
}

const BAD_REQUEST_REASONS: Readonly<Record<string, string>> = {
  'absolute-form': 'The request names a full URL instead of a path. Portico is a reverse proxy, not a forward proxy: send requests to the project’s own address.',
  'missing-host': 'The request has no Host header, so Portico cannot tell which project it is for.',
  'duplicate-host': 'The request has more than one Host header, so Portico cannot tell which project it is for (RFC 9112 §3.2).',
};

/** What a page says: a title, HTML paragraphs (already escaped), and the same as plain text for JSON. */
interface PageContent {
  title: string;
  titleHtml: string;
  bodyHtml: string;
  message: string;
  details: Record<string, unknown>;
}

type ContentBuilders = { [K in ErrorPageKind]: (data: ErrorPageData[K]) => PageContent };

const CONTENT: ContentBuilders = {
  'unknown-host': ({ host, projects, disabledProject }) => {
    const name = hostName(host);
    const command = addCommandFor(host);
    const list = projects.map((project) => {
      const label = escapeHtml(project.name);
      return /^https?:\/\//i.test(project.url) ? `<li><a href="${escapeHtml(project.url)}">${label}</a> <span class="muted">${escapeHtml(project.url)}</span></li>` : `<li>${label}</li>`;
    });
    const disabled = disabledProject === undefined ? '' : `<p><code>${escapeHtml(name)}</code> belongs to <strong>${escapeHtml(disabledProject)}</strong>, which is disabled. Turn it on with <code>portico enable ${escapeHtml(disabledProject)}</code>.</p>`;
    const existing = list.length > 0 ? `<p>Projects on this machine:</p><ul>${list.join('')}</ul>` : '<p>There are no projects yet.</p>';
    return {
      title: disabledProject === undefined ? `No project is called ${name}` : `${name} is disabled`,
      titleHtml: disabledProject === undefined ? `No project is called <code>${escapeHtml(name)}</code>` : `<code>${escapeHtml(name)}</code> is disabled`,
      bodyHtml: `${disabled}${existing}<p>To serve a dev server here, run:</p><p><code>${escapeHtml(command)}</code></p>`,
      message: disabledProject === undefined ? `No project is called ${name}. Add one with: ${command}` : `${name} belongs to ${disabledProject}, which is disabled. Turn it on with: portico enable ${disabledProject}`,
      details: { host: name, projects: projects.map(({ name: project, url }) => ({ name: project, url })), ...(disabledProject === undefined ? { add: command } : { disabledProject }) },
    };
  },
  'upstream-down': ({ project, upstream }) => ({
    title: `${project}'s dev server isn't answering on ${address(upstream)}`,
    titleHtml: `${escapeHtml(project)}’s dev server isn’t answering on <code>${escapeHtml(address(upstream))}</code>`,
    bodyHtml: `<p>Start it (for example <code>npm run dev</code> in the project), and this page reloads by itself once it answers.</p><p>If it is running on another port, check the project with <code>portico show ${escapeHtml(project)}</code>.</p>`,
    message: `${project}'s dev server isn't answering on ${address(upstream)}. Start it, or check the port with: portico show ${project}`,
    details: { project, upstream: address(upstream) },
  }),
  'upstream-timeout': ({ project, upstream }) => ({
    title: `${project}'s dev server on ${address(upstream)} took too long to answer`,
    titleHtml: `${escapeHtml(project)}’s dev server on <code>${escapeHtml(address(upstream))}</code> took too long to answer`,
    bodyHtml: `<p>It accepted the connection but sent no response in time. It may be busy (a large build), paused in a debugger, or stuck: look at its terminal, restart it if needed, then reload.</p>`,
    message: `${project}'s dev server on ${address(upstream)} took too long to answer. Check its terminal, restart it if needed, then retry.`,
    details: { project, upstream: address(upstream) },
  }),
  misdirected: ({ host }) => ({
    title: `This connection cannot serve ${hostName(host)}`,
    titleHtml: `This connection cannot serve <code>${escapeHtml(hostName(host))}</code>`,
    bodyHtml: '<p>The request reached Portico over a connection set up for another project. Browsers retry on a new connection by themselves; if you see this page, reload it.</p>',
    message: `The request for ${hostName(host)} came over a connection set up for another project. Retry it on a new connection.`,
    details: { host: hostName(host) },
  }),
  'bad-request': ({ reason }) => {
    const text = BAD_REQUEST_REASONS[reason] ?? reason;
    return { title: 'Bad request', titleHtml: 'Bad request', bodyHtml: `<p>${escapeHtml(text)}</p>`, message: text, details: { reason } };
  },
  'method-not-allowed': ({ method }) => ({
    title: `${method} is not supported`,
    titleHtml: `<code>${escapeHtml(method)}</code> is not supported`,
    bodyHtml: '<p>Portico is a reverse proxy for your projects, not a forward proxy: it does not open tunnels.</p>',
    message: `${method} is not supported: Portico is a reverse proxy, not a forward proxy.`,
    details: { method },
  }),
};

function html(status: number, content: PageContent, script: boolean): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${status} · ${escapeHtml(content.title)}</title><style>${STYLE}</style></head>` +
    `<body><main><p class="status">${status} · Portico</p><h1>${content.titleHtml}</h1>${content.bodyHtml}</main>` +
    (script ? `<script>${RELOAD_SCRIPT}</script>` : '') +
    '</body></html>'
  );
}

/**
 * The page for `kind`: HTML with its CSP, or JSON (`{"error": {status, kind, title, message,
 * …details}}`) when the client prefers JSON. Never cached: the state it describes changes.
 */
export function renderErrorPage<K extends ErrorPageKind>(kind: K, data: ErrorPageData[K], prefersJson: boolean): LocalResponse {
  const status = STATUS[kind];
  const content = (CONTENT[kind] as (data: ErrorPageData[K]) => PageContent)(data);
  const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (prefersJson) {
    const body = JSON.stringify({ error: { status, kind, title: content.title, message: content.message, ...content.details } });
    return { status, headers: { ...common, 'content-type': 'application/json; charset=utf-8' }, body };
  }
  const script = kind === 'upstream-down';
  return {
    status,
    headers: { ...common, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': contentSecurityPolicy(script), 'referrer-policy': 'no-referrer' },
    body: html(status, content, script),
  };
}
