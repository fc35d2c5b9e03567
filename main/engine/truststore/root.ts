import { X509Certificate } from 'node:crypto';
import { PorticoError } from '../errors';
import type { RootCert } from './types';

/** The entry name in every store: unique per CA because it embeds the serial (mkcert `caUniqueName`). */
export function rootNickname(serial: string): string {
  return `Portico CA ${serial}`;
}

/** A RootCert from the CA's PEM and its path on disk. */
export function rootCertFromPem(certPem: string, certPath: string): RootCert {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (error) {
    throw new PorticoError('E_CA_CORRUPT', `the root certificate at ${certPath} cannot be parsed; re-create the CA with \`portico ca rotate\`.`, { cause: error });
  }
  const serial = cert.serialNumber.toUpperCase();
  return { certPem, certPath, nickname: rootNickname(serial), fingerprint256: cert.fingerprint256, serial };
}

/** SHA-1 and SHA-256 of the DER as bare upper-case hex: what `security`, `certutil.exe` and keytool print. */
export function thumbprints(root: RootCert): { sha1: string; sha256: string } {
  const cert = new X509Certificate(root.certPem);
  return { sha1: bareHex(cert.fingerprint), sha256: bareHex(cert.fingerprint256) };
}

/** `AB:CD:ef 01` → `ABCDEF01`. */
export function bareHex(text: string): string {
  return text.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}
