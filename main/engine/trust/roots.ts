import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrustReceipt } from '../ledger';
import type { DataPaths } from '../system/data-dir';
import { rootCertFromPem, type RootCert } from '../truststore';

/** The data dir's current root, read from its PEM without loading (or creating) the key; null when there is none. */
export async function readCurrentRoot(paths: Pick<DataPaths, 'caCert'>): Promise<RootCert | null> {
  let pem: string;
  try {
    pem = await readFile(paths.caCert, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return rootCertFromPem(pem, paths.caCert);
}

/** A root usable by every store, even when its recorded file is gone or now holds another root. */
export interface MaterializedRoot {
  root: RootCert;
  release(): Promise<void>;
}

/**
 * The root of a receipt with a PEM file on disk: the recorded path when it still holds this very
 * root, else a private temp copy (tools like `security remove-trusted-cert` and keytool read a path).
 */
export async function materializeRoot(receipt: Pick<TrustReceipt, 'certPem' | 'certPath' | 'fingerprint256'>): Promise<MaterializedRoot> {
  const onDisk = await readFile(receipt.certPath, 'utf8').catch(() => null);
  if (onDisk !== null && fingerprintOf(onDisk) === receipt.fingerprint256) {
    return { root: rootCertFromPem(onDisk, receipt.certPath), release: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), 'portico-root-'));
  const path = join(dir, 'root.pem');
  await writeFile(path, receipt.certPem, { mode: 0o644 });
  return { root: rootCertFromPem(receipt.certPem, path), release: () => rm(dir, { recursive: true, force: true }) };
}

function fingerprintOf(pem: string): string | null {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return null;
  }
}

/**
 * Whether any project certificate on disk was signed by `root`: a rotated-out root stays trusted
 * until the last certificate it signed has been re-issued, so live HTTPS never breaks mid-rotation.
 */
export async function rootInUse(paths: Pick<DataPaths, 'certsDir'>, root: Pick<RootCert, 'certPem'>): Promise<boolean> {
  const issuer = new X509Certificate(root.certPem);
  const projects = await readdir(paths.certsDir).catch(() => [] as string[]);
  for (const project of projects) {
    const pem = await readFile(join(paths.certsDir, project, 'cert.pem'), 'utf8').catch(() => null);
    if (pem === null) continue;
    try {
      const leaf = new X509Certificate(pem);
      if (leaf.checkIssued(issuer) && leaf.verify(issuer.publicKey)) return true;
    } catch {
      // An unreadable certificate is re-issued on next use; it pins nothing.
    }
  }
  return false;
}
