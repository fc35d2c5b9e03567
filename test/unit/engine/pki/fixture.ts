/**
 * Shared by the PKI tests: one real root per test file (RSA keygen is the slow part), temp data
 * dirs, and `openssl` run with argv.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { DEFAULT_SUFFIXES } from '../../../../shared/names';
import { caFromPem, generateRoot, type CaMaterial, type PemPair } from '../../../../main/engine/pki/ca';
import { dataPaths, type DataPaths } from '../../../../main/engine/system/data-dir';

export interface TestCa {
  ca: CaMaterial;
  pem: PemPair;
}

/** A real root constrained to the default suffixes (or `suffixes`), held in memory. */
export async function makeTestCa(suffixes: readonly string[] = DEFAULT_SUFFIXES, label = 'tester@testhost'): Promise<TestCa> {
  const pem = await generateRoot({ suffixes, label });
  return { ca: caFromPem(pem, { caCert: 'memory:root.pem', caKey: 'memory:root-key.pem' }), pem };
}

export interface TempHome {
  dir: string;
  paths: DataPaths;
  cleanup(): Promise<void>;
}

/** A throwaway data dir. */
export async function makeTempHome(): Promise<TempHome> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-pki-'));
  return { dir, paths: dataPaths(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `openssl` with argv (no shell); a non-zero exit is a result, not a throw. */
export function openssl(args: readonly string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile('openssl', [...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** `openssl x509 -text -noout` of a PEM. */
export async function opensslText(dir: string, pem: string, name = 'cert.pem'): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, pem);
  const result = await openssl(['x509', '-in', file, '-text', '-noout']);
  if (result.code !== 0) throw new Error(`openssl x509 failed: ${result.stderr}`);
  return result.stdout;
}

/** `openssl verify -CAfile root.pem [extra…] leaf.pem`. */
export async function opensslVerify(dir: string, rootPem: string, leafPem: string, extra: readonly string[] = []): Promise<CommandResult> {
  const root = join(dir, 'verify-root.pem');
  const leaf = join(dir, 'verify-leaf.pem');
  await writeFile(root, rootPem);
  await writeFile(leaf, leafPem);
  return openssl(['verify', '-CAfile', root, ...extra, leaf]);
}

/** The content bytes of the serialNumber INTEGER, straight from the DER (TBSCertificate field 1). */
export function serialDerBytes(pem: string): Buffer {
  const certificate = forge.asn1.fromDer(new X509Certificate(pem).raw.toString('binary'));
  const tbs = (certificate.value as forge.asn1.Asn1[])[0];
  const serial = (tbs?.value as forge.asn1.Asn1[])[1];
  if (!serial || serial.type !== forge.asn1.Type.INTEGER) throw new Error('no serial INTEGER');
  return Buffer.from(serial.value as string, 'binary');
}

export const DAY_MS = 86_400_000;
