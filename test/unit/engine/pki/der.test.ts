/**
 * The certificate reader (der.ts) against certificates made by OpenSSL, compared with what
 * `openssl x509 -text` and `openssl asn1parse` say about them.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '../../../../main/engine/pki/cert-info';
import { decodeAuthorityKeyId, decodeSubjectAltNames, decodeSubjectKeyId, readExtensions, subjectName } from '../../../../main/engine/pki/der';
import { loadForge } from '../../../../main/engine/pki/forge';
import { generateEcKeyPair, generateRsaKeyPair } from '../../../../main/engine/pki/keys';
import { signCertificate, utf8Field } from '../../../../main/engine/pki/sign';
import { makeTempHome, openssl, type TempHome } from './fixture';

let home: TempHome;
beforeAll(async () => {
  home = await makeTempHome();
});
afterAll(() => home.cleanup());

interface OpensslCert {
  der: Buffer;
  text: string;
  asn1: string;
}

let made = 0;
/** A self-signed certificate from `openssl req -x509` (or a v1 one from `x509 -req`), with its text forms. */
async function opensslCert(subject: string, extensions: readonly string[], options: { key?: string[]; v1?: boolean } = {}): Promise<OpensslCert> {
  const base = join(home.dir, `cert-${++made}`);
  const key = options.key ?? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  const run = async (args: string[]) => {
    const result = await openssl(args);
    if (result.code !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  if (options.v1) {
    await run(['req', '-new', ...key, '-nodes', '-keyout', `${base}.key`, '-utf8', '-subj', subject, '-out', `${base}.csr`]);
    await run(['x509', '-req', '-in', `${base}.csr`, '-signkey', `${base}.key`, '-days', '1', '-outform', 'DER', '-out', `${base}.der`]);
  } else {
    const addext = extensions.flatMap((extension) => ['-addext', extension]);
    await run(['req', '-x509', ...key, '-nodes', '-keyout', `${base}.key`, '-days', '1', '-utf8', '-subj', subject, ...addext, '-outform', 'DER', '-out', `${base}.der`]);
  }
  return {
    der: await readFile(`${base}.der`),
    text: await run(['x509', '-inform', 'DER', '-in', `${base}.der`, '-text', '-noout']),
    asn1: await run(['asn1parse', '-inform', 'DER', '-in', `${base}.der`]),
  };
}

/** OpenSSL's names for the extensions used here (crypto/objects/objects.txt). */
const OIDS_BY_NAME: Record<string, string> = {
  'X509v3 Basic Constraints': '2.5.29.19',
  'X509v3 Key Usage': '2.5.29.15',
  'X509v3 Extended Key Usage': '2.5.29.37',
  'X509v3 Subject Alternative Name': '2.5.29.17',
  'X509v3 Subject Key Identifier': '2.5.29.14',
  'X509v3 Authority Key Identifier': '2.5.29.35',
  'X509v3 Name Constraints': '2.5.29.30',
};

/** Extension OID → critical, from the `X509v3 extensions:` block of `openssl x509 -text`. */
function textExtensions(text: string): Record<string, boolean> {
  const found: Record<string, boolean> = {};
  for (const [, name = '', critical] of text.matchAll(/^ {12}(X509v3 [^:]+):( critical)?\s*$/gm)) {
    found[OIDS_BY_NAME[name] ?? name] = critical !== undefined;
  }
  return found;
}

/** The line after `heading`, trimmed. */
function lineAfter(text: string, heading: string): string | undefined {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.trim().startsWith(heading));
  return index < 0 ? undefined : lines[index + 1]?.trim();
}

/** An IP address as written in certificates by people: IPv6 compressed and lower case (RFC 5952). */
const canonicalIp = (ip: string) => (ip.includes(':') ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip);

/** DNS and IP SANs as openssl prints them, in order; other name forms left out. */
function textSans(text: string): string[] {
  const line = lineAfter(text, 'X509v3 Subject Alternative Name') ?? '';
  return line
    .split(', ')
    .flatMap((name) => (name.startsWith('DNS:') ? [name.slice(4)] : name.startsWith('IP Address:') ? [canonicalIp(name.slice(11))] : []));
}

/** A key identifier as printed (`AB:CD:…`, OpenSSL 3.0 may prefix `keyid:`). */
function textKeyId(text: string, heading: string): string | undefined {
  return lineAfter(text, heading)?.replace(/^keyid:/, '');
}

const prefixOf = (mask: string) =>
  (mask.includes(':') ? mask.split(':').map((group) => parseInt(group || '0', 16).toString(2)) : mask.split('.').map((octet) => Number(octet).toString(2)))
    .join('')
    .replace(/0/g, '').length;

/** The `Permitted:` subtrees of a Name Constraints block: DNS names and IP ranges as CIDR. */
function textPermitted(text: string): { dns: string[]; ip: string[] } {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === 'Permitted:');
  const permitted = { dns: [] as string[], ip: [] as string[] };
  for (const line of lines.slice(start + 1)) {
    const entry = line.trim();
    if (entry.startsWith('DNS:')) permitted.dns.push(entry.slice(4));
    else if (entry.startsWith('IP:')) {
      const [address = '', mask = ''] = entry.slice(3).split('/');
      permitted.ip.push(`${canonicalIp(address)}/${prefixOf(mask)}`);
    } else break;
  }
  return permitted;
}

