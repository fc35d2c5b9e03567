/**
 * When a project certificate must be replaced. Pure: the caller passes the certificate's
 * description, the current CA's key identifier, the project's domains and the time.
 *
 * Renewal starts when a third of the lifetime remains (config `certificates.lifetimeDays` doc;
 * security-requirements.md CA-2: 20–33%, Caddy's `RenewalWindowRatio` is 0.2), early enough that
 * a laptop asleep for a few weeks still wakes up to a valid certificate.
 */
import { sameKeyId } from './cert-info';

/** Why a certificate is replaced, in the order they are checked. */
export type RenewalReason = 'issuer' | 'expired' | 'domains' | 'lifetime';

export interface RenewalVerdict {
  renew: boolean;
  reason: RenewalReason | null;
}

/** The parts of a certificate description renewal looks at (see `describeCertificate`). */
export interface RenewalSubject {
  notBefore: string;
  notAfter: string;
  sans: readonly string[];
  authorityKeyId?: string;
}

export interface RenewalContext {
  /** The current root's subjectKeyIdentifier: a leaf whose AKI differs was signed by another CA (e.g. before a rotation). */
  caSubjectKeyId: string;
  /** The names the project serves now. */
  domains: readonly string[];
  now: Date;
  /** Fraction of the lifetime left at which to renew. Default 1/3. */
  renewWhenRemaining?: number;
}

export const RENEW_WHEN_REMAINING = 1 / 3;

const keep: RenewalVerdict = { renew: false, reason: null };
const renew = (reason: RenewalReason): RenewalVerdict => ({ renew: true, reason });

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map((name) => name.toLowerCase()));
  const right = new Set(b.map((name) => name.toLowerCase()));
  return left.size === right.size && [...left].every((name) => right.has(name));
}

/**
 * - `issuer`: not signed by the current CA (no AKI, or another key's);
 * - `expired`: outside its validity window (past notAfter, or before notBefore after a clock jump);
 * - `domains`: its SANs differ from the project's domains (as sets, ignoring case);
 * - `lifetime`: less than a third of its lifetime remains.
 */
export function needsRenewal(cert: RenewalSubject, context: RenewalContext): RenewalVerdict {
  if (!sameKeyId(cert.authorityKeyId, context.caSubjectKeyId)) return renew('issuer');
  const notBefore = Date.parse(cert.notBefore);
  const notAfter = Date.parse(cert.notAfter);
  const now = context.now.getTime();
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter) || now < notBefore || now >= notAfter) return renew('expired');
  if (!sameNames(cert.sans, context.domains)) return renew('domains');
  const ratio = context.renewWhenRemaining ?? RENEW_WHEN_REMAINING;
  if (notAfter - now < (notAfter - notBefore) * ratio) return renew('lifetime');
  return keep;
}
