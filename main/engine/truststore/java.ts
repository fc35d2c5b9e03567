import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { withOneConsent } from '../system/consent';
import { mustSucceed, type ExecResult } from '../system/exec';
import { exists, isWritable } from './paths';
import { bareHex } from './root';
import { settled } from './state';
import type { RootCert, TrustState, TrustStore, TrustStoreDeps } from './types';

export interface JavaStoreOptions {
  /** Candidate JDK/JRE homes (JAVA_HOME, /usr/lib/jvm/*, `java_home -V` on macOS), in priority order. */
  javaHomes: () => Promise<string[]>;
  /** The keystore password every JDK ships `cacerts` with. */
  storepass?: string;
  /** `keytool` or `keytool.exe`. */
  keytoolName?: string;
  /** Whether we may write a keystore ourselves (test seam; default: an access(2) check). */
  writable?: (path: string) => Promise<boolean>;
}

/** One cacerts keystore and the keytool that belongs to it. */
export interface JavaKeystore {
  /** The real path (Debian's JDKs all link to /etc/ssl/certs/java/cacerts: one keystore, not three). */
  cacerts: string;
  keytool: string;
}

/** Paths from `/usr/libexec/java_home -V`, which lists one JVM per line ending in its home directory. */
export function parseJavaHomeList(output: string): string[] {
  const homes: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /\s(\/\S.*?)\s*$/.exec(line);
    if (match?.[1] && !homes.includes(match[1])) homes.push(match[1]);
  }
  return homes;
}

export async function findKeystores(homes: string[], keytoolName = 'keytool'): Promise<JavaKeystore[]> {
  const found: JavaKeystore[] = [];
  for (const home of homes) {
    // JDK 9+ keeps cacerts in lib/security; JDK 8 under jre/ (mkcert truststore_java.go).
    for (const candidate of [join(home, 'lib', 'security', 'cacerts'), join(home, 'jre', 'lib', 'security', 'cacerts')]) {
      if (!(await exists(candidate))) continue;
      const cacerts = await realpath(candidate);
      if (found.some((keystore) => keystore.cacerts === cacerts)) break;
      const ownKeytool = join(home, 'bin', keytoolName);
      // An absolute keytool also works under sudo, whose secure_path has no JDK bin directory.
      found.push({ cacerts, keytool: (await exists(ownKeytool)) ? ownKeytool : keytoolName });
      break;
    }
  }
  return found;
}

export function createJavaStore(deps: TrustStoreDeps, options: JavaStoreOptions): TrustStore {
  const id = 'java';
  const storepass = options.storepass ?? 'changeit';
  const keystores = async () => findKeystores(await options.javaHomes(), options.keytoolName);
  const noJava = 'no Java installation with a cacerts keystore found';
  const javaHint = 'Set JAVA_HOME to the JDK your tools use, then retry.';

  /** keytool runs elevated only when the keystore is not writable by us (mkcert `execKeytool`). */
  const keytool = async (keystore: JavaKeystore, args: string[], reason: string): Promise<ExecResult> => {
    const argv = [keystore.keytool, ...args, '-keystore', keystore.cacerts, '-storepass', storepass];
    if (await (options.writable ?? isWritable)(keystore.cacerts)) return deps.exec(argv);
    return deps.elevator.run(argv, { reason });
  };

  /** Present under our alias with our SHA-256: cacerts entries are trusted certificates by definition. */
  const holds = async (keystore: JavaKeystore, root: RootCert): Promise<boolean> => {
    const listed = await deps.exec([keystore.keytool, '-list', '-alias', root.nickname, '-keystore', keystore.cacerts, '-storepass', storepass]);
    return listed.exitCode === 0 && bareHex(listed.stdout).includes(bareHex(root.fingerprint256));
  };

  const check = async (root: RootCert): Promise<TrustState> => {
    const all = await keystores();
    if (all.length === 0) return { store: id, status: 'unavailable', detail: noJava, hint: javaHint };
    const holding: string[] = [];
    for (const keystore of all) if (await holds(keystore, root)) holding.push(keystore.cacerts);
    if (holding.length === all.length) {
      return { store: id, status: 'installed', verified: true, detail: `trusted in ${all.length} Java keystore(s)`, locations: holding };
    }
    return { store: id, status: 'not-installed', verified: false, detail: `in ${holding.length} of ${all.length} Java keystore(s)`, locations: holding };
  };

  const store: TrustStore = {
    id,
    label: 'Java',
    async detect() {
      const all = await keystores();
      return all.length > 0 ? { available: true } : { available: false, reason: noJava, hint: javaHint };
    },
    check,
    async install(root) {
      // Every JDK's keystore in the same consent (one prompt when several are root-owned).
      await withOneConsent(
        (await keystores()).map((keystore) => async () => {
          if (await holds(keystore, root)) return;
          const result = await keytool(keystore, ['-importcert', '-noprompt', '-alias', root.nickname, '-file', root.certPath], 'trust the Portico CA in Java');
          if (!(await holds(keystore, root))) mustSucceed(result, `adding the Portico CA to ${keystore.cacerts}`);
        }),
      );
      return { ...(await check(root)), hint: 'Restart Java programs so they reload cacerts.' };
    },
    async uninstall(root) {
      await withOneConsent(
        (await keystores()).map((keystore) => async () => {
          if (!(await holds(keystore, root))) return;
          const result = await keytool(keystore, ['-delete', '-alias', root.nickname], 'remove the Portico CA from Java');
          if (await holds(keystore, root)) mustSucceed(result, `removing the Portico CA from ${keystore.cacerts}`);
        }),
      );
      return check(root);
    },
  };
  return settled(store, 'Install a JDK (it provides keytool) or set JAVA_HOME, then retry.');
}