/** The subject Name's bytes located by `openssl asn1parse` (offset, header and content lengths of TBSCertificate's fields). */
function asn1parseSubject(cert: OpensslCert): Buffer {
  const fields = [...cert.asn1.matchAll(/^\s*(\d+):d=2\s+hl=(\d+)\s+l=\s*(\d+)\s+(?:cons|prim):\s*(.*?)\s*$/gm)].map(([, offset, header, length, type]) => ({
    start: Number(offset),
    end: Number(offset) + Number(header) + Number(length),
    type,
  }));
  const withoutVersion = fields[0]?.type?.startsWith('cont [ 0 ]') ? fields.slice(1) : fields;
  const subject = withoutVersion[4];
  if (!subject) throw new Error(`no subject in asn1parse output:\n${cert.asn1}`);
  return cert.der.subarray(subject.start, subject.end);
}

const cases = [
  {
    name: 'an ECDSA certificate with DNS, IPv4 and IPv6 SANs (email and URI skipped) and key ids',
    subject: '/CN=leaf.test/O=Portico',
    extensions: [
      'subjectAltName=DNS:a.test,DNS:*.b.test,IP:127.0.0.1,IP:2001:db8::1,IP:::1,email:x@y.test,URI:https://u.test/',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid:always',
      'extendedKeyUsage=serverAuth',
      'keyUsage=critical,digitalSignature',
    ],
    sans: ['a.test', '*.b.test', '127.0.0.1', '2001:db8::1', '::1'],
  },
  {
    name: 'an RSA CA with name constraints on DNS, IPv4 and IPv6 and a UTF-8 subject',
    subject: '/CN=Zoë’s CA/O=Portico',
    key: ['-newkey', 'rsa:2048'],
    extensions: [
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      'keyUsage=critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier=hash',
      'nameConstraints=critical,permitted;DNS:localhost,permitted;DNS:test,permitted;IP:127.0.0.0/255.0.0.0,permitted;IP:::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,permitted;IP:fd00::/ffc0::',
    ],
    sans: [],
  },
  { name: 'a v1 certificate: no version field, no extensions', subject: '/CN=v1/O=Portico', extensions: [], v1: true, sans: [] },
];

describe('reading certificates made by OpenSSL', () => {
  it.each(cases)('$name', async ({ subject, extensions, key, v1, sans }) => {
    const cert = await opensslCert(subject, extensions, { ...(key && { key }), ...(v1 && { v1 }) });

    const read = readExtensions(cert.der);
    expect(read.size).toBeGreaterThanOrEqual(extensions.length);
    expect(Object.fromEntries([...read].map(([oid, extension]) => [oid, extension.critical]))).toEqual(textExtensions(cert.text));
    expect(subjectName(cert.der)).toEqual(asn1parseSubject(cert));

    const info = describeCertificate(cert.der);
    expect(info.sans).toEqual(textSans(cert.text));
    expect(info.sans).toEqual(sans);
    expect(info.subjectKeyId).toBe(textKeyId(cert.text, 'X509v3 Subject Key Identifier'));
    expect(info.authorityKeyId).toBe(textKeyId(cert.text, 'X509v3 Authority Key Identifier'));
    if (read.has('2.5.29.30')) expect(info.permitted).toEqual(textPermitted(cert.text));
    else expect(info.permitted).toBeUndefined();
  });

  it('reads the name constraints of the RSA CA as subtrees, /10 included', async () => {
    const [, ca] = cases;
    const cert = await opensslCert(ca?.subject ?? '', ca?.extensions ?? [], { key: ['-newkey', 'rsa:2048'] });
    expect(describeCertificate(cert.der).permitted).toEqual({ dns: ['localhost', 'test'], ip: ['127.0.0.0/8', '::1/128', 'fd00::/10'] });
  });

  it('refuses name constraints with excluded subtrees, which a Portico root never has', async () => {
    const cert = await opensslCert('/CN=excluded', ['basicConstraints=critical,CA:TRUE', 'nameConstraints=critical,permitted;DNS:test,excluded;DNS:bad.test']);
    expect(() => describeCertificate(cert.der)).toThrow(/excluded subtrees/);
  });
});

