/**
 * Runs the bundled main process (dist/shell/main.cjs) under plain Node with the stand-in
 * `electron` module, and gives the test what the app reported and a way to drive it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { FAKE_ELECTRON, PARENT_PORT_SHIM } from './build-shell';

export interface MenuItemReport {
  id: string;
  type: string;
  label?: string;
  checked?: boolean;
  enabled?: boolean;
  submenu?: MenuItemReport[];
}

export interface Report {
  fake: string;
  data: unknown;
}

export function findItem(items: MenuItemReport[], id: string): MenuItemReport | undefined {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = item.submenu && findItem(item.submenu, id);
    if (inner) return inner;
  }
  return undefined;
}

export function launchApp(outdir: string, env: NodeJS.ProcessEnv) {
  const reports: Report[] = [];
  const waiters: Array<{ match(r: Report): boolean; resolve(r: Report): void }> = [];
  const child: ChildProcess = fork(join(outdir, 'main.cjs'), [], {
    execArgv: ['-r', FAKE_ELECTRON],
    env: { ...process.env, PORTICO_HTTPS_PORT: '0', PORTICO_HTTP_PORT: '0', FAKE_ELECTRON_PARENT_PORT_SHIM: PARENT_PORT_SHIM, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.on('message', (message: Report) => {
    reports.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  return {
    child,
    exited,
    reports,
    /** The first report, received or still to come, that `match` accepts. */
    waitFor(match: (report: Report) => boolean): Promise<Report> {
      const seen = reports.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
    /** The next report from now on that `match` accepts. */
    next(match: (report: Report) => boolean): Promise<Report> {
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    send(command: Record<string, unknown>): void {
      child.send(command);
    },
    kill(): void {
      if (child.exitCode === null) child.kill();
    },
  };
}

/** Matches a tray menu report whose items satisfy `predicate`. */
export const trayWhere = (predicate: (items: MenuItemReport[]) => boolean) => (report: Report) => report.fake === 'tray-menu' && predicate(report.data as MenuItemReport[]);

export const isRunningTray = (items: MenuItemReport[]) => findItem(items, 'status')?.label?.startsWith('Portico is running') === true;
