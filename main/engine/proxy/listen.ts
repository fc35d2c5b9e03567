/**
 * Binding a proxy port on the loopback addresses only (security-requirements.md RP-1): 127.0.0.1
 * and ::1 explicitly, never `::` or `0.0.0.0`, which would expose every dev server to the LAN.
 * A machine without an IPv6 loopback skips ::1 with a warning. Bind failures become PorticoErrors
 * that name the address and say what to do.
 */
import type { Server } from 'node:net';
import { PorticoError } from '../errors';

export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1'];

/** One port bound on one or more loopback addresses. */
export interface BoundPort {
  port: number;
  /** The addresses actually bound (::1 may be missing, see `warnings`). */
  hosts: string[];
  servers: Server[];
  warnings: string[];
}

/** Errors meaning "this machine has no such address family or address", not "someone holds the port". */
const ADDRESS_UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function bindOne(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.removeListener('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.removeListener('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // exclusive: a cluster worker must not share the port behind our back.
    server.listen({ host, port, exclusive: true });
  });
}

/** A bind failure as the PorticoError a user sees: which address, and what to do. */
export function bindError(error: NodeJS.ErrnoException, host: string, port: number, role: string): PorticoError {
  const where = formatAddress(host, port);
  if (error.code === 'EADDRINUSE') {
    return new PorticoError(
      'E_PORT_IN_USE',
      `binding the ${role} listener to ${where}: another process already uses port ${port}. Stop that process (\`portico doctor\` shows who holds it) or choose another port in the proxy settings.`,
      { cause: error },
    );
  }
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return new PorticoError(
      'E_PORT_PRIVILEGED',
      `binding the ${role} listener to ${where}: ports below 1024 need a privilege this process lacks. Use a port of 1024 or above (8443/8080), or grant it once with \`sudo setcap cap_net_bind_service=+ep "$(command -v node)"\`.`,
      { cause: error },
    );
  }
  return new PorticoError('E_INTERNAL', `binding the ${role} listener to ${where} failed: ${error.message}`, { cause: error });
}

async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
}

type Attempt = { ok: true; bound: BoundPort } | { ok: false; error: PorticoError; retryable: boolean };

async function attemptBind(makeServer: () => Server, port: number, hosts: readonly string[], role: string): Promise<Attempt> {
  const bound: BoundPort = { port, hosts: [], servers: [], warnings: [] };
  for (const host of hosts) {
    const server = makeServer();
    try {
      bound.port = await bindOne(server, host, bound.port);
      bound.servers.push(server);
      bound.hosts.push(host);
    } catch (caught) {
      const error = caught as NodeJS.ErrnoException;
      if (bound.servers.length > 0 && ADDRESS_UNAVAILABLE.has(error.code ?? '')) {
        bound.warnings.push(`${role} listener: ${host} is not available on this machine (${error.code}); serving on ${bound.hosts.join(', ')} only.`);
        continue;
      }
      await closeAll(bound.servers);
      // With port 0, "in use" on a later host only means the port picked on the first is taken there.
      return { ok: false, error: bindError(error, host, bound.port, role), retryable: port === 0 && bound.servers.length > 0 && error.code === 'EADDRINUSE' };
    }
  }
  return { ok: true, bound };
}

/**
 * Binds `port` on every host, one server per host from `makeServer`. With port 0 the first bind
 * picks a free port and the others follow it; if a later host has that port taken, the whole
 * attempt is retried on a new port.
 */
export async function bindLoopback(makeServer: () => Server, port: number, hosts: readonly string[], role: string): Promise<BoundPort> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await attemptBind(makeServer, port, hosts, role);
    if (result.ok) return result.bound;
    if (!result.retryable || attempt >= 5) throw result.error;
  }
}

/** Closes the servers of a bound port. */
export function closeBound(bound: BoundPort): Promise<void> {
  return closeAll(bound.servers);
}
