import { randomBytes } from 'node:crypto';

/** Bytes of a serial number: 128 bits, as mkcert's `randomSerialNumber` (CA/B BR §7.1 asks ≥ 64). */
const SERIAL_BYTES = 16;

/**
 * A certificate serial number as forge wants it: lower-case hex of exactly the DER INTEGER
 * content bytes.
 *
 * forge writes the hex bytes verbatim into the INTEGER, which DER reads as two's complement:
 * - a first byte ≥ 0x80 would make the serial negative (forge#349; Go ≥ 1.23 refuses those), so
 *   the high bit is cleared;
 * - a first byte of 0x00 followed by a byte < 0x80 is a non-minimal encoding that OpenSSL rejects
 *   ("illegal padding"), and an all-zero serial is invalid (forge#1147, RFC 5280 §4.1.2.2),
 *   so draws with a zero first byte are thrown away (rejection sampling keeps the rest uniform:
 *   127 bits of entropy, less 1/128 of the space).
 */
export function randomSerialHex(): string {
  for (;;) {
    const bytes = randomBytes(SERIAL_BYTES);
    bytes[0] = (bytes[0] ?? 0) & 0x7f;
    if (bytes[0] !== 0) return bytes.toString('hex');
  }
}
