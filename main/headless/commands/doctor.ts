import { runDoctor, type DoctorCheck } from '../../engine/doctor';
import { printJson } from '../output';
import { localSystem } from './system';
import type { Command } from './types';

const MARK: Record<DoctorCheck['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

/** One check as a person reads it: status, title, what was found, and the fix on the next line. */
export function formatCheck(c: DoctorCheck): string {
  return `[${MARK[c.status]}] ${c.title}: ${c.detail}${c.fix ? `\n       fix: ${c.fix}` : ''}`;
}

const doctor: Command = {
  name: 'doctor',
  summary: 'check the CA, trust stores, names, ports, engine and dev servers, with a fix for each problem',
  usage: `portico doctor [--json]

  Checks, in plain words: the local CA (present, valid, expiring), each trust store, Node's
  NODE_EXTRA_CA_CERTS, the engine, ports 443/80 (or the configured ones) and who holds them, the
  hosts block and each domain's resolution (under WSL also the Windows hosts file and whether
  Windows' localhost reaches WSL), each dev server, its Host check, each certificate and stuck HSTS.
  Changes nothing. Exit code 1 when something is broken (warnings alone exit 0).`,
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ values }, context) {
    const system = localSystem(context);
    const report = await runDoctor({ paths: system.paths, store: system.store, trust: system.trust, env: context.env, now: system.now, exec: system.exec });
    if (values.json) {
      printJson(context.output, report);
    } else {
      context.output.out(report.checks.map(formatCheck).join('\n'));
      const count = (status: DoctorCheck['status']) => report.checks.filter((c) => c.status === status).length;
      context.output.out(`\n${count('ok')} ok, ${count('warn')} warnings, ${count('fail')} broken${report.ok ? '' : ': fix the FAIL lines first'}.`);
    }
    return report.ok ? 0 : 1;
  },
};

export const doctorCommands: Command[] = [doctor];
