/**
 * The listening sockets of a process, read from /proc (Linux): the socket inodes among
 * /proc/<pid>/fd, matched against /proc/net/tcp, tcp6, udp and udp6. Needs no `ss` or `lsof`.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

export interface ListeningSocket {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  /** Printable address: `127.0.0.1`, `::1`, `0.0.0.0`, `::`. */
  address: string;
  port: number;
}

/** /proc/net/tcp* state 0A is LISTEN (include/net/tcp_states.h); UDP sockets have no LISTEN, any bound one counts. */
const TCP_LISTEN = '0A';

async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match?.[1]) inodes.add(match[1]);
  }
  return inodes;
}

/** /proc/net hex addresses are in host byte order per 32-bit word (little-endian here). */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // The WHATWG URL serializer writes IPv6 in its compressed form (RFC 5952): `::1`, `::`.
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

export async function listeningSockets(pid: number): Promise<ListeningSocket[]> {
  const inodes = await socketInodes(pid);
  const found: ListeningSocket[] = [];
  for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const table = await readFile(`/proc/net/${protocol}`, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const [local, , state] = [fields[1]!, fields[2]!, fields[3]!];
      const inode = fields[9]!;
      if (!inodes.has(inode)) continue;
      if (protocol.startsWith('tcp') && state !== TCP_LISTEN) continue;
      const [addressHex, portHex] = local.split(':') as [string, string];
      found.push({ protocol, address: decodeAddress(addressHex), port: parseInt(portHex, 16) });
    }
  }
  return found;
}
