import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway world for system-changing commands: a PORTICO_HOME, a HOME (so NSS databases are
 * created under it, never in the real ~/.pki) and a hosts file given by PORTICO_HOSTS_FILE.
 */
export async function systemHome(hostsContent = '127.0.0.1\tlocalhost\n::1 localhost ip6-localhost\n# my own line\n') {
  const root = await mkdtemp(join(tmpdir(), 'portico-system-'));
  const data = join(root, 'data');
  const home = join(root, 'home');
  const hostsFile = join(root, 'hosts');
  await mkdir(home);
  await writeFile(hostsFile, hostsContent);
  const env: NodeJS.ProcessEnv = { PORTICO_HOME: data, HOME: home, PORTICO_HOSTS_FILE: hostsFile, NODE_EXTRA_CA_CERTS: undefined };
  return { root, data, home, hostsFile, hostsContent, env, nssdb: `sql:${join(home, '.pki', 'nssdb')}`, cleanup: () => rm(root, { recursive: true, force: true }) };
}
export type SystemHome = Awaited<ReturnType<typeof systemHome>>;
