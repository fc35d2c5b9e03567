/**
 * `portico doctor`: every reason a project might not open with a padlock, checked and explained
 * in plain words with the fix for each (issue 4; peer-survey.md §4 pain points 1, 2, 6, 8, 10, 14).
 * Read-only: nothing is created, installed or written.
 */
import type { Config } from '../../../shared/config';
import { planHosts } from '../domains';
import { hostsFilePath } from '../hosts/hosts';
import { windowsHostsTarget, type WindowsHostsTarget } from '../hosts/wsl-windows';
import { readEngineRecord } from '../instance';
import { probePort, type PortProbe } from '../port-access';
import type { ConfigStore } from '../projects';
import type { DataPaths } from '../system/data-dir';
import { exec as realExec, type Exec } from '../system/exec';
import type { TrustService } from '../trust';
import { detectWsl } from '../truststore';
import { caCheck, nodeCheck } from './ca-checks';
import type { HostProbeAnswer } from './host-check';
import { domainChecks, engineCheck, hostsBlockCheck, portChecks, systemResolver, type PortCheckInput, type Resolver } from './network-checks';
import { projectChecks } from './project-checks';
import { primaryStores, trustChecks } from './trust-checks';
import { guarded, type DoctorCheck, type DoctorReport } from './types';
import { localhostForwardingCheck, windowsHostsCheck } from './wsl-checks';

export type { DoctorCheck, DoctorReport } from './types';
export { detectHostRefusal } from './host-check';

export interface DoctorOptions {
  paths: DataPaths;
  store: Pick<ConfigStore, 'read'>;
  trust: Pick<TrustService, 'status' | 'currentRoot' | 'ledger'>;
  env: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  now?: () => Date;
  /** Test seams. */
  probePort?: (port: number) => Promise<PortProbe>;
  resolve?: Resolver;
  hostProbe?: (address: string, port: number, host: string) => Promise<HostProbeAnswer>;
  wsl?: boolean;
  /** Runs `cmd.exe` and `wslpath` through WSL interop (read-only look-ups); the real exec when absent. */
  exec?: Exec;
  /** The Windows hosts file under WSL (null: not managed); resolved through `exec` when absent. */
  windowsHosts?: WindowsHostsTarget | null;
}

const PREFERRED = { https: 443, http: 80 };
const FALLBACK = { https: 8443, http: 8080 };

function portInputs(config: Config): PortCheckInput[] {
  const { httpsPort, httpPort } = config.proxy;
  return [
    { role: 'https', port: httpsPort ?? PREFERRED.https, configured: httpsPort !== null, ...(httpsPort === null && { fallback: FALLBACK.https }) },
    { role: 'http', port: httpPort ?? PREFERRED.http, configured: httpPort !== null, ...(httpPort === null && { fallback: FALLBACK.http }) },
  ];
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { paths, env } = options;
  const platform = options.platform ?? process.platform;
  const now = (options.now ?? (() => new Date()))();
  const wsl = options.wsl ?? (await detectWsl(platform, env));
  const config = await options.store.read();
  const record = await readEngineRecord(paths.engineFile);
  const root = await options.trust.currentRoot().catch(() => null);
  const ledger = await options.trust.ledger.read().catch(() => null);
  const hostsPath = hostsFilePath(env, platform);
  const includeLocalhost = ledger?.hosts.find((r) => r.path === hostsPath)?.includeLocalhost ?? false;
  const wanted = planHosts(config, { includeLocalhost }).names;

  const [ca, trust, ports, hosts] = await Promise.all([
    guarded('ca', 'Local CA', async () => [await caCheck(paths, env, now)]),
    guarded('trust', 'Trust stores', () => trustChecks(options.trust, env, primaryStores(platform, wsl))),
    guarded('ports', 'Ports', () => portChecks(portInputs(config), record, options.probePort ?? ((port) => probePort(port, { platform })), platform, env)),
    guarded('hosts', 'Hosts file', async () => {
      const block = await hostsBlockCheck(hostsPath, wanted, env);
      const domains = await domainChecks(config, { path: hostsPath, names: block.names }, options.resolve ?? systemResolver(), env);
      return [block.check, ...domains];
    }),
  ]);
  const projects = await Promise.all(
    config.projects
      .filter((project) => project.enabled)
      .map((project) =>
        guarded(`project.${project.name}`, project.name, () =>
          projectChecks(project, { paths, rootPem: root?.certPem ?? null, env, now, ...(options.hostProbe && { hostProbe: options.hostProbe }) }),
        ),
      ),
  );
  const exec = options.exec ?? realExec;
  const wslChecks = wsl
    ? await guarded('wsl', 'WSL: Windows side', async () => {
        const target = options.windowsHosts !== undefined ? options.windowsHosts : await windowsHostsTarget({ platform, env, exec, wsl });
        return [await windowsHostsCheck(target, wanted, env), await localhostForwardingCheck(exec)];
      })
    : [];
  const checks: DoctorCheck[] = [...ca, nodeCheck(paths, env, root !== null), ...trust, engineCheck(record, env), ...ports, ...hosts, ...wslChecks, ...projects.flat()];
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}
