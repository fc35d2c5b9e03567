/**
 * The dashboard end to end (issue 5): the real `portico serve`, a real upstream, Debian's
 * Chromium. Each step is done the way a person does it (the printed URL, the form, the
 * switches, the tabs) and checked where it matters: on the page, and on the wire for routing.
 * Screenshots of every view land in test-results/dashboard/ for a human look.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, openBrowser } from './support/browser';
import type { WatchedPage } from './support/browser';
import { staleDashboardBuild } from './support/dashboard-build';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { httpGet, httpsGet, startUpstream, UPSTREAM_TEXT } from './support/wire';
import type { Upstream } from './support/wire';

const SHOTS = fileURLToPath(new URL('../../test-results/dashboard/', import.meta.url));
const HOST = 'web.localhost';
// The engine applies a change within a second; a generous bound keeps a loaded CI machine green.
const ROUTE_CHANGE = { timeout: 10_000, interval: 100 };

const skipReason = chromiumMissing();
if (skipReason !== null) console.log(`Skipping the dashboard e2e test: ${skipReason}`);

async function openSslFingerprint(pemPath: string): Promise<string> {
  const { stdout } = await promisify(execFile)('openssl', ['x509', '-fingerprint', '-sha256', '-noout', '-in', pemPath]);
  const match = /Fingerprint=([0-9A-F:]+)/i.exec(stdout);
  if (!match?.[1]) throw new Error(`openssl printed no fingerprint: ${stdout}`);
  return match[1].toUpperCase();
}

describe.skipIf(skipReason !== null)('the dashboard in Chromium against `portico serve`', () => {
  let root: string;
  let porticoHome: string;
  let serve: ServeProcess | undefined;
  let upstream: Upstream | undefined;
  let browser: WatchedPage | undefined;
  let page: Page;
  let ca: string;

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
  const https = (path = '/') => httpsGet({ host: HOST, port: serve!.httpsPort, path, ca });
  const http = (path = '/') => httpGet({ host: HOST, port: serve!.httpPort, path });
  const card = () => page.getByRole('article', { name: 'web' });
  const trustTable = () => page.getByRole('table', { name: "Trust stores and whether Portico's root is installed" });
  const trustRefused = () => page.getByRole('alert').filter({ hasText: 'cannot manage trust stores' });

  beforeAll(async () => {
    const stale = await staleDashboardBuild();
    if (stale !== null) throw new Error(stale);
    root = await mkdtemp(join(tmpdir(), 'portico-e2e-'));
    porticoHome = join(root, 'portico-home');
    const home = join(root, 'home');
    await Promise.all([mkdir(porticoHome), mkdir(home), mkdir(join(root, 'chromium-profile')), mkdir(SHOTS, { recursive: true })]);
    [serve, upstream] = await Promise.all([startServe({ PORTICO_HOME: porticoHome, HOME: home }), startUpstream()]);
    ca = await readFile(join(porticoHome, 'ca', 'root.pem'), 'utf8');
    browser = await openBrowser(join(root, 'chromium-profile'), home);
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.context.close();
    await serve?.stop();
    await upstream?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it('opens the printed URL, takes the token out of the address bar and shows the first-run guide', async () => {
    const printed = new URL(serve!.dashboardUrl);
    expect(printed.hash).toMatch(/^#token=[0-9a-f]{32}$/);
    await page.goto(serve!.dashboardUrl);
    await page.getByRole('heading', { name: 'Welcome to Portico' }).waitFor();
    expect(page.url()).toBe(`${printed.origin}/`);
    await page.getByRole('region', { name: 'Add your first project' }).waitFor();
  });

  it('adds a project through the form and lists it as up', async () => {
    const form = page.getByRole('region', { name: 'Add your first project' });
    await form.getByLabel('Name', { exact: true }).fill('web');
    await form.getByLabel('Port or upstream URL').fill(String(upstream!.port));
    await form.getByRole('button', { name: 'Add project' }).click();
    await card().waitFor();
    await card().getByText('Up', { exact: true }).waitFor();
    await expect(card().getByRole('link', { name: `https://${HOST}:${serve!.httpsPort}` }).count()).resolves.toBe(1);
    await expect.poll(() => https(), ROUTE_CHANGE).toMatchObject({ status: 200, body: UPSTREAM_TEXT });
    await shot('projects-light');
  });

  it('turning HTTPS off sends HTTPS to HTTP with max-age=0 and proxies plain HTTP', async () => {
    await page.getByRole('switch', { name: 'HTTPS for web' }).click();
    await page.getByRole('switch', { name: 'HTTPS for web', checked: false }).waitFor();
    await expect
      .poll(() => https(), ROUTE_CHANGE)
      .toMatchObject({ status: 307, location: `http://${HOST}:${serve!.httpPort}/`, hsts: 'max-age=0' });
    await expect(http()).resolves.toMatchObject({ status: 200, body: UPSTREAM_TEXT });
  });

  it('turning HTTPS on again serves HTTPS and redirects plain HTTP to it', async () => {
    await page.getByRole('switch', { name: 'HTTPS for web' }).click();
    await page.getByRole('switch', { name: 'HTTPS for web', checked: true }).waitFor();
    await expect.poll(() => https(), ROUTE_CHANGE).toMatchObject({ status: 200, body: UPSTREAM_TEXT });
    await expect(http()).resolves.toMatchObject({ status: 307, location: `https://${HOST}:${serve!.httpsPort}/` });
  });

  it('shows the TLS details of the project', async () => {
    await page.getByRole('button', { name: 'TLS details for web' }).click();
    const details = page.getByRole('region', { name: 'TLS details for web' });
    await details.getByRole('heading', { name: 'Certificate' }).waitFor();
    await details.getByText(HOST, { exact: true }).waitFor();
    await shot('tls-details');
    await page.getByRole('button', { name: 'TLS details for web' }).click();
  });

  it('renders the projects view in the dark theme', async () => {
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await shot('projects-dark');
    await page.getByLabel('Theme').selectOption('light');
  });

  it('shows a request made through the proxy in the live log', async () => {
    await page.getByRole('tab', { name: 'Requests' }).click();
    const log = page.getByRole('table', { name: 'Recent requests, newest first' });
    await log.waitFor();
    await expect(https('/e2e-live?probe=1')).resolves.toMatchObject({ status: 200 });
    const row = log.getByRole('row').filter({ hasText: '/e2e-live' });
    await row.waitFor();
    const cells = (await row.getByRole('cell').allInnerTexts()).map((text) => text.trim());
    expect(cells).toEqual(expect.arrayContaining(['web', 'GET', '200']));
    expect(cells.some((cell) => cell.startsWith('/e2e-live'))).toBe(true);
    await shot('requests');
  });

  it("keeps the project card's request count current as requests go through", async () => {
    const logged = await page
      .getByRole('table', { name: 'Recent requests, newest first' })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'web', exact: true }) })
      .count();
    await page.getByRole('tab', { name: 'Projects' }).click();
    const count = card().locator('dt:text-is("Requests") + dd');
    // The count is part of the status the engine pushes "on every change" (shared/status.ts).
    await expect.poll(() => count.innerText(), { timeout: 5_000 }).toBe(String(logged));
  });

  it("shows the root CA's fingerprint on the CA and trust tab", async () => {
    const expected = await openSslFingerprint(join(porticoHome, 'ca', 'root.pem'));
    await page.getByRole('tab', { name: 'CA and trust' }).click();
    await page.getByRole('heading', { name: 'Local certificate authority' }).waitFor();
    await page.getByText(expected, { exact: true }).waitFor();
    // The trust stores are checked on their own: wait for their answer, whatever it is, before the picture.
    await trustTable().or(trustRefused()).first().waitFor({ timeout: 10_000 });
    await shot('ca-trust');
  });

  it('lists the trust stores and their state on the CA and trust tab', async () => {
    // `portico serve` answers trust.status with E_UNKNOWN_COMMAND when it starts the engine without the trust service.
    const refusal = (await trustRefused().allInnerTexts()).join(' ');
    expect(refusal).toBe('');
    await expect(trustTable().getByRole('row').count()).resolves.toBeGreaterThan(1);
  });

  it('fits every tab into a phone-sized window without sideways scrolling', async () => {
    const overflow = () => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.getByRole('tab', { name: 'Projects' }).click();
      await page.getByRole('button', { name: 'TLS details for web' }).click();
      await page.getByRole('region', { name: 'TLS details for web' }).waitFor();
      await shot('projects-narrow');
      await expect(overflow(), 'Projects with TLS details open').resolves.toBe(0);
      await page.getByRole('button', { name: 'TLS details for web' }).click();

      await page.getByRole('tab', { name: 'CA and trust' }).click();
      await trustTable().or(trustRefused()).first().waitFor({ timeout: 10_000 });
      await shot('ca-trust-narrow');
      await expect(overflow(), 'CA and trust').resolves.toBe(0);

      await page.getByRole('tab', { name: 'Requests' }).click();
      await page.getByRole('table', { name: 'Recent requests, newest first' }).waitFor();
      await expect(overflow(), 'Requests').resolves.toBe(0);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('removes the project after the confirm step and shows the empty state again', async () => {
    await page.getByRole('tab', { name: 'Projects' }).click();
    await page.getByRole('button', { name: 'Remove web' }).click();
    await page.getByRole('group', { name: 'Remove web?' }).getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByRole('heading', { name: 'Welcome to Portico' }).waitFor();
    await expect(card().count()).resolves.toBe(0);
    await expect.poll(async () => (await http()).status, ROUTE_CHANGE).toBe(404);
    await shot('empty-state');
  });

  // Last of the page steps: every step before relies on the first root (the `ca` the HTTPS checks trust).
  it('rotates the CA from the CA panel with another suffix, after the confirm step', async () => {
    // `.dev.internal` would be refused as already allowed (the default root permits all of `internal`): a suffix it does not cover.
    const suffix = '.example';
    const pem = join(porticoHome, 'ca', 'root.pem');
    const before = await openSslFingerprint(pem);
    await page.getByRole('tab', { name: 'CA and trust' }).click();
    await page.getByText(before, { exact: true }).waitFor();

    await page.getByRole('textbox', { name: 'New suffix' }).fill(suffix);
    await page.getByRole('form', { name: 'Allow another suffix' }).getByRole('button', { name: 'Allow another suffix' }).click();
    await page.getByRole('list', { name: 'Suffixes the next root allows' }).getByText(suffix, { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Rotate the CA' }).click();
    const confirm = page.getByRole('group', { name: 'Rotate the local CA?' });
    await confirm.getByText('re-issued, signed by the new root').waitFor();
    await shot('ca-rotate-confirm');
    await confirm.getByRole('button', { name: 'Rotate', exact: true }).click();

    await page.getByRole('status').filter({ hasText: 'New root made, also allowing .example' }).waitFor({ timeout: 10_000 });
    const after = await openSslFingerprint(pem);
    expect(after).not.toBe(before);
    await page.getByText(after, { exact: true }).waitFor();
    await expect(page.getByText(before, { exact: true }).count()).resolves.toBe(0);
    await page.getByRole('list', { name: 'Name constraints' }).getByText('example', { exact: true }).waitFor();
    // The root on disk, read by OpenSSL: its nameConstraints now permit the new suffix (RFC 5280 §4.2.1.10).
    const { stdout } = await promisify(execFile)('openssl', ['x509', '-in', pem, '-noout', '-ext', 'nameConstraints']);
    expect(stdout).toMatch(/Permitted:[\s\S]*DNS:example\b/);
    expect(stdout).toContain('DNS:internal');
    await trustTable().or(trustRefused()).first().waitFor({ timeout: 10_000 });
    await shot('ca-rotated');
  });

  it('logged no console error and no CSP violation', async () => {
    expect(browser!.errors).toEqual([]);
    await expect(browser!.cspViolations()).resolves.toEqual([]);
  });

  it('lets no page script drive the control API without the token', async () => {
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/projects.list', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
      return { status: response.status, body: await response.text() };
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'E_UNAUTHORIZED' } });
  });

  it('stops cleanly on SIGTERM', async () => {
    await browser!.context.close();
    browser = undefined;
    await expect(serve!.stop()).resolves.toBe(0);
    expect(serve!.stderr()).toContain('Stopped.');
  });
});
