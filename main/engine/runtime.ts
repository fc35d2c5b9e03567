/**
 * A running engine: the proxy on its two loopback ports, certificates checked before listening
 * (missing ones issued in the background, a handshake waiting for its own) and renewed on the
 * handshake, the config file watched so CLI edits apply within a second, a
 * health monitor per upstream, and live status for every subscriber. `portico serve` and the
 * desktop app both run exactly this.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Config } from '../../shared/config';
import type { Listener, Status } from '../../shared/status';
import { createCertificateProvider } from './certificates';
import { isPorticoError, PorticoError, toErrorShape } from './errors';
import type { CommandHandlers } from './handlers';
import { createHealthMonitor } from './health/monitor';
import { createEngineParts, type EngineOptions } from './index';
import { claimEngine } from './instance';
import { KeyPool, secureKeyFiles } from './pki';
import { startIdleCollector } from './proxy/idle-collector';
import { createProxyServer, type ListeningInfo, type ProxyServer } from './proxy/server';
import { routeTableFromProjects } from './proxy/router';
import { intermediateTlsOptions } from './proxy/tls-profile';
import { createService, type ServiceExtensions } from './service';
import { createTrustService, followRotation } from './trust';
import { buildStatus } from './status';
import { describePortHolder } from './system/ports';
import { porticoVersion } from './version';
import type { ProxyTimeouts } from './proxy/timeouts';

export interface StartOptions extends EngineOptions {
  /** HTTPS port; undefined uses the config (`proxy.httpsPort`), whose null means 443 with fallback 8443. */
  httpsPort?: number;
  httpPort?: number;
  /** One line per notable event (ports chosen, certificates issued, reload failures). */
  log?: (line: string) => void;
  /** How often to look at the config file's metadata, besides the file-system watcher. */
  configPollMs?: number;
  /** Proxy limits (tests shorten them). */
  timeouts?: Partial<ProxyTimeouts>;
  /** Trust handlers for the contract, when the caller has them (the trust service). */
  trust?: ServiceExtensions['trust'];
  /** Keys to keep ready for new certificates. */
  keyPoolSize?: number;
}

export interface RunningEngine {
  handlers: CommandHandlers;
  events: ReturnType<typeof createEngineParts>['events'];
  parts: ReturnType<typeof createEngineParts>;
  proxy: ProxyServer;
  listeners: Listener[];
  status(): Promise<Status>;
  /** Re-reads the config now (the watcher does this by itself). */
  reload(): Promise<void>;
  /** Stops accepting, drains in-flight requests for up to `drainMs`, releases the data dir. */
  stop(options?: { drainMs?: number }): Promise<void>;
}

const PREFERRED = { https: 443, http: 80 };
const FALLBACK = { https: 8443, http: 8080 };

async function listenOnPorts(proxy: ProxyServer, wanted: { https: number | null; http: number | null }, log: (line: string) => void): Promise<{ info: ListeningInfo; note?: string }> {
  if (wanted.https !== null && wanted.http !== null) {
    try {
      return { info: await proxy.listen({ httpsPort: wanted.https, httpPort: wanted.http }) };
    } catch (error) {
      throw await withPortHolder(error);
    }
  }
  const https = wanted.https ?? PREFERRED.https;
  const http = wanted.http ?? PREFERRED.http;
  try {
    return { info: await proxy.listen({ httpsPort: https, httpPort: http }) };
  } catch (error) {
    if (!isPorticoError(error, 'E_PORT_PRIVILEGED') && !isPorticoError(error, 'E_PORT_IN_USE')) throw error;
    const why = isPorticoError(error, 'E_PORT_PRIVILEGED')
      ? `ports ${https}/${http} need privileges this process does not have (\`portico setup ports\` shows the one-time fix)`
      : `port ${https} or ${http} is taken${await holderNote(error)}`;
    const fallback = { https: wanted.https ?? FALLBACK.https, http: wanted.http ?? FALLBACK.http };
    const note = `${why}: using ${fallback.https}/${fallback.http} instead`;
    log(note);
    try {
      return { info: await proxy.listen({ httpsPort: fallback.https, httpPort: fallback.http }), note };
    } catch (second) {
      throw await withPortHolder(second);
    }
  }
}

async function holderNote(error: PorticoError): Promise<string> {
  const port = Number(/port (\d+)/.exec(error.message)?.[1]);
  return Number.isInteger(port) ? ` by ${await describePortHolder(port)}` : '';
}

async function withPortHolder(error: unknown): Promise<unknown> {
  if (!isPorticoError(error, 'E_PORT_IN_USE')) return error;
  return new PorticoError('E_PORT_IN_USE', `${error.message.replace(/\.$/, '')} (held${await holderNote(error)}).`, { cause: error });
}

