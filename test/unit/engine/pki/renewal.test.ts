import { describe, expect, it } from 'vitest';
import { needsRenewal, type RenewalReason, type RenewalSubject } from '../../../../main/engine/pki/renewal';

const DAY = 86_400_000;
const issued = Date.parse('2026-01-01T00:00:00Z');
const CA = 'AA:BB:CC:DD';
const cert: RenewalSubject = {
  notBefore: new Date(issued).toISOString(),
  notAfter: new Date(issued + 90 * DAY).toISOString(),
  sans: ['web.localhost', '*.web.localhost'],
  authorityKeyId: CA,
};

const at = (days: number) => new Date(issued + days * DAY);

describe('needsRenewal', () => {
  it.each<{ name: string; cert?: Partial<RenewalSubject>; domains?: string[]; now: Date; ca?: string; reason: RenewalReason | null }>([
    { name: 'fresh certificate is kept', now: at(1), reason: null },
    { name: 'just over a third left is kept', now: at(59.9), reason: null },
    { name: 'under a third left renews', now: at(60.1), reason: 'lifetime' },
    { name: 'last day renews', now: at(89.99), reason: 'lifetime' },
    { name: 'at notAfter it is expired', now: at(90), reason: 'expired' },
    { name: 'long expired', now: at(400), reason: 'expired' },
    { name: 'not yet valid (clock went back)', now: at(-1), reason: 'expired' },
    { name: 'unparsable dates', cert: { notAfter: 'garbage' }, now: at(1), reason: 'expired' },
    { name: 'same domains in another order and case are kept', domains: ['*.WEB.localhost', 'Web.Localhost'], now: at(1), reason: null },
    { name: 'a domain added', domains: ['web.localhost', '*.web.localhost', 'api.test'], now: at(1), reason: 'domains' },
    { name: 'a domain removed', domains: ['web.localhost'], now: at(1), reason: 'domains' },
    { name: 'a domain replaced', domains: ['web.localhost', '*.app.localhost'], now: at(1), reason: 'domains' },
    { name: 'signed by another CA', ca: '11:22:33:44', now: at(1), reason: 'issuer' },
    { name: 'key ids compare without colons or case', ca: 'aabbccdd', now: at(1), reason: null },
    { name: 'no authority key id', cert: { authorityKeyId: undefined }, now: at(1), reason: 'issuer' },
    { name: 'issuer wins over expiry', ca: '11:22', now: at(400), reason: 'issuer' },
    { name: 'expiry wins over domains', domains: ['other.localhost'], now: at(400), reason: 'expired' },
  ])('$name', ({ cert: overrides, domains, now, ca, reason }) => {
    const verdict = needsRenewal({ ...cert, ...overrides }, { caSubjectKeyId: ca ?? CA, domains: domains ?? ['web.localhost', '*.web.localhost'], now });
    expect(verdict).toEqual({ renew: reason !== null, reason });
  });

  it('honours a custom renewal window', () => {
    const verdict = needsRenewal(cert, { caSubjectKeyId: CA, domains: cert.sans, now: at(60.1), renewWhenRemaining: 0.2 });
    expect(verdict.renew).toBe(false);
  });
});
