import { controlFilePath, createDispatcher, removeControlFile, startControlServer, writeControlFile, type ControlServer } from '../../control';
import { startEngine, type RunningEngine } from '../../engine/runtime';
import { spawn } from 'node:child_process';
import { dashboardDir, desktopMainBundle, packageRoot } from '../assets';
import { checkDesktopLaunch, nodeLaunchProbe } from '../launch-check';
import { dataDir } from '../../engine/system/data-dir';
import { str, UsageError } from '../args';
import type { Output } from '../output';
import type { Command, CommandContext } from './types';

function portOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`${flag} takes a port from 0 to 65535 (0 picks a free one)`);
  return port;
}

async function printBanner(engine: RunningEngine, control: ControlServer, output: Output): Promise<void> {
  const status = await engine.status();
  const https = status.listeners.find((l) => l.role === 'https');
  const http = status.listeners.find((l) => l.role === 'http');
  output.out(`Portico ${status.engine.version} is serving (pid ${status.engine.pid}), data dir ${status.engine.dataDir}`);
  output.out(`Listening: HTTPS on port ${https?.port}, HTTP on port ${http?.port} (${https?.addresses.join(', ')})`);
  if (https?.note) output.out(`Note: ${https.note}`);
  output.out(`Root CA: ${status.ca.certPath}`);
  const enabled = status.projects.filter((p) => p.project.enabled);
  if (enabled.length === 0) {
    output.out('No projects yet. Add one (it takes effect at once): portico add web --port 5173');
  } else {
    output.out('Projects:');
    for (const p of enabled) output.out(`  ${p.project.name}  ${p.urls.join('  ')}  →  ${p.project.upstream}`);
  }
  output.out(`Dashboard: ${control.dashboardUrl}`);
  output.out('Press Ctrl+C to stop.');
}

/** Runs the engine until SIGINT/SIGTERM, then stops gracefully (drains in-flight requests). */
export async function serve(context: CommandContext, ports: { httpsPort?: number; httpPort?: number }): Promise<number> {
  const { output } = context;
  const dir = dataDir(context.env);
  const engine = await startEngine({ dataDir: dir, env: context.env, ...ports, log: (line) => output.err(line) });
  const staticDir = dashboardDir();
  if (!staticDir) output.err('The dashboard is not built (run `npm run build`); the control API works without it.');
  let control: ControlServer;
  try {
    control = await startControlServer({ dispatcher: createDispatcher(engine.handlers), events: engine.events, ...(staticDir && { staticDir }) });
    await writeControlFile(controlFilePath(dir), { url: control.url, port: control.port, token: control.token });
  } catch (error) {
    await engine.stop({ drainMs: 0 });
    throw error;
  }
  engine.listeners.push({ role: 'control', addresses: ['127.0.0.1'], port: control.port });
  await printBanner(engine, control, output);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      output.err(`${signal}: stopping (draining requests in flight)…`);
      void removeControlFile(controlFilePath(dir), control.token)
        .then(() => control.close())
        .then(() => engine.stop({ drainMs: 3000 }))
        .then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  output.err('Stopped.');
  return 0;
}

const serveCommand: Command = {
  name: 'serve',
  summary: 'run the proxy in the foreground (HTTPS for every project)',
  usage: `portico serve [--https-port <n>] [--http-port <n>]

  --https-port <n>  the HTTPS port (default: the config's, else 443, falling back to 8443)
  --http-port <n>   the HTTP port, which redirects to HTTPS (default: 80, falling back to 8080)
  Both ports also accept the other protocol: TLS on the HTTP port is served as HTTPS.`,
  options: { 'https-port': { type: 'string' }, 'http-port': { type: 'string' } },
  positionals: { min: 0, max: 0 },
  run({ values }, context) {
    const httpsPort = portOption(str(values['https-port']), '--https-port');
    const httpPort = portOption(str(values['http-port']), '--http-port');
    return serve(context, { ...(httpsPort !== undefined && { httpsPort }), ...(httpPort !== undefined && { httpPort }) });
  },
};

const startCommand: Command = {
  name: 'start',
  summary: 'start Portico: the desktop app where it can run, else `portico serve`',
  usage: 'portico start [--https-port <n>] [--http-port <n>]',
  options: serveCommand.options,
  positionals: { min: 0, max: 0 },
  async run(args, context) {
    const decision = checkDesktopLaunch(context.env, process.platform, nodeLaunchProbe(packageRoot()), process.getuid?.());
    const main = desktopMainBundle();
    if (decision.desktop && decision.electronPath && main) {
      context.output.err(`Starting the desktop app: ${decision.reason}`);
      const child = spawn(decision.electronPath, [main], { stdio: 'inherit', env: context.env });
      return new Promise<number>((resolve) => {
        child.once('error', (error) => {
          context.output.err(`The desktop app did not start (${error.message}); run \`portico serve\` for the headless engine.`);
          resolve(1);
        });
        child.once('exit', (code) => resolve(code ?? 0));
      });
    }
    const why = decision.desktop && !main ? 'the desktop app is not built (run `npm run build`)' : decision.reason;
    context.output.err(`Starting headless (\`portico serve\`): ${why.replace(/\.$/, '')}.`);
    return serveCommand.run(args, context);
  },
};

export const serveCommands: Command[] = [serveCommand, startCommand];