export async function startEngine(options: StartOptions): Promise<RunningEngine> {
  const log = options.log ?? (() => undefined);
  const parts = createEngineParts(options);
  const { paths, store, events, now } = parts;
  const claim = await claimEngine(paths.engineFile);
  const keyPool = new KeyPool({ size: options.keyPoolSize ?? 4 });
  const cleanups: Array<() => unknown> = [() => keyPool.close(), () => claim.release()];
  try {
    let config = await store.read();
    const { ca, created } = await parts.ca.get();
    if (created) log(`Created the local CA: ${paths.caCert}`);
    // Key files stay 0600 whatever a copy, a restore or an editor did to them (issue #8).
    for (const warning of await secureKeyFiles(paths)) log(warning);
    // Status is pushed only once the engine serves, and only to subscribers; bursts (a reload
    // touching many projects, a page load's hundred requests moving the counters) coalesce into
    // one status.changed per window.
    let statusTimer: NodeJS.Timeout | undefined;
    let serving = false;
    let retireUnusedRoots: () => Promise<unknown> = async () => undefined;
    // One retirement at a time, and stop() waits for the last one (it writes the ledger).
    let retiring: Promise<unknown> = Promise.resolve();
    cleanups.unshift(() => retiring);
    let status: () => Promise<Status> = async () => {
      throw new PorticoError('E_ENGINE_NOT_RUNNING', 'the engine is still starting.');
    };
    function scheduleStatus(delayMs = 25): void {
      if (!serving || statusTimer || events.listenerCount('status.changed') === 0) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        void status().then((snapshot) => events.emit('status.changed', snapshot), (error: unknown) => log(`building status failed: ${String(error)}`));
      }, delayMs);
    }
    cleanups.unshift(() => clearTimeout(statusTimer));
    keyPool.start();
    const tls = intermediateTlsOptions();
    const certificates = createCertificateProvider({
      paths,
      store,
      ca: parts.ca,
      keyPool,
      now,
      tls,
      onError: (project, error) => log(`certificate for ${project}: ${error instanceof Error ? error.message : String(error)}`),
      onIssued: (project, info, reason) => {
        log(`Issued a certificate for ${project} (${info.sans.join(', ')}; ${reason}), valid until ${info.notAfter}`);
        scheduleStatus();
        // A re-issued certificate may have been the last one an older, rotated-out root signed:
        // that root then leaves the trust stores (issue #4). Failures show in `portico doctor`.
        retiring = retiring.then(() => retireUnusedRoots()).catch(() => undefined);
      },
    });
    // Before listening, every enabled project's certificate on disk is read and checked (issue
    // #3). Missing ones (a first start, a config written by hand) are issued in the background,
    // a few at a time, and a handshake that comes first starts its own at once and waits for it:
    // so `serve` with a hundred projects listens within a second instead of after a hundred key
    // generations (tens of seconds), and no first handshake fails for want of a certificate, it
    // only waits for one as long as a new project's does (issue #7, bench/README.md).
    cleanups.unshift(() => certificates.close());
    const startUp = await certificates.startUp(config.projects.filter((p) => p.enabled));
    if (startUp.issuing > 0) {
      log(`Issuing ${startUp.issuing} certificate${startUp.issuing === 1 ? '' : 's'} in the background (${startUp.ready} already on disk)`);
    }

    const health = createHealthMonitor({ onChange: () => scheduleStatus() });
    cleanups.unshift(() => health.stop());
    const proxy = createProxyServer({
      certificates,
      routes: routeTableFromProjects(config.projects),
      tls,
      ...(options.timeouts && { timeouts: options.timeouts }),
      hooks: {
        onUpstreamFailure: (route) => void health.probeNow(route.project),
        onWarning: (message) => log(message),
      },
    });
    cleanups.unshift(() => proxy.close({ drainMs: 0 }));
    const wanted = {
      https: options.httpsPort ?? config.proxy.httpsPort,
      http: options.httpPort ?? config.proxy.httpPort,
    };
    const { info, note } = await listenOnPorts(proxy, wanted, log);
    cleanups.shift();
    const listeners: Listener[] = [
      { role: 'https', addresses: info.hosts, port: info.httpsPort, ...(note && { note }) },
      { role: 'http', addresses: info.hosts, port: info.httpPort, ...(note && { note }) },
    ];
    await claim.update({ httpsPort: info.httpsPort, httpPort: info.httpPort });
    const unsubscribeLog = proxy.log.subscribe((entry) => {
      events.emit('request.logged', entry);
      // The per-project counters in the status moved.
      scheduleStatus(250);
    });

    status = async () => {
      const current = await parts.ca.present().catch(() => null);
      return buildStatus({
        config,
        dataDir: paths.dir,
        version: porticoVersion(),
        now: now(),
        engine: { running: true, pid: process.pid, startedAt: claim.record().startedAt },
        listeners,
        ca: current
          ? { present: true, certPath: paths.caCert, fingerprint256: current.info.fingerprint256, notAfter: current.info.notAfter, keyProtection: parts.keyProtection }
          : { present: false, certPath: paths.caCert },
        health: (p) => health.get(p.name),
        certificate: (p) => certificates.info(p.name),
        counters: (p) => proxy.stats.project(p.name),
      });
    };


    let applied = JSON.stringify(config);
    function apply(next: Config): void {
      const serialized = JSON.stringify(next);
      if (serialized === applied) return;
      applied = serialized;
      const removed = config.projects.filter((p) => !next.projects.some((q) => q.name === p.name));
      // Only projects whose names changed (or that were added or turned on) need a certificate
      // looked at: with a long list, every edit would otherwise re-read every certificate.
      const certified = new Map(config.projects.filter((p) => p.enabled).map((p) => [p.name, p.domains.join(' ')]));
      config = next;
      proxy.setRoutes(routeTableFromProjects(next.projects));
      for (const project of removed) certificates.forget(project.name);
      health.setTargets(new Map(next.projects.filter((p) => p.enabled).map((p) => [p.name, p.upstream])));
      for (const project of next.projects.filter((p) => p.enabled && certified.get(p.name) !== p.domains.join(' '))) {
        certificates.prepare(project).catch((error: unknown) => log(`certificate for ${project.name}: ${error instanceof Error ? error.message : String(error)}`));
      }
      scheduleStatus();
    }
    health.setTargets(new Map(config.projects.filter((p) => p.enabled).map((p) => [p.name, p.upstream])));

    let lastError = '';
    async function reload(): Promise<void> {
      try {
        apply(await store.read());
        lastError = '';
      } catch (error) {
        // A config being edited by hand may be briefly invalid: keep serving the last good one.
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lastError) log(`config not applied, still serving the previous one: ${message}`);
        lastError = message;
      }
    }

    // The watcher sees the atomic rename at once; the poll catches what watchers miss (network
    // file systems, editors that replace the directory entry in odd ways).
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(paths.dir, { persistent: false }, (_event, file) => {
        if (file === null || file === 'config.json') void reload();
      });
      watcher.on('error', () => undefined);
    } catch {
      watcher = undefined;
    }
    let lastStamp = '';
    const poll = setInterval(() => {
      void stat(paths.config).then(
        (s) => `${s.mtimeMs}:${s.size}:${s.ino}`,
        () => 'missing',
      ).then((stamp) => {
        if (stamp !== lastStamp) {
          lastStamp = stamp;
          void reload();
        }
      });
    }, options.configPollMs ?? 500);
    poll.unref();
    // Renewal also runs on a timer, so an idle project's certificate is fresh before anyone asks.
    const renewal = setInterval(() => {
      for (const project of config.projects.filter((p) => p.enabled)) certificates.prepare(project).catch(() => undefined);
    }, 60 * 60 * 1000);
    renewal.unref();
    cleanups.unshift(() => {
      watcher?.close();
      clearInterval(poll);
      clearInterval(renewal);
      unsubscribeLog();
    });

    // The engine serves the dashboard: an install asked from a web page never prompts for a
    // password here, it answers with the command to run (interactive: false by default).
    const trust = createTrustService({ paths, ca: parts.ca, env: options.env ?? process.env, interactive: options.interactive ?? false, now });
    retireUnusedRoots = () => trust.retireUnusedRoots();
    const extensions: ServiceExtensions = {
      status: () => status(),
      requests: async ({ project, limit }) => proxy.log.recent({ ...(project !== undefined && { project }), limit: limit ?? 200 }).reverse(),
      configChanged: async (next) => apply(next),
      trust: options.trust ?? trust.handlers,
    };
    const onTrustError = (error: unknown) => log(`trust after CA rotation: ${toErrorShape(error).message}`);
    const handlers = createService({ ...parts, ca: followRotation(parts.ca, trust, onTrustError), keyPool, extensions });
    // Start-up's garbage (config parsing, certificates checked, a CA made) and every burst of
    // requests are given back once the engine is quiet (proxy/idle-collector.ts).
    const idle = startIdleCollector();
    cleanups.unshift(() => idle.stop());
    serving = true;
    log(`CA: ${ca.info.subject.replace(/\n/g, ', ')} (${paths.caCert})`);

    let stopping: Promise<void> | undefined;
    return {
      handlers,
      events,
      parts,
      proxy,
      listeners,
      status: () => status(),
      reload,
      stop({ drainMs = 3000 } = {}) {
        stopping ??= (async () => {
          await proxy.close({ drainMs });
          for (const cleanup of cleanups) await cleanup();
        })();
        return stopping;
      },
    };
  } catch (error) {
    for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch(() => undefined);
    throw error;
  }
}
