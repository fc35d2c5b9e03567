import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../main/engine/system/exec';
import { runCli } from '../helpers/run-cli';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { systemHome, type SystemHome } from '../helpers/system-home';

/**
 * The whole trust story in a real browser: `portico serve` in front of a real upstream, the
 * Portico root trusted with `portico trust install --store nss` in a throwaway HOME, and Debian's
 * Chromium (which reads $HOME/.pki/nssdb) loading the project over HTTP/2 with no certificate
 * error — then refusing it once `portico trust uninstall` removed the root. Certificate errors
 * are never ignored.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasCertutil = await exec(['certutil', '-H']).then(() => true, () => false);
const missing = [!existsSync(CHROMIUM) && `${CHROMIUM} is not installed (apt-get install chromium)`, !hasCertutil && 'certutil is not installed (apt-get install libnss3-tools)'].filter(Boolean);
if (missing.length > 0) console.log(`skipping the browser trust test: ${missing.join('; ')}`);

let world: SystemHome;
let upstream: Server;
let serve: ServeProcess | undefined;
let httpsPort = 0;
let profiles: string;

function cli(args: string[]) {
  return runCli(args, world.env).then((result) => {
    if (result.code !== 0) throw new Error(`portico ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result;
  });
}

/** A fresh browser profile each time: Chromium caches certificate verdicts per profile. */
async function browser(): Promise<BrowserContext> {
  const profile = await mkdtemp(join(profiles, 'profile-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, HOME: world.home },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP *.test 127.0.0.1',
    ],
  });
}

async function load(context: BrowserContext, url: string) {
  const page = await context.newPage();
  const response = await page.goto(url);
  // Runs in the page; typed by hand because this project's Node tsconfig has no DOM library.
  const facts = await page.evaluate(() => {
    const page = globalThis as unknown as {
      isSecureContext: boolean;
      performance: { getEntriesByType(type: string): { nextHopProtocol?: string }[] };
      document: { body: { textContent: string | null } };
    };
    return { secure: page.isSecureContext, protocol: page.performance.getEntriesByType('navigation')[0]?.nextHopProtocol, text: page.document.body.textContent };
  });
  return { status: response?.status(), ...facts };
}

describe.skipIf(missing.length > 0)('a trusted Portico root in a real Chromium', () => {
  beforeAll(async () => {
    world = await systemHome();
    profiles = await mkdtemp(join(tmpdir(), 'portico-chromium-'));
    upstream = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<!doctype html><title>web</title><body>hello from the dev server</body>');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as { port: number }).port;
    await cli(['add', 'web', '--port', String(port), '--domain', 'web.localhost', '--domain', 'web.test']);
    await cli(['trust', 'install', '--store', 'nss']);
    serve = await startServe(world.env);
    httpsPort = serve.httpsPort;
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
    await rm(profiles, { recursive: true, force: true });
    await world?.cleanup();
  });

  it('loads https://web.localhost and https://web.test over h2 with no certificate error, and refuses them after trust uninstall', { timeout: 180_000 }, async () => {
    const trusted = await browser();
    try {
      for (const host of ['web.localhost', 'web.test']) {
        const result = await load(trusted, `https://${host}:${httpsPort}/`);
        expect(result, host).toMatchObject({ status: 200, secure: true, protocol: 'h2' });
        expect(result.text).toContain('hello from the dev server');
      }
    } finally {
      await trusted.close();
    }

    await cli(['trust', 'uninstall', '--store', 'nss']);

    const untrusted = await browser();
    try {
      const page = await untrusted.newPage();
      for (const host of ['web.localhost', 'web.test']) {
        const error = await page.goto(`https://${host}:${httpsPort}/`).then(() => null, (caught: Error) => caught);
        expect(error?.message, host).toContain('net::ERR_CERT_AUTHORITY_INVALID');
      }
    } finally {
      await untrusted.close();
    }
  });
});
