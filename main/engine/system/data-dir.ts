import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The one place that decides where Portico keeps its state, for every entry point (CLI, serve,
 * desktop app). `PORTICO_HOME` overrides the platform default; tests always set it.
 *
 * - Linux and others: `$XDG_CONFIG_HOME/portico`, else `~/.config/portico` (XDG Base Directory spec)
 * - macOS: `~/Library/Application Support/Portico`
 * - Windows: `%APPDATA%\Portico`
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.PORTICO_HOME) return env.PORTICO_HOME;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Portico');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Portico');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'portico');
}

/** The fixed layout inside the data dir, so users and scripts can find things. */
export function dataPaths(dir: string) {
  return {
    dir,
    config: join(dir, 'config.json'),
    lock: join(dir, 'config.lock'),
    caDir: join(dir, 'ca'),
    caCert: join(dir, 'ca', 'root.pem'),
    caKey: join(dir, 'ca', 'root-key.pem'),
    certsDir: join(dir, 'certs'),
    certDir: (project: string) => join(dir, 'certs', project),
    cert: (project: string) => join(dir, 'certs', project, 'cert.pem'),
    key: (project: string) => join(dir, 'certs', project, 'key.pem'),
    engineFile: join(dir, 'engine.json'),
    /** Every system change Portico made (trust entries, hosts block, port setup), for `portico uninstall`. */
    ledger: join(dir, 'ledger.json'),
    /** Hosts-file backups and their lock. */
    hostsDir: join(dir, 'hosts'),
  };
}
export type DataPaths = ReturnType<typeof dataPaths>;
