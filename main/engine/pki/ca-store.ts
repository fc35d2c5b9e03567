/**
 * The CA on disk: `<data>/ca/root.pem` (0644, what users hand to `curl --cacert`) and
 * `<data>/ca/root-key.pem` (0600) in a 0700 directory (security-requirements.md CA-6; mkcert's
 * 0755 CAROOT is deliberately not copied).
 *
 * Not locked here: callers hold the data-dir lock (the projects store's lock) around `ensureCa`
 * and `writeCa`, so two processes never create two roots.
 */
import { chmod, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { isPorticoError, PorticoError } from '../errors';
import { writeFileAtomic } from '../system/atomic-file';
import { isSealedKeyFile, sealedKeyLockedMessage } from './sealed-key';
import { caFromPem, generateRoot, type CaFilePaths, type CaMaterial, type GenerateRootOptions, type PemPair } from './ca';

export interface CaPaths extends CaFilePaths {
  caDir: string;
}

/**
 * How the CA key is kept at rest. The desktop app seals it with Electron `safeStorage`
 * (security-requirements.md CA-6); the default stores plain PEM. `unseal` may throw a
 * PorticoError such as E_CA_LOCKED ("encrypted by the desktop app"), which is passed on as is.
 */
export interface KeyProtector {
  seal(keyPem: string): Promise<Uint8Array | string>;
  unseal(stored: Buffer): Promise<string>;
}

export interface CaStoreOptions {
  keyProtector?: KeyProtector;
}

const plainPem: KeyProtector = {
  seal: async (keyPem) => keyPem,
  unseal: async (stored) => stored.toString('utf8'),
};

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function readOrCorrupt(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'cannot be read';
    throw new PorticoError(
      'E_CA_CORRUPT',
      `The ${what} ${path} ${reason}. Restore it from a backup, or make a new CA with \`portico ca rotate\` (browsers must then trust the new root).`,
      { cause: error },
    );
  }
}

/** Read and check the CA. Missing, unreadable, damaged or mismatched files are E_CA_CORRUPT naming the file. */
export async function loadCa(paths: CaPaths, options: CaStoreOptions = {}): Promise<CaMaterial> {
  const protector = options.keyProtector ?? plainPem;
  const certPem = (await readOrCorrupt(paths.caCert, 'CA certificate')).toString('utf8');
  const stored = await readOrCorrupt(paths.caKey, 'CA key');
  // Sealed by the desktop app: only a protector that can open it may go on (CA-6).
  if (!options.keyProtector && isSealedKeyFile(stored)) throw new PorticoError('E_CA_LOCKED', sealedKeyLockedMessage(paths.caKey));
  let keyPem: string;
  try {
    keyPem = await protector.unseal(stored);
  } catch (error) {
    if (isPorticoError(error)) throw error;
    throw new PorticoError('E_CA_CORRUPT', `The CA key ${paths.caKey} could not be decrypted. Restore it from a backup, or make a new CA with \`portico ca rotate\`.`, { cause: error });
  }
  return caFromPem({ certPem, keyPem }, paths);
}

/** A directory with exactly `mode`, whatever the umask or an earlier run left. */
async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await chmod(dir, 0o700);
}

/**
 * Write the CA so that a failure leaves the previous pair in place: both files are first written
 * in full beside their targets (`*.next`, atomically, fsynced), and only then renamed over them,
 * key first. A full disk or a read-only file system therefore fails before anything current is
 * touched; only a crash between the two renames can leave a new key beside the old certificate,
 * which `loadCa` reports (E_CA_CORRUPT) rather than use. With no previous certificate, a key
 * alone is an unfinished CA (never trusted anywhere) that `ensureCa` replaces.
 */
export async function writeCa(paths: CaPaths, files: PemPair, options: CaStoreOptions = {}): Promise<void> {
  const protector = options.keyProtector ?? plainPem;
  try {
    await privateDir(paths.caDir);
  } catch (error) {
    throw new PorticoError('E_WRITE_FAILED', `creating ${paths.caDir}: ${(error as Error).message}. Fix the permissions of the data directory and retry.`, { cause: error });
  }
  const staged = { key: `${paths.caKey}.next`, cert: `${paths.caCert}.next` };
  try {
    await writeFileAtomic(staged.key, await protector.seal(files.keyPem), { mode: 0o600, dirMode: 0o700 });
    await writeFileAtomic(staged.cert, files.certPem, { mode: 0o644, dirMode: 0o700 });
    await rename(staged.key, paths.caKey);
    await rename(staged.cert, paths.caCert);
  } catch (error) {
    await Promise.all([rm(staged.key, { force: true }), rm(staged.cert, { force: true })]).catch(() => undefined);
    if (isPorticoError(error)) throw error;
    throw new PorticoError('E_WRITE_FAILED', `writing the CA in ${paths.caDir}: ${(error as Error).message}. The previous CA files are unchanged.`, { cause: error });
  }
}

export interface EnsureCaOptions extends CaStoreOptions, Omit<GenerateRootOptions, 'suffixes'> {}

/**
 * Load the CA, or create it when there is none. The caller MUST hold the data-dir lock around
 * this call (another process could otherwise create a second root at the same moment).
 *
 * - no certificate (with or without a key): a new root is made and written; `created` is true;
 * - a certificate without its key, or files that do not match: E_CA_CORRUPT (the root may be
 *   trusted already, so it is never silently replaced).
 *
 * An existing root is returned even when it does not cover `suffixes`; check with
 * `uncoveredSuffixes` and rotate explicitly.
 */
export async function ensureCa(paths: CaPaths, suffixes: readonly string[], options: EnsureCaOptions = {}): Promise<{ ca: CaMaterial; created: boolean }> {
  if (await exists(paths.caCert)) return { ca: await loadCa(paths, options), created: false };
  const root = await generateRoot({ ...options, suffixes });
  await writeCa(paths, root, options);
  return { ca: await loadCa(paths, options), created: true };
}
