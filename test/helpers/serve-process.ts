import { spawn, type ChildProcess } from 'node:child_process';
import { PORTICO_BIN } from './run-cli';

export interface ServeProcess {
  child: ChildProcess;
  httpsPort: number;
  httpPort: number;
  dashboardUrl: string;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the real `portico serve` on OS-chosen ports and resolves once it prints its dashboard
 * line (it prints that after it listens); rejects with its output if it exits first.
 */
export function startServe(env: NodeJS.ProcessEnv, args: string[] = ['--https-port', '0', '--http-port', '0']): Promise<ServeProcess> {
  const child = spawn(process.execPath, [PORTICO_BIN, 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  const ready = new Promise<ServeProcess>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const dashboard = /Dashboard: (\S+)/.exec(out);
      const ports = /HTTPS on port (\d+), HTTP on port (\d+)/.exec(out);
      if (dashboard?.[1] && ports?.[1] && ports[2]) {
        resolve({
          child,
          httpsPort: Number(ports[1]),
          httpPort: Number(ports[2]),
          dashboardUrl: dashboard[1],
          stdout: () => out,
          stderr: () => err,
          stop,
        });
      }
    });
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`portico serve exited ${code} before it was ready:\n${out}\n${err}`)));
  });
  // A serve that never became ready is not left running behind a failed test.
  return ready.catch(async (error: unknown) => {
    await stop();
    throw error;
  });
}
