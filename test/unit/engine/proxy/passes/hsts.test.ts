import { describe, expect, it } from 'vitest';
import type { HstsPolicy } from '../../../../../shared/config';
import { hstsHeaderAt, hstsHeaderFor, hstsHeaderValue, hstsPlan, hstsPlanFor } from '../../../../../main/engine/proxy/passes/hsts';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const LATER = '2026-03-02T12:00:00.000Z';
const EARLIER = '2026-02-28T12:00:00.000Z';

describe('hstsHeaderValue', () => {
  const cases: { name: string; policy: HstsPolicy; resetUntil?: string; now?: number; expected: string | null }[] = [
    { name: 'dev: one hour, no includeSubDomains', policy: 'dev', expected: 'max-age=3600' },
    { name: 'production: one year with includeSubDomains', policy: 'production', expected: 'max-age=31536000; includeSubDomains' },
    { name: 'off: no header', policy: 'off', expected: null },
    { name: 'off inside the reset window: max-age=0', policy: 'off', resetUntil: LATER, expected: 'max-age=0' },
    { name: 'off after the reset window: no header', policy: 'off', resetUntil: EARLIER, expected: null },
    { name: 'off exactly at the end of the window: no header (now < until)', policy: 'off', resetUntil: '2026-03-01T12:00:00.000Z', expected: null },
    { name: 'off one ms before the end: max-age=0', policy: 'off', resetUntil: '2026-03-01T12:00:00.001Z', expected: 'max-age=0' },
    { name: 'off with an unreadable date: no header', policy: 'off', resetUntil: 'not a date', expected: null },
    { name: 'dev ignores a reset window (its own max-age replaces the pin)', policy: 'dev', resetUntil: LATER, expected: 'max-age=3600' },
    { name: 'production ignores a reset window', policy: 'production', resetUntil: LATER, expected: 'max-age=31536000; includeSubDomains' },
  ];

  it.each(cases)('$name', ({ policy, resetUntil, now, expected }) => {
    expect(hstsHeaderValue(policy, resetUntil, now ?? NOW)).toBe(expected);
    expect(hstsHeaderFor({ hsts: policy, hstsResetUntil: resetUntil }, now ?? NOW)).toBe(expected);
    expect(hstsHeaderAt(hstsPlanFor({ hsts: policy, hstsResetUntil: resetUntil }), now ?? NOW)).toBe(expected);
  });
});

describe('hstsPlan', () => {
  it('is parsed once and evaluated per request against the clock', () => {
    const plan = hstsPlan('off', LATER);
    expect(plan).toEqual({ value: null, clearUntilMs: Date.parse(LATER) });
    expect(hstsHeaderAt(plan, NOW)).toBe('max-age=0');
    expect(hstsHeaderAt(plan, Date.parse(LATER))).toBeNull();
  });

  it('accepts a reset time already parsed to epoch ms', () => {
    expect(hstsHeaderAt(hstsPlan('off', NOW + 1), NOW)).toBe('max-age=0');
    expect(hstsHeaderAt(hstsPlan('off', NOW), NOW)).toBeNull();
  });
});
