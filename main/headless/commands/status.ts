import { spawn } from 'node:child_process';
import type { Status } from '../../../shared/status';
import { controlFilePath, readControlFile } from '../../control';
import { PorticoError } from '../../engine/errors';
import { dataDir } from '../../engine/system/data-dir';
import { printJson, table } from '../output';
import { openService } from '../service';
import type { Command } from './types';

function describeStatus(status: Status): string {
  const lines: string[] = [];
  if (status.engine.running) {
    const ports = status.listeners.map((l) => `${l.role} ${l.port}`).join(', ');
    lines.push(`Portico ${status.engine.version} is running (pid ${status.engine.pid}${ports ? `; ${ports}` : ''}).`);
  } else {
    lines.push('Portico is not running. Start it with `npm start` or `portico serve`.');
  }
  lines.push(status.ca.present ? `CA: ${status.ca.certPath} (valid until ${status.ca.notAfter})` : 'CA: not created yet (`portico ca` creates it).');
  if (status.projects.length === 0) {
    lines.push('No projects yet. Add one with: portico add web --port 5173');
  } else {
    const rows = status.projects.map((p) => [
      p.project.name,
      p.urls[0] ?? '',
      p.project.upstream,
      p.project.enabled ? `${p.health.state}${p.health.reason ? ` (${p.health.reason})` : ''}` : 'disabled',
      p.certificate ? `${p.certificate.daysLeft} days` : '-',
    ]);
    lines.push(table([['NAME', 'URL', 'UPSTREAM', 'UPSTREAM STATE', 'CERTIFICATE'], ...rows]));
  }
  return lines.join('\n');
}

const status: Command = {
  name: 'status',
  summary: 'whether Portico runs, its ports, and each project’s URL and upstream health',
  usage: 'portico status [--json]',
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ values }, context) {
    const snapshot = await (await openService(context)).call('status.get', {});
    if (values.json) printJson(context.output, snapshot);
    else context.output.out(describeStatus(snapshot));
    return 0;
  },
};

/** The platform's "open this URL" command, as argv (never a shell string). */
export function openerArgv(url: string, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'darwin') return ['open', url];
  if (platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url];
  return ['xdg-open', url];
}

const open: Command = {
  name: 'open',
  summary: 'open the dashboard of the running Portico in the browser',
  usage: 'portico open [--print]\n\n  --print  only print the dashboard URL',
  options: { print: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values }, context) {
    const record = await readControlFile(controlFilePath(dataDir(context.env)));
    if (!record) throw new PorticoError('E_ENGINE_NOT_RUNNING', 'Portico is not running: start it with `npm start` or `portico serve`, then run `portico open`.');
    const url = `${record.url}/#token=${record.token}`;
    if (values.json) printJson(context.output, { url });
    else context.output.out(`Dashboard: ${url}`);
    if (!values.print && !values.json) {
      const [command, ...args] = openerArgv(url);
      const child = spawn(command ?? 'xdg-open', args, { stdio: 'ignore', detached: true });
      child.on('error', () => context.output.err('Could not start a browser here: open the URL above yourself.'));
      child.unref();
    }
    return 0;
  },
};

export const statusCommands: Command[] = [status, open];
