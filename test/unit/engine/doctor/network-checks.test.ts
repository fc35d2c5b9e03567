import { describe, expect, it } from 'vitest';
import type { Project } from '../../../../shared/config';
import { domainChecks, portChecks, type PortCheckInput } from '../../../../main/engine/doctor/network-checks';
import type { PortProbe } from '../../../../main/engine/port-access';

function project(name: string, domains: string[]): Project {
  return { name, upstream: 'http://localhost:5173', domains, enabled: true, https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', createdAt: 't', updatedAt: 't' };
}

describe('domainChecks', () => {
  const answers: Record<string, string[] | Error> = {
    'good.test': ['127.0.0.1', '::1'],
    'away.test': ['93.184.216.34'],
    'block.test': new Error('getaddrinfo ENOTFOUND block.test'),
    'lost.test': new Error('getaddrinfo ENOTFOUND lost.test'),
  };
  const resolve = async (name: string) => {
    const answer = answers[name];
    if (answer instanceof Error) throw answer;
    return answer ?? [];
  };
  const cases: { domain: string; status: string; detail: RegExp; fix?: RegExp }[] = [
    { domain: 'web.localhost', status: 'ok', detail: /resolve \*\.localhost .* by themselves/ },
    { domain: '*.web.localhost', status: 'ok', detail: /every name under \.localhost/ },
    { domain: '*.web.test', status: 'warn', detail: /cannot hold wildcards/ },
    { domain: 'good.test', status: 'ok', detail: /resolves to 127\.0\.0\.1, ::1/ },
    { domain: 'away.test', status: 'fail', detail: /93\.184\.216\.34, not to this machine/, fix: /portico hosts apply/ },
    { domain: 'block.test', status: 'warn', detail: /maps it, but the system resolver does not return it \(ENOTFOUND block\.test\)/ },
    { domain: 'lost.test', status: 'fail', detail: /does not resolve .* not in the hosts block/, fix: /^portico hosts apply$/ },
  ];
  for (const c of cases) {
    it(`${c.domain} → ${c.status}`, async () => {
      const [found] = await domainChecks({ projects: [project('p', [c.domain])] }, { path: '/etc/hosts', names: ['block.test'] }, resolve, {});
      expect(found).toMatchObject({ id: `domain.${c.domain}`, status: c.status, detail: expect.stringMatching(c.detail) });
      if (c.fix) expect(found?.fix).toMatch(c.fix);
    });
  }
  it('disabled projects are not checked', async () => {
    expect(await domainChecks({ projects: [{ ...project('p', ['lost.test']), enabled: false }] }, { path: '/etc/hosts', names: [] }, resolve, {})).toEqual([]);
  });
});

describe('portChecks', () => {
  const holder = { pid: 4242, command: 'nginx: master process' };
  const states: Record<number, PortProbe> = {
    443: { port: 443, state: 'in-use', holder, detail: 'port 443 is in use by pid 4242 (nginx: master process)' },
    80: { port: 80, state: 'privileged', detail: 'port 80 needs a privilege this user does not have' },
    8443: { port: 8443, state: 'free', detail: 'free' },
    8080: { port: 8080, state: 'in-use', detail: 'port 8080 is in use by another process' },
    9443: { port: 9443, state: 'in-use', holder, detail: 'port 9443 is in use by pid 4242 (nginx: master process)' },
    9080: { port: 9080, state: 'free', detail: 'free' },
  };
  const probe = async (port: number) => states[port] ?? { port, state: 'free' as const, detail: 'free' };
  const defaults: PortCheckInput[] = [
    { role: 'https', port: 443, configured: false, fallback: 8443 },
    { role: 'http', port: 80, configured: false, fallback: 8080 },
  ];

  it('default ports: a holder is named with its pid, privilege points at `portico setup ports`, a busy fallback fails', async () => {
    const checks = await portChecks(defaults, null, probe, 'linux', {});
    expect(checks.map((c) => [c.id, c.status])).toEqual([['port.443', 'warn'], ['port.80', 'warn'], ['port.8080', 'fail']]);
    expect(checks[0]?.detail).toMatch(/pid 4242 \(nginx: master process\); Portico uses 8443 instead/);
    expect(checks[0]?.fix).toMatch(/stop pid 4242/);
    expect(checks[1]?.fix).toBe('portico setup ports');
  });

  it('configured ports have no fallback: a conflict fails', async () => {
    const checks = await portChecks([{ role: 'https', port: 9443, configured: true }, { role: 'http', port: 9080, configured: true }], null, probe, 'linux', {});
    expect(checks.map((c) => [c.id, c.status])).toEqual([['port.9443', 'fail'], ['port.9080', 'ok']]);
  });

  it('ports of the running engine are fine', async () => {
    const record = { pid: 99, hostname: 'h', startedAt: 't', httpsPort: 443, httpPort: 80 };
    const checks = await portChecks(defaults, record, probe, 'linux', {});
    expect(checks.map((c) => [c.id, c.status, c.detail])).toEqual([['port.443', 'ok', 'Portico (pid 99) listens on it'], ['port.80', 'ok', 'Portico (pid 99) listens on it']]);
  });
});
