import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { addCommandFor, escapeHtml, renderErrorPage, type ErrorPageData, type ErrorPageKind } from '../../../../main/engine/proxy/pages';

const HOSTILE = `<script>alert("x")</script>&'`;

describe('escapeHtml', () => {
  const cases = [
    { name: 'script tag', input: '<script>alert(1)</script>', expected: '&lt;script&gt;alert(1)&lt;/script&gt;' },
    { name: 'double quote', input: 'a"b', expected: 'a&quot;b' },
    { name: 'single quote', input: "a'b", expected: 'a&#39;b' },
    { name: 'ampersand', input: 'a&b', expected: 'a&amp;b' },
    { name: 'an entity is escaped again, not trusted', input: '&amp;', expected: '&amp;amp;' },
    { name: 'attribute break-out', input: '" onmouseover="x', expected: '&quot; onmouseover=&quot;x' },
    { name: 'plain text unchanged', input: 'web.localhost:8443', expected: 'web.localhost:8443' },
    { name: 'empty', input: '', expected: '' },
  ];
  it.each(cases)('$name', ({ input, expected }) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('addCommandFor', () => {
  const cases = [
    { name: 'a .localhost name needs no --domain', host: 'shop.localhost', expected: 'portico add shop --port <port>' },
    { name: 'the port of the Host is ignored', host: 'Shop.localhost:8443', expected: 'portico add shop --port <port>' },
    { name: 'another suffix needs --domain', host: 'api.test', expected: 'portico add api --port <port> --domain api.test' },
    { name: 'a deeper name keeps the full domain', host: 'a.b.localhost', expected: 'portico add a --port <port> --domain a.b.localhost' },
    { name: 'a label that is no project name gets a placeholder', host: '_x.test', expected: 'portico add <name> --port <port> --domain _x.test' },
  ];
  it.each(cases)('$name', ({ host, expected }) => {
    expect(addCommandFor(host)).toBe(expected);
  });
});

type Case = { [K in ErrorPageKind]: { kind: K; data: ErrorPageData[K]; status: number; html: string[]; message: RegExp } }[ErrorPageKind];

const cases: Case[] = [
  {
    kind: 'unknown-host',
    data: { host: 'shop.localhost:8443', projects: [{ name: 'web', url: 'https://web.localhost' }, { name: 'api', url: 'https://api.test:8443' }] },
    status: 404,
    html: ['No project is called <code>shop.localhost</code>', '<a href="https://web.localhost">web</a>', '<a href="https://api.test:8443">api</a>', 'portico add shop --port &lt;port&gt;'],
    message: /^No project is called shop\.localhost\. Add one with: portico add shop --port <port>$/,
  },
  {
    kind: 'unknown-host',
    data: { host: 'web.localhost', projects: [{ name: 'web', url: 'https://web.localhost' }], disabledProject: 'web' },
    status: 404,
    html: ['<code>web.localhost</code> is disabled', 'portico enable web'],
    message: /disabled\. Turn it on with: portico enable web$/,
  },
  {
    kind: 'unknown-host',
    data: { host: 'x.localhost', projects: [] },
    status: 404,
    html: ['There are no projects yet.'],
    message: /^No project is called x\.localhost/,
  },
  {
    kind: 'upstream-down',
    data: { project: 'web', upstream: 'http://localhost:5173' },
    status: 502,
    html: ['web’s dev server isn’t answering on <code>localhost:5173</code>', 'portico show web', '<script>'],
    message: /^web's dev server isn't answering on localhost:5173\. Start it, or check the port with: portico show web$/,
  },
  {
    kind: 'upstream-timeout',
    data: { project: 'web', upstream: '127.0.0.1:5173' },
    status: 504,
    html: ['took too long to answer', '<code>127.0.0.1:5173</code>'],
    message: /took too long to answer/,
  },
  {
    kind: 'misdirected',
    data: { host: 'api.test:443' },
    status: 421,
    html: ['This connection cannot serve <code>api.test</code>'],
    message: /new connection/,
  },
  {
    kind: 'bad-request',
    data: { reason: 'absolute-form' },
    status: 400,
    html: ['not a forward proxy'],
    message: /not a forward proxy/,
  },
  {
    kind: 'bad-request',
    data: { reason: 'missing-host' },
    status: 400,
    html: ['no Host header'],
    message: /no Host header/,
  },
  {
    kind: 'method-not-allowed',
    data: { method: 'CONNECT' },
    status: 405,
    html: ['<code>CONNECT</code> is not supported'],
    message: /^CONNECT is not supported/,
  },
];

function inline(body: string, tag: 'script' | 'style'): string[] {
  return [...body.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => match[1] as string);
}

const hashSource = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('renderErrorPage (HTML)', () => {
  it.each(cases)('$kind → $status', ({ kind, data, status, html }) => {
    const page = renderErrorPage(kind, data as never, false);
    expect(page.status).toBe(status);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    for (const fragment of html) expect(page.body).toContain(fragment);
    expect(page.body.startsWith('<!doctype html>')).toBe(true);
  });

  it.each(cases)('$kind is self-contained and its CSP allows exactly its inline style and script', ({ kind, data }) => {
    const page = renderErrorPage(kind, data as never, false);
    const csp = page.headers['content-security-policy'] ?? '';
    expect(csp).toMatch(/^default-src 'none'; /);
    // No external resource of any kind: links to projects are the only URLs.
    expect(page.body).not.toMatch(/<link|<img|<iframe|\ssrc=|@import|url\(/i);
    const styles = inline(page.body, 'style');
    expect(styles).toHaveLength(1);
    expect(csp).toContain(`style-src ${hashSource(styles[0] as string)}`);
    const scripts = inline(page.body, 'script');
    if (kind === 'upstream-down') {
      expect(scripts).toHaveLength(1);
      expect(csp).toContain(`script-src ${hashSource(scripts[0] as string)}`);
      expect(csp).toContain("connect-src 'self'");
    } else {
      expect(scripts).toHaveLength(0);
      expect(csp).not.toContain('script-src');
      expect(csp).not.toContain('connect-src');
    }
  });

  it('escapes every interpolated value', () => {
    const pages = [
      renderErrorPage('unknown-host', { host: HOSTILE, projects: [{ name: HOSTILE, url: `https://x.test/"><script>alert(1)</script>` }], disabledProject: HOSTILE }, false),
      renderErrorPage('upstream-down', { project: HOSTILE, upstream: HOSTILE }, false),
      renderErrorPage('upstream-timeout', { project: HOSTILE, upstream: HOSTILE }, false),
      renderErrorPage('misdirected', { host: HOSTILE }, false),
      renderErrorPage('bad-request', { reason: HOSTILE }, false),
      renderErrorPage('method-not-allowed', { method: HOSTILE }, false),
    ];
    for (const page of pages) {
      expect(page.body).not.toContain('<script>alert');
      expect(page.body).not.toContain('"><script>');
      expect(page.body).toContain('&lt;script&gt;alert(');
    }
  });

  it('links only http(s) project URLs', () => {
    const page = renderErrorPage('unknown-host', { host: 'x.localhost', projects: [{ name: 'evil', url: 'javascript:alert(1)' }] }, false);
    expect(page.body).not.toContain('href="javascript');
    expect(page.body).toContain('<li>evil</li>');
  });
});

describe('renderErrorPage (JSON)', () => {
  it.each(cases)('$kind → $status', ({ kind, data, status, message }) => {
    const page = renderErrorPage(kind, data as never, true);
    expect(page.status).toBe(status);
    expect(page.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toBeUndefined();
    const parsed = JSON.parse(page.body) as { error: { status: number; kind: string; message: string } };
    expect(parsed.error.status).toBe(status);
    expect(parsed.error.kind).toBe(kind);
    expect(parsed.error.message).toMatch(message);
  });

  it('carries the project list for the 404', () => {
    const page = renderErrorPage('unknown-host', { host: 'shop.localhost', projects: [{ name: 'web', url: 'https://web.localhost' }] }, true);
    expect(JSON.parse(page.body)).toEqual({
      error: {
        status: 404,
        kind: 'unknown-host',
        title: 'No project is called shop.localhost',
        message: 'No project is called shop.localhost. Add one with: portico add shop --port <port>',
        host: 'shop.localhost',
        projects: [{ name: 'web', url: 'https://web.localhost' }],
        add: 'portico add shop --port <port>',
      },
    });
  });
});

describe('the 502 reload script', () => {
  type Reply = { status: number } | Error;

  /** Runs the page's own script in a VM with a scripted fetch and a manual timer queue. */
  function runScript(replies: Reply[]) {
    const script = inline(renderErrorPage('upstream-down', { project: 'web', upstream: 'http://localhost:5173' }, false).body, 'script')[0] as string;
    const timers: { fn: () => void; ms: number }[] = [];
    const fetches: { url: string; init: unknown }[] = [];
    let reloads = 0;
    const context = {
      location: { href: 'https://web.localhost/app?x=1', reload: () => (reloads += 1) },
      setTimeout: (fn: () => void, ms: number) => timers.push({ fn, ms }),
      fetch: (url: string, init: unknown) => {
        fetches.push({ url, init });
        const reply = replies.shift() ?? { status: 502 };
        return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
      },
      Math,
    };
    runInNewContext(script, context);
    const tick = async () => {
      const timer = timers.shift();
      if (!timer) throw new Error('no timer pending');
      timer.fn();
      // Let the fetch promise and its handlers settle.
      for (let i = 0; i < 5; i++) await Promise.resolve();
      return timer.ms;
    };
    return { timers, fetches, tick, reloads: () => reloads };
  }

  it('polls the same URL with HEAD, backs off while it gets 502, and reloads on the first other answer', async () => {
    const run = runScript([{ status: 502 }, new Error('network down'), { status: 502 }, { status: 200 }]);
    const delays = [await run.tick(), await run.tick(), await run.tick(), await run.tick()];
    expect(delays).toEqual([1000, 1500, 2250, 3375]);
    expect(run.fetches).toHaveLength(4);
    for (const call of run.fetches) {
      expect(call.url).toBe('https://web.localhost/app?x=1');
      expect(call.init).toMatchObject({ method: 'HEAD', cache: 'no-store', redirect: 'manual' });
    }
    expect(run.reloads()).toBe(1);
    expect(run.timers).toHaveLength(0);
  });

  it('counts an opaque redirect (status 0) and a 404 as the dev server answering', async () => {
    for (const status of [0, 404, 504]) {
      const run = runScript([{ status }]);
      await run.tick();
      expect(run.reloads()).toBe(1);
    }
  });

  it('never waits more than 10 s between polls', async () => {
    const run = runScript([]);
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) delays.push(await run.tick());
    expect(Math.max(...delays)).toBe(10_000);
    expect(run.reloads()).toBe(0);
  });
});
