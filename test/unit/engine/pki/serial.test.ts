import { describe, expect, it } from 'vitest';
import { randomSerialHex } from '../../../../main/engine/pki/serial';

describe('randomSerialHex', () => {
  it('gives 200 positive, non-zero, minimal, unique 128-bit serials', () => {
    const serials = Array.from({ length: 200 }, () => randomSerialHex());
    expect(new Set(serials).size).toBe(200);
    for (const serial of serials) {
      expect(serial).toMatch(/^[0-9a-f]{32}$/);
      const first = parseInt(serial.slice(0, 2), 16);
      // < 0x80: positive as a DER INTEGER (forge#349); ≠ 0: minimal encoding, never zero (forge#1147)
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThan(0x80);
      expect(BigInt(`0x${serial}`)).toBeGreaterThan(0n);
    }
  });
});
