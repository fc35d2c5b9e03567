/**
 * Project (leaf) certificates signed directly by the root. Profile per security-requirements.md
 * CA-3: names only in subjectAltName, EKU serverAuth, keyUsage digitalSignature (plus
 * keyEncipherment for an RSA key), CA:FALSE, SKI and AKI; lifetime per CA-2 (default 90 days,
 * never above 397). The key is ECDSA P-256 unless RSA is asked for (issue #7, keys.ts); the
 * signature is the root's, sha256WithRSAEncryption either way. forge lays the certificate out and
 * is loaded only here, when a leaf is actually built (forge.ts).
 */
import { checkDomain } from '../../../shared/names';
import { PorticoError } from '../errors';
import { CLOCK_SKEW_MS, wholeSeconds, type CaMaterial, type PemPair } from './ca';
import { describeCertificate, type CertDescription } from './cert-info';
import { loadForge } from './forge';
import { DEFAULT_LEAF_KEY_TYPE, generateLeafKeyPair, privateKeyToPem, type KeyPair, type KeyPool, type LeafKeyType } from './keys';
import { ipPermitted } from './name-constraints';
import { randomSerialHex } from './serial';
import { signCertificate, utf8Field } from './sign';
import { subjectKeyIdentifierExtension } from './spki';

/** Default leaf lifetime: Mozilla's recommendation, and the config default (CA-2). */
export const DEFAULT_LEAF_LIFETIME_DAYS = 90;
/** Hard cap: Apple and Chrome's limit for publicly trusted leaves, applied here too (CA-2). */
export const MAX_LEAF_LIFETIME_DAYS = 397;
const DAY_MS = 86_400_000;
/** ub-common-name (RFC 5280 Appendix A.1): a longer first domain simply gets no CN. */
const MAX_COMMON_NAME = 64;

export interface LeafRequest {
  /** DNS names for the subjectAltName, first one also the CN (display only). `*.web.localhost` allowed. */
  domains: readonly string[];
  /** IP SANs; only addresses inside the root's iPAddress constraints (loopback). */
  ipAddresses?: readonly string[];
  /** Days of validity from `now`. Default 90, capped at 397. */
  lifetimeDays?: number;
  /** The issuing time. Default now. */
  now?: Date;
  /** Pre-generated keys; without one (or when it holds another key type) a key is generated on the spot. */
  keyPool?: KeyPool;
  /** The leaf key: `ecdsa` (P-256) or `rsa` (2048 bits). Default: the pool's type, else `ecdsa`. */
  keyType?: LeafKeyType;
}

/** A signed leaf: the PEM pair to serve and what it says. */
export interface IssuedLeaf extends PemPair {
  info: CertDescription;
}

/** The suffix to suggest for a refused domain: its parent zone, or the name itself under a TLD. */
function suggestedSuffix(domain: string): string {
  const labels = domain.replace(/^\*\./, '').split('.');
  return labels.length > 2 ? `.${labels.slice(1).join('.')}` : labels.join('.');
}

function notPermitted(name: string, detail: string): PorticoError {
  return new PorticoError(
    'E_DOMAIN_NOT_PERMITTED',
    `"${name}" is outside the local CA's name constraints (${detail}). Use a name under one of those, or make a new root that also covers it with \`portico ca rotate --suffix ${suggestedSuffix(name)}\` (browsers must then trust the new root).`,
  );
}

function checkedDomains(ca: CaMaterial, domains: readonly string[]): string[] {
  if (domains.length === 0) throw new PorticoError('E_INVALID_INPUT', 'a certificate needs at least one domain, such as "web.localhost".');
  const result: string[] = [];
  for (const input of domains) {
    const checked = checkDomain(input, ca.suffixes);
    if (!checked.ok) {
      if (checked.code === 'E_DOMAIN_NOT_PERMITTED') throw notPermitted(input.trim().toLowerCase(), `it permits ${ca.permitted.dns.join(', ')} and names below them`);
      throw new PorticoError(checked.code, checked.message);
    }
    if (!result.includes(checked.value)) result.push(checked.value);
  }
  return result;
}

function checkedIps(ca: CaMaterial, addresses: readonly string[]): string[] {
  for (const address of addresses) {
    if (!ipPermitted(address, ca.permitted.ip)) throw notPermitted(address, `it permits IP addresses in ${ca.permitted.ip.join(', ')} only`);
  }
  return [...addresses];
}

function lifetimeDays(requested: number | undefined): number {
  const days = requested ?? DEFAULT_LEAF_LIFETIME_DAYS;
  if (!Number.isInteger(days) || days < 1) {
    throw new PorticoError('E_INVALID_INPUT', `a certificate lifetime of ${requested} days is not valid: use a whole number of days from 1 to ${MAX_LEAF_LIFETIME_DAYS}.`);
  }
  return Math.min(days, MAX_LEAF_LIFETIME_DAYS);
}