describe('malformed certificates', () => {
  let der: Buffer;
  beforeAll(async () => {
    der = (await opensslCert('/CN=base', ['subjectAltName=DNS:a.test'])).der;
  });

  /** The certificate with its outer SEQUENCE re-encoded with an indefinite length (BER). */
  const indefinite = (cert: Buffer) => {
    const headerLength = 2 + ((cert[1] ?? 0) & 0x7f);
    return Buffer.concat([Buffer.from([0x30, 0x80]), cert.subarray(headerLength), Buffer.from([0, 0])]);
  };

  it.each([
    { name: 'truncated by one byte', mutate: (cert: Buffer) => cert.subarray(0, cert.length - 1), error: /truncated DER/ },
    { name: 'truncated to its header', mutate: (cert: Buffer) => cert.subarray(0, 4), error: /truncated DER/ },
    { name: 'trailing garbage', mutate: (cert: Buffer) => Buffer.concat([cert, Buffer.from([0])]), error: /after the DER value/ },
    { name: 'an indefinite length', mutate: indefinite, error: /indefinite length/ },
    { name: 'not a SEQUENCE', mutate: (cert: Buffer) => Buffer.concat([Buffer.from([0x31]), cert.subarray(1)]), error: /unexpected tag/ },
  ])('refuses a certificate $name', ({ mutate, error }) => {
    const broken = mutate(der);
    expect(() => readExtensions(broken)).toThrow(error);
    expect(() => subjectName(broken)).toThrow(error);
  });

  it('refuses a certificate that repeats an extension (RFC 5280 §4.2)', async () => {
    const [issuer, subject, forge] = await Promise.all([generateRsaKeyPair(2048), generateEcKeyPair(), loadForge()]);
    const layout = forge.pki.createCertificate();
    layout.serialNumber = '01';
    layout.validity.notBefore = new Date('2026-01-01T00:00:00Z');
    layout.validity.notAfter = new Date('2026-02-01T00:00:00Z');
    layout.setSubject([utf8Field('commonName', 'twice')]);
    layout.setIssuer([utf8Field('commonName', 'twice')]);
    layout.setExtensions([
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'a.test' }] },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'evil.example' }] },
    ]);
    const signed = await signCertificate({ layout, subjectPublicKey: subject.publicKey }, issuer.privateKey);
    expect(new X509Certificate(signed.der).subject).toBe('CN=twice');
    expect(() => readExtensions(signed.der)).toThrow(/2\.5\.29\.17 appears twice/);
  });
});

describe('extension values', () => {
  const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

  it.each([
    { name: 'DNS and IPv4 in order', value: '300e 8206 612e74657374 8704 7f000001', sans: ['a.test', '127.0.0.1'] },
    { name: 'IPv6', value: `3012 8710 20010db8${'00'.repeat(11)}01`, sans: ['2001:db8::1'] },
    { name: 'otherName and directoryName skipped', value: '300d a003 060100 a403 300100 820161', sans: ['a'] },
    { name: 'empty GeneralNames', value: '3000', sans: [] },
  ])('decodeSubjectAltNames: $name', ({ value, sans }) => {
    expect(decodeSubjectAltNames(hex(value))).toEqual(sans);
  });

  it.each([
    { name: 'an IP of 5 octets', value: '3007 8705 7f00000100', error: /4 or 16 bytes/ },
    { name: 'not a SEQUENCE', value: '3102 8200', error: /unexpected tag/ },
    { name: 'trailing bytes', value: '3002 8200 00', error: /after the DER value/ },
    { name: 'a name running past the list', value: '3003 8205 61', error: /truncated DER/ },
  ])('decodeSubjectAltNames refuses $name', ({ value, error }) => {
    expect(() => decodeSubjectAltNames(hex(value))).toThrow(error);
  });

  it.each([
    { name: 'subjectKeyIdentifier', read: () => decodeSubjectKeyId(hex('0403 abcdef')), expected: 'abcdef' },
    { name: 'authorityKeyIdentifier with keyIdentifier [0]', read: () => decodeAuthorityKeyId(hex('3005 8003 abcdef')), expected: 'abcdef' },
    { name: 'authorityKeyIdentifier with only issuer and serial', read: () => decodeAuthorityKeyId(hex('3007 a102 3000 820101')), expected: undefined },
  ])('$name', ({ read, expected }) => {
    expect(read()).toBe(expected);
  });

  it.each([
    { name: 'subjectKeyIdentifier that is not an OCTET STRING', read: () => decodeSubjectKeyId(hex('0303 00abcd')) },
    { name: 'subjectKeyIdentifier with trailing bytes', read: () => decodeSubjectKeyId(hex('0401 ab 00')) },
    { name: 'authorityKeyIdentifier that is not a SEQUENCE', read: () => decodeAuthorityKeyId(hex('8003 abcdef')) },
  ])('refuses $name', ({ read }) => {
    expect(read).toThrow(/malformed/);
  });
});
