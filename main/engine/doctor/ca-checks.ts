import { X509Certificate } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import type { DataPaths } from '../system/data-dir';
import { porticoCommand } from '../trust';
import { check, daysLeft, type DoctorCheck } from './types';

/** The root renews nothing by itself: warn a month ahead so there is time to rotate and re-trust. */
export const CA_EXPIRY_WARN_DAYS = 30;

/** CA present, readable with its key, within its validity and not about to expire. */
export async function caCheck(paths: Pick<DataPaths, 'caCert' | 'caKey'>, env: Record<string, string | undefined>, now: Date): Promise<DoctorCheck> {
  const title = 'Local CA';
  const pem = await readFile(paths.caCert, 'utf8').catch(() => null);
  if (pem === null) return check('ca', title, 'fail', `there is no local CA yet (${paths.caCert})`, `${porticoCommand(['trust', 'install'], env)} creates it and trusts it`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return check('ca', title, 'fail', `${paths.caCert} is not a readable certificate`, porticoCommand(['ca', 'rotate'], env));
  }
  const keyThere = await access(paths.caKey).then(() => true, () => false);
  if (!keyThere) return check('ca', title, 'fail', `the CA's key ${paths.caKey} is missing, so no certificate can be issued`, porticoCommand(['ca', 'rotate'], env));
  const name = `Portico CA ${cert.serialNumber.toUpperCase()}`;
  if (Date.parse(cert.validFrom) > now.getTime()) return check('ca', title, 'fail', `${name} is not valid before ${cert.validFrom}: is the clock right?`, 'Fix the system clock.');
  const left = daysLeft(cert.validTo, now);
  if (left < 0) return check('ca', title, 'fail', `${name} expired on ${cert.validTo}`, `${porticoCommand(['ca', 'rotate'], env)} (it re-trusts the new root where the old one was)`);
  if (left < CA_EXPIRY_WARN_DAYS) return check('ca', title, 'warn', `${name} expires in ${left} days (${cert.validTo})`, `${porticoCommand(['ca', 'rotate'], env)} (it re-trusts the new root where the old one was)`);
  return check('ca', title, 'ok', `${name}, valid until ${cert.validTo} (${left} days)`);
}

/** Node ignores the OS store by default (security-requirements.md TS-1): NODE_EXTRA_CA_CERTS is how Node tools trust the root. */
export function nodeCheck(paths: Pick<DataPaths, 'caCert'>, env: Record<string, string | undefined>, hasCa: boolean): DoctorCheck {
  const title = 'Node.js tools';
  if (!hasCa) return check('node', title, 'skip', 'no local CA yet');
  const value = env.NODE_EXTRA_CA_CERTS;
  const fix = `eval "$(${porticoCommand(['env'], env)})" in your shell profile`;
  if (value === paths.caCert) return check('node', title, 'ok', `NODE_EXTRA_CA_CERTS points at the Portico root`);
  if (value) return check('node', title, 'warn', `NODE_EXTRA_CA_CERTS is ${value}, not the Portico root: Node scripts calling your https:// projects will fail`, `add the Portico root to that bundle, or ${fix}`);
  return check('node', title, 'warn', 'NODE_EXTRA_CA_CERTS is not set here, so Node scripts (SSR fetches, tests) reject the Portico certificates', fix);
}
