/**
 * The local root: one per data dir, RSA-3072, 10 years, `pathlen:0`, name-constrained to the
 * development suffixes and loopback, signing leaves directly (PRODUCT.md "one root, no
 * intermediate"; security-requirements.md CA-2, CA-4, CA-5).
 *
 * Loading a root reads it with OpenSSL (`X509Certificate`) and der.ts only: node-forge is loaded
 * when a certificate is built (generateRoot here, issue.ts), never to read one (forge.ts).
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { PorticoError } from '../errors';
import { describeCertificate, type CertDescription } from './cert-info';
import { subjectName } from './der';
import { loadForge } from './forge';
import { generateRsaKeyPair, privateKeyToPem, ROOT_KEY_BITS } from './keys';
import { dnsSubtreesForSuffixes, nameConstraintsExtension, suffixesForDnsSubtrees, type PermittedNames } from './name-constraints';
import { randomSerialHex } from './serial';
import { signCertificate, utf8Field } from './sign';
import { subjectKeyIdentifierExtension } from './spki';

/** Caddy's `defaultRootLifetime` is ~10 years; mkcert's root too (security-requirements.md CA-2). */
export const ROOT_LIFETIME_DAYS = 3650;
/** Validity starts a minute early so a peer whose clock lags slightly still accepts it. */
export const CLOCK_SKEW_MS = 60_000;
const DAY_MS = 86_400_000;
/** ub-common-name (RFC 5280 Appendix A.1). */
const MAX_COMMON_NAME = 64;
const CN_PREFIX = 'Portico Development CA';

/** A CA (or leaf) as the two PEM files on disk. */
export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface GenerateRootOptions {
  /** Suffixes the root may certify (`localhost`, `.test`, …); loopback IPs are always added. */
  suffixes: readonly string[];
  /** The issuing time. Default now. */
  now?: Date;
  /** Who and where, shown in the CA's name. Default `<user>@<host>`. */
  label?: string;
  /** Default {@link ROOT_KEY_BITS}. Tests may not go lower than 2048 (Apple's minimum). */
  keyBits?: number;
}

/** The loaded CA, ready to sign. Holds the key as a KeyObject, which neither JSON nor `inspect` print. */
export interface CaMaterial {
  /** The root certificate, PEM. */
  certPem: string;
  /** The parsed root (OpenSSL). */
  x509: X509Certificate;
  /** The root's subject Name exactly as encoded (DER): every leaf's issuer, copied byte for byte. */
  subjectName: Buffer;
  /** The root's subjectKeyIdentifier, `AB:CD:…`: every leaf's authorityKeyIdentifier. */
  subjectKeyId: string;
  /** What the root's name constraints permit. */
  permitted: PermittedNames;
  /** `permitted.dns` as suffixes for `isPermitted`: `test` gives `test` and `.test`. */
  suffixes: string[];
  /** The root described for display. */
  info: CertDescription;
  /** The signing key. Never logged, never put in a message, never sent across a transport. */
  privateKey: KeyObject;
}

/** Where the CA's files are, for messages. */
export interface CaFilePaths {
  caCert: string;
  caKey: string;
}

function defaultLabel(): string {
  let user = process.env.USER ?? process.env.USERNAME ?? 'user';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep the environment's idea
  }
  return `${user}@${hostname()}`;
}

/** Printable ASCII only, so the name reads the same everywhere and forge never re-encodes it. */
function sanitizeLabel(label: string): string {
  return label.replace(/[^\x20-\x7e]/g, '_').trim();
}

/**
 * The root's common name: unique per root (mkcert puts user@host in it; a random tag keeps two
 * roots of one machine apart, since reusing issuer+serial is a hard error in Firefox:
 * SEC_ERROR_REUSED_ISSUER_AND_SERIAL, security-requirements.md CA-4). iOS needs a CN to list it.
 */
