import { X509Certificate } from 'node:crypto';
import type { Project } from '../../../shared/config';
import { domainKind } from '../domains';
import { probeUpstream, type ProbeResult } from '../health/probe';
import { loadProjectCert } from '../pki';
import type { DataPaths } from '../system/data-dir';
import { porticoCommand } from '../trust';
import { detectHostRefusal, probeHostHeader, type HostProbeAnswer } from './host-check';
import { check, daysLeft, type DoctorCheck } from './types';

/** Certificates renew themselves a third before expiry; one this close was not renewed and deserves a look. */
export const CERT_EXPIRY_WARN_DAYS = 7;

export interface ProjectCheckDeps {
  paths: Pick<DataPaths, 'cert' | 'key' | 'certDir'>;
  /** The current root's PEM, to tell certificates it signed from leftovers of a rotated-out root. */
  rootPem: string | null;
  env: Record<string, string | undefined>;
  now: Date;
  probe?: (upstream: string) => Promise<ProbeResult>;
  hostProbe?: (address: string, port: number, host: string) => Promise<HostProbeAnswer>;
}

/** The name the dev server sees in `preserve` mode and is most likely to refuse: a non-.localhost one first (Vite allows .localhost by default). */
function probedDomain(project: Project): string | undefined {
  const exact = project.domains.filter((d) => domainKind(d) !== 'wildcard');
  return exact.find((d) => domainKind(d) === 'hosts') ?? exact[0];
}

async function upstreamChecks(project: Project, deps: ProjectCheckDeps): Promise<DoctorCheck[]> {
  const up = await (deps.probe ?? probeUpstream)(project.upstream);
  const id = `upstream.${project.name}`;
  const title = `${project.name}: dev server`;
  if (!up.up) return [check(id, title, 'warn', `${project.upstream} does not answer (${up.reason ?? 'down'}): the project shows "dev server not running"`, `start the dev server on ${project.upstream}`)];
  const checks = [check(id, title, 'ok', `${project.upstream} answers${up.address ? ` on ${up.address}` : ''}`)];

  const hostId = `host-check.${project.name}`;
  const hostTitle = `${project.name}: Host header`;
  const domain = probedDomain(project);
  const url = new URL(project.upstream);
  if (project.hostHeader === 'upstream') checks.push(check(hostId, hostTitle, 'ok', `the dev server sees its own host (${url.host}), so it accepts every request`));
  else if (url.protocol !== 'http:' || !domain) checks.push(check(hostId, hostTitle, 'skip', 'only plain-HTTP dev servers are probed'));
  else {
    const port = Number(url.port || 80);
    try {
      const answer = await (deps.hostProbe ?? probeHostHeader)(up.address ?? url.hostname, port, domain);
      const refusal = detectHostRefusal(answer);
      checks.push(
        refusal
          ? check(hostId, hostTitle, 'fail', `the ${refusal.server} dev server refuses Host "${domain}" (HTTP ${answer.status}), so the browser gets its error page`, `${refusal.fix(domain)}, or ${porticoCommand(['set', project.name, 'hostHeader', 'upstream'], deps.env)}`)
          : check(hostId, hostTitle, 'ok', `the dev server accepts Host "${domain}" (HTTP ${answer.status})`),
      );
    } catch (error) {
      checks.push(check(hostId, hostTitle, 'skip', `no answer to GET / with Host "${domain}": ${error instanceof Error ? error.message : String(error)}`));
    }
  }
  return checks;
}

async function certCheck(project: Project, deps: ProjectCheckDeps): Promise<DoctorCheck> {
  const id = `cert.${project.name}`;
  const title = `${project.name}: certificate`;
  if (!project.https) return check(id, title, 'skip', 'HTTPS is off for this project');
  const leaf = await loadProjectCert(deps.paths, project.name);
  if (!leaf) return check(id, title, 'skip', 'not issued yet: Portico issues it on first use');
  const renew = porticoCommand(['cert', project.name], deps.env);
  if (deps.rootPem) {
    const root = new X509Certificate(deps.rootPem);
    const cert = new X509Certificate(leaf.certPem);
    if (!cert.checkIssued(root) || !cert.verify(root.publicKey)) return check(id, title, 'warn', 'signed by an older Portico root: it is re-issued on next use', renew);
  }
  const left = daysLeft(leaf.info.notAfter, deps.now);
  if (left < 0) return check(id, title, 'warn', `expired on ${leaf.info.notAfter}; Portico renews it on the next request`, renew);
  if (left < CERT_EXPIRY_WARN_DAYS) return check(id, title, 'warn', `expires in ${left} days (${leaf.info.notAfter}); Portico renews it on the next request`, renew);
  return check(id, title, 'ok', `valid until ${leaf.info.notAfter} (${left} days) for ${leaf.info.sans.join(', ')}`);
}

/**
 * A project whose HTTPS is off may still be pinned by browsers that saw its HSTS header. Chromium
 * ignores HSTS on `*.localhost` (PRODUCT.md), so only other names can be stuck.
 */
function hstsCheck(project: Project, now: Date): DoctorCheck | null {
  if (project.https) return null;
  const id = `hsts.${project.name}`;
  const title = `${project.name}: HSTS`;
  const resetUntil = project.hstsResetUntil && Date.parse(project.hstsResetUntil) > now.getTime() ? project.hstsResetUntil : undefined;
  const pinned = project.hsts === 'production' || resetUntil !== undefined;
  if (!pinned) return check(id, title, 'ok', 'HTTPS is off and no HSTS pin is expected');
  const exposed = project.domains.filter((d) => domainKind(d) === 'hosts' || (domainKind(d) === 'wildcard' && !d.endsWith('.localhost')));
  if (exposed.length === 0) return check(id, title, 'ok', 'HTTPS is off; Chromium ignores HSTS on *.localhost, so no pin can force https:// here');
  const why = resetUntil ? `it sent HSTS until recently (Portico answers HTTPS with max-age=0 until ${resetUntil})` : 'its HSTS policy is production (1 year, includeSubDomains)';
  return check(
    id,
    title,
    'warn',
    `HTTPS is off but ${why}: a browser that saw it keeps sending ${exposed.join(', ')} to https://`,
    `clear it at chrome://net-internals/#hsts ("Delete domain security policies" for ${exposed.join(', ')}); in Firefox, "Forget About This Site" in the history`,
  );
}

/** Every check of one enabled project: dev server, Host acceptance, certificate, HSTS. */
export async function projectChecks(project: Project, deps: ProjectCheckDeps): Promise<DoctorCheck[]> {
  const [upstream, cert] = await Promise.all([upstreamChecks(project, deps), certCheck(project, deps)]);
  const hsts = hstsCheck(project, deps.now);
  return [...upstream, cert, ...(hsts ? [hsts] : [])];
}
