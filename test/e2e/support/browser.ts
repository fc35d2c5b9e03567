/**
 * Debian's Chromium driven by playwright-core: headless, a fresh profile and a temp HOME (so
 * nothing reads or writes the real user's NSS store or config), plus a record of everything the
 * page complained about: console errors, uncaught exceptions and CSP violations.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const chromiumMissing = (): string | null =>
  existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` to run the dashboard end-to-end test.`;

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Registered before any page script runs, so a violation during load is caught too.
const RECORD_CSP_VIOLATIONS = `
  globalThis.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    globalThis.__cspViolations.push(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' at ' + event.sourceFile + ':' + event.lineNumber);
  });
`;

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions, in order. */
  errors: string[];
  /** CSP violations the page saw (read from the page). */
  cspViolations(): Promise<string[]>;
}

export async function openBrowser(profileDir: string, home: string): Promise<WatchedPage> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    env: { ...process.env, HOME: home },
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  await context.addInitScript(RECORD_CSP_VIOLATIONS);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return {
    context,
    page,
    errors,
    cspViolations: async () => (await page.evaluate('globalThis.__cspViolations ?? []')) as string[],
  };
}
