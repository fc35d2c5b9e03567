/**
 * Can Portico bind its ports, and if not, why and what fixes it once. The proxy listens on the
 * loopback addresses only (RP-1), so that is what is probed.
 *
 * Platform facts (checked):
 * - Linux: ports below `net.ipv4.ip_unprivileged_port_start` (1024 by default) need
 *   CAP_NET_BIND_SERVICE (ip(7), capabilities(7)).
 * - macOS 10.14+: any user may bind a port below 1024 on the wildcard address, but binding one on
 *   a specific address such as 127.0.0.1 still needs root (nodejs/help#2984, ordinals/ord#1068).
 *   Portico never listens on the wildcard (it would expose dev servers to the network), so there
 *   it falls back to 8443/8080; there is no one-time fix to apply.
 * - Windows has no privileged ports; 80 may be held by the System process (pid 4, HTTP.sys).
 */
import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { findPortHolder, type PortHolder } from './system/ports';

export type PortState = 'free' | 'in-use' | 'privileged' | 'error';

export interface PortProbe {
  port: number;
  state: PortState;
  /** Who holds it, when it is in use and this user may see it (Linux /proc). */
  holder?: PortHolder;
  detail: string;
}

const NO_SUCH_ADDRESS = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);

function tryBind(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

export interface ProbeOptions {
  hosts?: readonly string[];
  /** Who holds a port (default: /proc on Linux, unknown elsewhere). */
  holder?: (port: number) => Promise<PortHolder | null>;
  platform?: NodeJS.Platform;
}

/** Binds `port` on each loopback address for a moment and says what happened. */
export async function probePort(port: number, options: ProbeOptions = {}): Promise<PortProbe> {
  const platform = options.platform ?? process.platform;
  const holderOf = options.holder ?? ((p: number) => (platform === 'linux' ? findPortHolder(p) : Promise.resolve(null)));
  for (const host of options.hosts ?? ['127.0.0.1', '::1']) {
    const error = await tryBind(host, port);
    if (!error || NO_SUCH_ADDRESS.has(error.code ?? '')) continue;
    if (error.code === 'EADDRINUSE') {
      const holder = await holderOf(port).catch(() => null);
      const who = holder ? `pid ${holder.pid} (${holder.command})` : platform === 'win32' && port === 80 ? 'another process (often the System process, pid 4: IIS or HTTP.sys)' : 'another process (run as root to see which)';
      return { port, state: 'in-use', ...(holder && { holder }), detail: `port ${port} is in use by ${who}` };
    }
    if (error.code === 'EACCES' || error.code === 'EPERM') {
      return { port, state: 'privileged', detail: `port ${port} needs a privilege this user does not have` };
    }
    return { port, state: 'error', detail: `binding ${host}:${port} failed: ${error.message}` };
  }
  return { port, state: 'free', detail: `port ${port} can be bound` };
}

export type PortFixMethod = 'sysctl' | 'setcap';

/** A one-time fix: the commands a person would type, and the argv Portico runs with `--apply`. */
export interface PortFix {
  method: PortFixMethod;
  title: string;
  /** Shell lines to show (not executed). */
  shell: string[];
  warning?: string;
}

export const SYSCTL_KEY = 'net.ipv4.ip_unprivileged_port_start';
export const SYSCTL_FILE = '/etc/sysctl.d/50-portico.conf';
export const SYSCTL_CONTENT = `# Written by Portico (portico setup ports): unprivileged processes may bind ports 80 and above.\n${SYSCTL_KEY}=80\n`;

export interface PortAdvice {
  /** Whether this platform can need a one-time change at all. */
  applicable: boolean;
  note: string;
  fixes: PortFix[];
}

/** What `portico setup ports` offers on `platform`; `node` is the binary setcap would mark. */
export function portAdvice(platform: NodeJS.Platform, node: string): PortAdvice {
  if (platform === 'linux') {
    return {
      applicable: true,
      note: `Linux reserves ports below ${SYSCTL_KEY} (1024 by default) for privileged processes.`,
      fixes: [
        {
          method: 'sysctl',
          title: 'let unprivileged processes bind ports from 80 up, now and after reboots',
          shell: [`printf '${SYSCTL_KEY}=80\\n' | sudo tee ${SYSCTL_FILE}`, `sudo sysctl -w ${SYSCTL_KEY}=80`],
          warning: 'any user of this machine can then listen on ports 80–1023.',
        },
        {
          method: 'setcap',
          title: 'give this node binary the right to bind low ports',
          shell: [`sudo setcap cap_net_bind_service=+ep ${node}`],
          warning: 'every script run by this node binary can then bind ports below 1024, and a node upgrade replaces the binary and drops the right.',
        },
      ],
    };
  }
  if (platform === 'darwin') {
    return {
      applicable: false,
      note: 'macOS (10.14 and later) lets any user bind ports below 1024 only on the wildcard address; on 127.0.0.1 and ::1, where Portico listens so dev servers stay off the network, it still takes root. Portico uses 8443/8080 instead, with the port in the URLs.',
      fixes: [],
    };
  }
  if (platform === 'win32') {
    return { applicable: false, note: 'Windows has no privileged ports: 80 and 443 only need to be free.', fixes: [] };
  }
  return { applicable: false, note: `no one-time fix is known for ${platform}; Portico uses 8443/8080 when 443/80 cannot be bound.`, fixes: [] };
}

/** The current `ip_unprivileged_port_start`, or null when it cannot be read (not Linux, old kernel). */
export async function unprivilegedPortStart(procRoot = '/proc'): Promise<number | null> {
  const text = await readFile(`${procRoot}/sys/net/ipv4/ip_unprivileged_port_start`, 'utf8').catch(() => null);
  const value = text === null ? NaN : Number(text.trim());
  return Number.isInteger(value) ? value : null;
}
