/**
 * The engine's composition root. Everything environment-specific is injected (data dir, clock,
 * key protection); nothing runs at import time. `createEngine` gives the contract's handlers over
 * the data dir — what the CLI uses in-process when no engine runs; `startEngine` (runtime.ts)
 * adds the proxy, the watchers and live status on top of the same pieces.
 */
import { isatty } from 'node:tty';
import { createCaManager } from './ca-manager';
import { createEventBus } from './events';
import type { CommandHandlers } from './handlers';
import { probeUpstream } from './health/probe';
import { readEngineRecord } from './instance';
import { loadProjectCert, type KeyProtector } from './pki';
import { createConfigStore } from './projects';
import { createService } from './service';
import { buildStatus } from './status';
import { dataPaths } from './system/data-dir';
import { createTrustService, followRotation } from './trust';
import { porticoVersion } from './version';

export interface EngineOptions {
  dataDir: string;
  now?: () => Date;
  /** How the CA key is kept at rest (the desktop app passes a safeStorage protector). */
  keyProtector?: KeyProtector;
  /** Where trust stores and the hosts file are looked up (HOME, JAVA_HOME, PORTICO_HOSTS_FILE); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** A person can answer elevation prompts for this engine's actions (see TrustServiceOptions); default: stdin is a terminal. */
  interactive?: boolean;
}

export function createEngineParts(options: EngineOptions) {
  const now = options.now ?? (() => new Date());
  const paths = dataPaths(options.dataDir);
  const store = createConfigStore(paths);
  const events = createEventBus();
  const ca = createCaManager({ paths, store, now, ...(options.keyProtector && { keyProtector: options.keyProtector }) });
  return { now, paths, store, events, ca, keyProtection: options.keyProtector ? ('safeStorage' as const) : ('file' as const) };
}
export type EngineParts = ReturnType<typeof createEngineParts>;

/** The contract's handlers over a data dir with no proxy running in this process. */
export function createEngine(options: EngineOptions): { parts: EngineParts; handlers: CommandHandlers } {
  const parts = createEngineParts(options);
  const { paths, store, now } = parts;
  const trust = createTrustService({ paths, ca: parts.ca, env: options.env ?? process.env, interactive: options.interactive ?? isatty(0), now });
  const handlers = createService({
    ...parts,
    ca: followRotation(parts.ca, trust),
    extensions: {
      trust: trust.handlers,
      async status() {
        const config = await store.read();
        const record = await readEngineRecord(paths.engineFile);
        const ca = await parts.ca.present().catch(() => null);
        const health = new Map(
          await Promise.all(
            config.projects.filter((p) => p.enabled).map(async (p) => {
              const probe = await probeUpstream(p.upstream);
              return [p.name, { state: probe.up ? ('up' as const) : ('down' as const), ...(probe.address && { address: probe.address }), ...(probe.reason && { reason: probe.reason }), since: now().toISOString() }] as const;
            }),
          ),
        );
        const certs = new Map(await Promise.all(config.projects.map(async (p) => [p.name, await loadProjectCert(paths, p.name).catch(() => null)] as const)));
        return buildStatus({
          config,
          dataDir: paths.dir,
          version: porticoVersion(),
          now: now(),
          engine: record ? { running: true, pid: record.pid, startedAt: record.startedAt } : { running: false },
          listeners: record
            ? [
                ...(record.httpsPort ? [{ role: 'https' as const, addresses: ['127.0.0.1', '::1'], port: record.httpsPort }] : []),
                ...(record.httpPort ? [{ role: 'http' as const, addresses: ['127.0.0.1', '::1'], port: record.httpPort }] : []),
              ]
            : [],
          ca: ca
            ? { present: true, certPath: paths.caCert, fingerprint256: ca.info.fingerprint256, notAfter: ca.info.notAfter, keyProtection: parts.keyProtection }
            : { present: false, certPath: paths.caCert },
          health: (p) => health.get(p.name),
          certificate: (p) => certs.get(p.name)?.info ?? null,
          counters: () => ({ requests: 0, cookiesRewritten: 0 }),
        });
      },
      requests: async () => [],
    },
  });
  return { parts, handlers };
}