function rootCommonName(label: string, serialHex: string): string {
  const tag = serialHex.slice(0, 8);
  const room = MAX_COMMON_NAME - CN_PREFIX.length - tag.length - 2;
  const who = sanitizeLabel(label).slice(0, Math.max(0, room));
  return who ? `${CN_PREFIX} ${who} ${tag}` : `${CN_PREFIX} ${tag}`;
}

/** Whole seconds: X.509 times carry no fractions (RFC 5280 §4.1.2.5). */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Make a new root. The caller writes it (see `writeCa`) and installs it in trust stores. */
export async function generateRoot(options: GenerateRootOptions): Promise<PemPair> {
  const extension = await nameConstraintsExtension(options.suffixes);
  const now = wholeSeconds(options.now ?? new Date());
  const keys = await generateRsaKeyPair(options.keyBits ?? ROOT_KEY_BITS);
  const forge = await loadForge();

  const cert = forge.pki.createCertificate();
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  cert.validity.notAfter = new Date(now.getTime() + ROOT_LIFETIME_DAYS * DAY_MS);
  const name = [
    utf8Field('commonName', rootCommonName(options.label ?? defaultLabel(), cert.serialNumber)),
    utf8Field('organizationName', 'Portico'),
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
    await subjectKeyIdentifierExtension(keys.publicKey),
    extension,
  ]);
  const signed = await signCertificate({ layout: cert, subjectPublicKey: keys.publicKey }, keys.privateKey);
  return { certPem: signed.pem, keyPem: privateKeyToPem(keys.privateKey) };
}

function corrupt(message: string, cause?: unknown): PorticoError {
  return new PorticoError('E_CA_CORRUPT', message, cause === undefined ? undefined : { cause });
}

const REMEDY = 'Restore the file from a backup, or make a new CA with `portico ca rotate` (browsers must then trust the new root).';

/**
 * Check that a certificate and a key form a usable Portico root and parse them. Every failure is
 * E_CA_CORRUPT naming the file at fault; the key's content never appears in a message.
 */
export function caFromPem(files: PemPair, paths: CaFilePaths): CaMaterial {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(files.certPem);
  } catch (error) {
    throw corrupt(`The CA certificate ${paths.caCert} is not a readable PEM certificate. ${REMEDY}`, error);
  }
  let info: CertDescription;
  let subject: Buffer;
  try {
    info = describeCertificate(x509);
    subject = subjectName(x509.raw);
  } catch (error) {
    throw corrupt(`The CA certificate ${paths.caCert} is damaged (${(error as Error).message}). ${REMEDY}`, error);
  }
  if (!x509.ca || info.keyType !== 'RSA' || !info.subjectKeyId || !info.permitted) {
    throw corrupt(`The CA certificate ${paths.caCert} is not a Portico root (it must be an RSA CA with a subject key identifier and name constraints). ${REMEDY}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(files.keyPem);
  } catch (error) {
    throw corrupt(`The CA key ${paths.caKey} is not a readable private key (truncated or damaged). ${REMEDY}`, error);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw corrupt(`The CA key ${paths.caKey} does not belong to the CA certificate ${paths.caCert}. ${REMEDY}`);
  }
  return {
    certPem: x509.toString(),
    x509,
    subjectName: subject,
    subjectKeyId: info.subjectKeyId,
    permitted: info.permitted,
    suffixes: suffixesForDnsSubtrees(info.permitted.dns),
    info,
    privateKey,
  };
}

/**
 * The suffixes among `wanted` that the CA's constraints do not cover: adding one needs a new
 * root (`portico ca rotate --suffix …`), since constraints cannot change on a signed root.
 */
export function uncoveredSuffixes(ca: Pick<CaMaterial, 'permitted'>, wanted: readonly string[]): string[] {
  return wanted.filter((suffix) => {
    const [subtree = ''] = dnsSubtreesForSuffixes([suffix]);
    return !ca.permitted.dns.some((name) => subtree === name || subtree.endsWith(`.${name}`));
  });
}
