/**
 * `portico serve` as a user runs it: its own process, its own PORTICO_HOME and HOME, ready once
 * it prints the `Dashboard:` line. The ports and URL are read from what it prints, as a person would.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { PORTICO_BIN } from '../../helpers/run-cli';

export interface ServeProcess {
  httpsPort: number;
  httpPort: number;
  /** The printed dashboard URL, token fragment included. */
  dashboardUrl: string;
  /** Everything printed on stderr so far (the engine's log), for failure messages. */
  stderr(): string;
  /** SIGTERM, then the exit code once the process has exited. */
  stop(): Promise<number | null>;
}

const LISTENING = /^Listening: HTTPS on port (\d+), HTTP on port (\d+) /;
const DASHBOARD = /^Dashboard: (http:\/\/\S+)$/;

export async function startServe(env: { porticoHome: string; home: string }): Promise<ServeProcess> {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, [PORTICO_BIN, 'serve', '--https-port', '0', '--http-port', '0'], {
    env: { ...process.env, PORTICO_HOME: env.porticoHome, HOME: env.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

  const banner = new Promise<{ httpsPort: number; httpPort: number; dashboardUrl: string }>((resolve, reject) => {
    let ports: { httpsPort: number; httpPort: number } | null = null;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      stdout += `${line}\n`;
      const listening = LISTENING.exec(line);
      if (listening) ports = { httpsPort: Number(listening[1]), httpPort: Number(listening[2]) };
      const dashboard = DASHBOARD.exec(line);
      if (dashboard?.[1] !== undefined) {
        if (ports === null) reject(new Error(`portico serve printed the Dashboard line before the Listening line:\n${stdout}`));
        else resolve({ ...ports, dashboardUrl: dashboard[1] });
      }
    });
    child.once('error', reject);
    void exited.then(([code, signal]) => reject(new Error(`portico serve exited (${code ?? signal}) before printing its dashboard URL.\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const [code] = await exited;
    return code;
  };

  try {
    return { ...(await banner), stderr: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