interface LeafTemplate {
  domains: readonly string[];
  ipAddresses: readonly string[];
  lifetimeDays: number;
  now: Date;
  commonName: string | undefined;
}

/**
 * keyUsage by key (CA-3): digitalSignature for the handshake signature; keyEncipherment only for
 * an RSA key, which TLS 1.2 clients may use for RSA key transport (RFC 5280 §4.2.1.3). For an EC
 * key it MUST NOT be set (RFC 5480 §3 as updated by RFC 8813); smallstep's leaf template agrees.
 */
function keyUsage(key: KeyPair) {
  const rsa = key.publicKey.asymmetricKeyType === 'rsa';
  return { name: 'keyUsage', critical: true, digitalSignature: true, ...(rsa && { keyEncipherment: true }) };
}

async function buildAndSign(ca: CaMaterial, template: LeafTemplate, key: KeyPair): Promise<IssuedLeaf> {
  const forge = await loadForge();
  const now = wholeSeconds(template.now);
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  // notAfter − notBefore never exceeds the cap, skew included.
  const notAfter = new Date(Math.min(now.getTime() + template.lifetimeDays * DAY_MS, notBefore.getTime() + MAX_LEAF_LIFETIME_DAYS * DAY_MS));

  const cert = forge.pki.createCertificate();
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject = [utf8Field('organizationName', 'Portico')];
  if (template.commonName && template.commonName.length <= MAX_COMMON_NAME) {
    subject.unshift(utf8Field('commonName', template.commonName));
  }
  cert.setSubject(subject);
  // The issuer is the root's subject, copied as encoded (`issuerName` below), not laid out here.
  cert.setExtensions([
    { name: 'basicConstraints', critical: true, cA: false },
    keyUsage(key),
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...template.domains.map((value) => ({ type: 2, value })), ...template.ipAddresses.map((ip) => ({ type: 7, ip }))],
    },
    await subjectKeyIdentifierExtension(key.publicKey),
    { name: 'authorityKeyIdentifier', keyIdentifier: forge.util.hexToBytes(ca.subjectKeyId.replace(/:/g, '')) },
  ]);
  const signed = await signCertificate({ layout: cert, subjectPublicKey: key.publicKey, issuerName: ca.subjectName }, ca.privateKey);
  return { certPem: signed.pem, keyPem: privateKeyToPem(key.privateKey), info: describeCertificate(signed.x509) };
}

/** A key of the requested type: the pool's when it holds that type, else a fresh one. */
async function takeKey(request: Pick<LeafRequest, 'keyPool' | 'keyType'>): Promise<KeyPair> {
  const pool = request.keyPool;
  const keyType = request.keyType ?? pool?.keyType ?? DEFAULT_LEAF_KEY_TYPE;
  return pool && pool.keyType === keyType ? pool.take() : generateLeafKeyPair(keyType);
}

/**
 * Issue a leaf for `domains` (and loopback `ipAddresses`). Every name is checked against the
 * root's constraints first: a name outside them is refused with E_DOMAIN_NOT_PERMITTED before a
 * key is taken or anything is signed, rather than producing a certificate clients would reject.
 */
export async function issueLeaf(ca: CaMaterial, request: LeafRequest): Promise<IssuedLeaf> {
  const domains = checkedDomains(ca, request.domains);
  const template: LeafTemplate = {
    domains,
    ipAddresses: checkedIps(ca, request.ipAddresses ?? []),
    lifetimeDays: lifetimeDays(request.lifetimeDays),
    now: request.now ?? new Date(),
    commonName: domains[0],
  };
  return buildAndSign(ca, template, await takeKey(request));
}

/**
 * TEST-ONLY. Signs a leaf for any names, skipping every check `issueLeaf` makes, so tests can
 * prove that clients enforce the root's name constraints (security-requirements.md CA-5: "issue
 * `evil.example.com` … (test-only code path)"). Product code must call `issueLeaf`; this is not
 * exported from `pki/index.ts`.
 */
export async function signLeafUnchecked(
  ca: CaMaterial,
  request: LeafRequest & { commonName?: string },
): Promise<IssuedLeaf> {
  const template: LeafTemplate = {
    domains: request.domains,
    ipAddresses: request.ipAddresses ?? [],
    lifetimeDays: request.lifetimeDays ?? DEFAULT_LEAF_LIFETIME_DAYS,
    now: request.now ?? new Date(),
    commonName: request.commonName ?? request.domains[0],
  };
  return buildAndSign(ca, template, await takeKey(request));
}
