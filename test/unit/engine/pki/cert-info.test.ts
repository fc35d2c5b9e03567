import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { colonHex, describeCertificate, sameKeyId } from '../../../../main/engine/pki/cert-info';
import { signLeafUnchecked } from '../../../../main/engine/pki/issue';
import { makeTestCa, type TestCa } from './fixture';

let root: TestCa;
beforeAll(async () => {
  root = await makeTestCa(['.localhost']);
});

describe('colonHex', () => {
  it.each([
    { name: 'lower-case hex', hex: 'a1b2c3', out: 'A1:B2:C3' },
    { name: 'one byte', hex: '0f', out: '0F' },
    { name: 'empty', hex: '', out: '' },
  ])('$name', ({ hex, out }) => {
    expect(colonHex(hex)).toBe(out);
  });
});

describe('sameKeyId', () => {
  it.each([
    { name: 'same form', a: 'AB:CD', b: 'AB:CD', same: true },
    { name: 'colons and case ignored', a: 'AB:CD', b: 'abcd', same: true },
    { name: 'different ids', a: 'AB:CD', b: 'AB:CE', same: false },
    { name: 'a missing id never matches', a: undefined, b: 'AB:CD', same: false },
    { name: 'two missing ids do not match', a: undefined, b: undefined, same: false },
  ])('$name', ({ a, b, same }) => {
    expect(sameKeyId(a, b)).toBe(same);
  });
});

describe('describeCertificate', () => {
  it('describes the root: a CA with permitted names and no AKI', () => {
    const info = describeCertificate(root.pem.certPem);
    expect(info).toMatchObject({ isCa: true, keyType: 'RSA', keyBits: 3072, sans: [], permitted: { dns: ['localhost'], ip: ['127.0.0.0/8', '::1/128'] } });
    expect(info.authorityKeyId).toBeUndefined();
    expect(info.subjectKeyId).toBe(root.ca.subjectKeyId);
    expect(info.fingerprint256).toBe(new X509Certificate(root.pem.certPem).fingerprint256);
    expect(info.serialNumber).toBe(new X509Certificate(root.pem.certPem).serialNumber);
  });

  it('gives the same answer for PEM, DER and a parsed certificate', () => {
    const x509 = new X509Certificate(root.pem.certPem);
    const fromPem = describeCertificate(root.pem.certPem);
    expect(describeCertificate(x509.raw)).toEqual(fromPem);
    expect(describeCertificate(x509)).toEqual(fromPem);
  });

  it('lists DNS and IP SANs in certificate order with ISO 8601 validity', async () => {
    const leaf = await signLeafUnchecked(root.ca, { domains: ['a.localhost', '*.b.localhost'], ipAddresses: ['::1', '127.0.0.2'], now: new Date('2026-02-03T04:05:06.789Z') });
    const info = describeCertificate(leaf.certPem);
    expect(info.sans).toEqual(['a.localhost', '*.b.localhost', '::1', '127.0.0.2']);
    expect(info.notBefore).toBe('2026-02-03T04:04:06.000Z');
    expect(info.notAfter).toBe('2026-05-04T04:05:06.000Z');
    expect(info.permitted).toBeUndefined();
  });

  it.each([
    { name: 'an ECDSA leaf (the default): EC 256 on P-256', keyType: undefined, expected: { keyType: 'EC', keyBits: 256, keyCurve: 'P-256' } },
    { name: 'an RSA leaf: RSA 2048, no curve', keyType: 'rsa' as const, expected: { keyType: 'RSA', keyBits: 2048 } },
  ])('describes the key of $name', async ({ keyType, expected }) => {
    const leaf = await signLeafUnchecked(root.ca, { domains: ['a.localhost'], ...(keyType && { keyType }) });
    const info = describeCertificate(leaf.certPem);
    expect(info).toMatchObject({ ...expected, isCa: false });
    if (!('keyCurve' in expected)) expect(info.keyCurve).toBeUndefined();
  });

  it('throws on something that is not a certificate', () => {
    expect(() => describeCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow();
  });
});
