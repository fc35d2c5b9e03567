/**
 * Project certificates on disk: `<data>/certs/<name>/cert.pem` (0644) and `key.pem` (0600) in a
 * 0700 directory. A project certificate is disposable: anything missing, damaged, mismatched,
 * due for renewal or signed by another CA is simply issued again.
 *
 * Writers are expected to be serialized by the caller (the one engine per data dir, or the
 * data-dir lock): two concurrent writers could leave one's key next to the other's certificate,
 * which the next load detects (key mismatch) and replaces.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { checkProjectName } from '../../../shared/names';
import type { DataPaths } from '../system/data-dir';
import { PorticoError } from '../errors';
import { writeFileAtomic } from '../system/atomic-file';
import type { CaMaterial, PemPair } from './ca';
import { describeCertificate } from './cert-info';
import { issueLeaf, type IssuedLeaf } from './issue';
import type { KeyPool } from './keys';
import { needsRenewal, type RenewalReason } from './renewal';

export type ProjectCertPaths = Pick<DataPaths, 'certDir' | 'cert' | 'key'>;

/** The project fields a certificate depends on. */
export interface CertifiedProject {
  name: string;
  domains: readonly string[];
}

export interface EnsureProjectCertOptions {
  /** Lifetime of a new certificate (config `certificates.lifetimeDays`). */
  lifetimeDays?: number;
  now?: Date;
  keyPool?: KeyPool;
}

export interface EnsuredProjectCert extends IssuedLeaf {
  /** True when a new certificate was issued and written by this call. */
  renewed: boolean;
  /** Why it was issued: none on disk (`missing`), or the renewal reason; null when reused. */
  reason: RenewalReason | 'missing' | null;
}

/** The project name as a safe directory name (it is a path component: no `..`, no `/`). */
function safeName(name: string): string {
  const checked = checkProjectName(name);
  if (!checked.ok || checked.value !== name) {
    throw new PorticoError('E_INVALID_NAME', checked.ok ? `"${name}" is not a valid project name: remove the surrounding spaces.` : checked.message);
  }
  return name;
}

/** The project's certificate and key, or null when they are missing or unusable (damaged, not a pair). */
export async function loadProjectCert(paths: ProjectCertPaths, name: string): Promise<IssuedLeaf | null> {
  const project = safeName(name);
  try {
    const [certPem, keyPem] = await Promise.all([readFile(paths.cert(project), 'utf8'), readFile(paths.key(project), 'utf8')]);
    const x509 = new X509Certificate(certPem);
    if (!x509.checkPrivateKey(createPrivateKey(keyPem))) return null;
    return { certPem, keyPem, info: describeCertificate(x509) };
  } catch {
    return null;
  }
}

/** Write a project's certificate: key first, then the certificate, each atomically. */
export async function writeProjectCert(paths: ProjectCertPaths, name: string, leaf: PemPair): Promise<void> {
  const project = safeName(name);
  const dir = paths.certDir(project);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await chmod(dir, 0o700);
  } catch (error) {
    throw new PorticoError('E_WRITE_FAILED', `creating ${dir}: ${(error as Error).message}. Fix the permissions of the data directory and retry.`, { cause: error });
  }
  await writeFileAtomic(paths.key(project), leaf.keyPem, { mode: 0o600, dirMode: 0o700 });
  await writeFileAtomic(paths.cert(project), leaf.certPem, { mode: 0o644, dirMode: 0o700 });
}

/** Delete a project's certificate directory. Absent already is fine. */
export async function removeProjectCert(paths: ProjectCertPaths, name: string): Promise<void> {
  const dir = paths.certDir(safeName(name));
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (error) {
    throw new PorticoError('E_WRITE_FAILED', `removing ${dir}: ${(error as Error).message}. Fix the permissions and retry, or delete the folder by hand.`, { cause: error });
  }
}

function reusable(existing: IssuedLeaf, ca: CaMaterial, project: CertifiedProject, now: Date): RenewalReason | null {
  const verdict = needsRenewal(existing.info, { caSubjectKeyId: ca.subjectKeyId, domains: project.domains, now });
  if (verdict.renew) return verdict.reason;
  // A matching AKI is only a label: check the signature itself against the current root.
  return new X509Certificate(existing.certPem).verify(ca.x509.publicKey) ? null : 'issuer';
}

/**
 * The project's certificate: the one on disk when it is still good (current CA, same domains,
 * more than a third of its life left), otherwise a new one, written before it is returned.
 */
export async function ensureProjectCert(
  paths: ProjectCertPaths,
  ca: CaMaterial,
  project: CertifiedProject,
  options: EnsureProjectCertOptions = {},
): Promise<EnsuredProjectCert> {
  const now = options.now ?? new Date();
  const existing = await loadProjectCert(paths, project.name);
  const reason = existing ? reusable(existing, ca, project, now) : 'missing';
  if (existing && reason === null) return { ...existing, renewed: false, reason: null };

  const leaf = await issueLeaf(ca, { domains: project.domains, lifetimeDays: options.lifetimeDays, now, keyPool: options.keyPool });
  await writeProjectCert(paths, project.name, leaf);
  return { ...leaf, renewed: true, reason };
}
