import { X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Elevator } from '../system/elevate';
import { mustSucceed, type Exec, type ExecResult } from '../system/exec';
import { exists } from './paths';
import type { RootCert } from './types';

/** One NSS database: its directory and the `sql:`/`dbm:` spec certutil takes. */
export interface NssDb {
  dir: string;
  spec: string;
}

export interface NssTool {
  exec: Exec;
  elevator: Elevator;
  /** The certutil binary: `certutil`, or a Homebrew path on macOS. */
  certutil: string;
}

/** The database in `dir`, if any: `cert9.db` is the SQLite format, `cert8.db` the legacy Berkeley DB (mkcert `forEachNSSProfile`). */
export async function nssDbIn(dir: string): Promise<NssDb | null> {
  if (await exists(join(dir, 'cert9.db'))) return { dir, spec: `sql:${dir}` };
  if (await exists(join(dir, 'cert8.db'))) return { dir, spec: `dbm:${dir}` };
  return null;
}

/** Creates an empty, password-less database the way Chromium does on first run. */
export async function createNssDb(tool: NssTool, dir: string): Promise<NssDb> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const spec = `sql:${dir}`;
  mustSucceed(await tool.exec([tool.certutil, '-N', '--empty-password', '-d', spec]), `creating the NSS database in ${dir}`);
  return { dir, spec };
}

/** Runs certutil to probe that it exists; throws E_TOOL_MISSING when it does not. */
export async function probeCertutil(tool: NssTool): Promise<void> {
  // `-H` prints usage and exits non-zero; only a missing binary rejects.
  await tool.exec([tool.certutil, '-H']);
}

export interface NssEntry {
  /** Our root is in the database under its nickname (same certificate, by SHA-256). */
  present: boolean;
  /** `certutil -V -u L` accepts it as an SSL CA: the `C` trust flag is really set. */
  verified: boolean;
}

export async function inspectNssDb(tool: NssTool, db: NssDb, root: RootCert): Promise<NssEntry> {
  const listed = await tool.exec([tool.certutil, '-L', '-d', db.spec, '-n', root.nickname, '-a']);
  if (listed.exitCode !== 0 || !holdsCertificate(listed.stdout, root.fingerprint256)) return { present: false, verified: false };
  // -V -u L checks validity for the "SSL CA" usage: it fails with "issuer has been marked as not
  // trusted" when the trust flags lack C, so it proves trust rather than presence (TS-1, mkcert checkNSS).
  const verify = await tool.exec([tool.certutil, '-V', '-d', db.spec, '-u', 'L', '-n', root.nickname]);
  return { present: true, verified: verify.exitCode === 0 };
}

/** Adds the root with `C,,`: trusted to issue TLS server certificates only, not e-mail or code signing (TS-4). */
export async function addToNssDb(tool: NssTool, db: NssDb, root: RootCert): Promise<void> {
  mustSucceed(await certutil(tool, ['-A', '-d', db.spec, '-t', 'C,,', '-n', root.nickname, '-i', root.certPath]), `adding the Portico CA to ${db.dir}`);
}

/** Deletes every certificate stored under our nickname (a failed earlier run may have left two). */
export async function removeFromNssDb(tool: NssTool, db: NssDb, root: RootCert): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const listed = await tool.exec([tool.certutil, '-L', '-d', db.spec, '-n', root.nickname]);
    if (listed.exitCode !== 0) return;
    mustSucceed(await certutil(tool, ['-D', '-d', db.spec, '-n', root.nickname]), `removing the Portico CA from ${db.dir}`);
  }
}

/** A database owned by another user reports SEC_ERROR_READ_ONLY: retry that one command elevated (TS-4, mkcert `execCertutil`). */
async function certutil(tool: NssTool, args: string[]): Promise<ExecResult> {
  const result = await tool.exec([tool.certutil, ...args]);
  if (result.exitCode === 0 || !`${result.stdout}${result.stderr}`.includes('SEC_ERROR_READ_ONLY')) return result;
  return tool.elevator.run([tool.certutil, ...args], { reason: 'update a browser certificate database owned by another user' });
}

function holdsCertificate(pemText: string, fingerprint256: string): boolean {
  const blocks = pemText.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.some((block) => {
    try {
      return new X509Certificate(block).fingerprint256 === fingerprint256;
    } catch {
      return false;
    }
  });
}
