import { readdir, readFile, readlink } from 'node:fs/promises';

/** A process that listens on a port, as far as this user can see. */
export interface PortHolder {
  pid: number;
  command: string;
}

/** Listening socket inodes for `port` from a /proc/net/tcp{,6} table (state 0A = LISTEN). */
export function listeningInodes(table: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    const local = columns[1];
    if (local?.endsWith(`:${hexPort}`) && columns[3] === '0A' && columns[9]) inodes.push(columns[9]);
  }
  return inodes;
}

/**
 * Who listens on `port`, on Linux through /proc (no external tool needed): match the socket
 * inodes of /proc/net/tcp{,6} with every process's file descriptors. A process of another user
 * cannot be inspected without root; then it is reported as unknown (null).
 */
export async function findPortHolder(port: number, procRoot = '/proc'): Promise<PortHolder | null> {
  const tables = await Promise.all(['tcp', 'tcp6'].map((name) => readFile(`${procRoot}/net/${name}`, 'utf8').catch(() => '')));
  const inodes = new Set(tables.flatMap((table) => listeningInodes(table, port)));
  if (inodes.size === 0) return null;
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    const fds = await readdir(`${procRoot}/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        const cmdline = await readFile(`${procRoot}/${pid}/cmdline`, 'utf8').catch(() => '');
        return { pid: Number(pid), command: cmdline.split('\0').filter(Boolean).join(' ') || '(unknown command)' };
      }
    }
  }
  return null;
}

/** "8443 is in use by pid 1234 (nginx: master process)" or "… by another process". */
export async function describePortHolder(port: number): Promise<string> {
  const holder = process.platform === 'linux' ? await findPortHolder(port) : null;
  return holder ? `pid ${holder.pid} (${holder.command})` : 'another process';
}
