/**
 * IP addresses as the bytes X.509 stores (iPAddress GeneralName: 4 or 16 octets in network
 * order, RFC 5280 §4.2.1.6) and back, for SANs and name constraints.
 */
import { isIP } from 'node:net';

function ipv6Groups(part: string): number[] | null {
  if (part === '') return [];
  const groups: number[] = [];
  const pieces = part.split(':');
  for (const [index, piece] of pieces.entries()) {
    if (piece.includes('.') && index === pieces.length - 1) {
      const v4 = ipv4Bytes(piece);
      if (!v4) return null;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
      groups.push(parseInt(piece, 16));
    } else {
      return null;
    }
  }
  return groups;
}

function ipv4Bytes(address: string): Buffer | null {
  return isIP(address) === 4 ? Buffer.from(address.split('.').map(Number)) : null;
}

function ipv6Bytes(address: string): Buffer | null {
  if (isIP(address) !== 6) return null;
  const halves = address.split('::');
  const head = ipv6Groups(halves[0] ?? '');
  const tail = halves.length === 2 ? ipv6Groups(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  const zeros = 8 - head.length - tail.length;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? zeros : 0).fill(0), ...tail];
  if (groups.length !== 8) return null;
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

/** The 4 or 16 bytes of an IPv4 or IPv6 address, or null when `address` is neither. */
export function ipToBytes(address: string): Buffer | null {
  return ipv4Bytes(address) ?? ipv6Bytes(address.replace(/^\[|\]$/g, ''));
}

/** 4 or 16 bytes to the canonical text form (`127.0.0.1`, `::1`, RFC 5952 via the URL parser). */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) throw new Error(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
  const view = Buffer.from(bytes);
  const groups = Array.from({ length: 8 }, (_, index) => view.readUInt16BE(index * 2).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** True for 127.0.0.0/8 and ::1, the addresses a Portico root permits (security-requirements.md CA-5). */
export function isLoopbackIp(address: string): boolean {
  const bytes = ipToBytes(address);
  if (!bytes) return false;
  if (bytes.length === 4) return bytes[0] === 127;
  return bytes.subarray(0, 15).every((byte) => byte === 0) && bytes[15] === 1;
}
