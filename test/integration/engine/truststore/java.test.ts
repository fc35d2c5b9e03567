import { copyFile, mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElevator } from '../../../../main/engine/system/elevate';
import { exec } from '../../../../main/engine/system/exec';
import { createJavaStore } from '../../../../main/engine/truststore/java';
import type { RootCert } from '../../../../main/engine/truststore/types';
import { RecordingExec } from '../../../helpers/recording-exec';
import { makeTestRoot } from '../../../unit/engine/truststore/fixtures';

/** The JDK's real cacerts, copied: the test changes only the copy in its temp dir. */
async function systemCacerts(): Promise<string | null> {
  for (const candidate of [process.env.JAVA_HOME && join(process.env.JAVA_HOME, 'lib', 'security', 'cacerts'), '/etc/ssl/certs/java/cacerts']) {
    if (!candidate) continue;
    try {
      return await realpath(candidate);
    } catch {
      // try the next one
    }
  }
  return null;
}

const keytoolPresent = await exec(['keytool', '-help']).then(
  () => true,
  () => false,
);
const source = await systemCacerts();
if (!keytoolPresent || !source) console.warn(`java.test.ts skipped: ${!keytoolPresent ? 'no keytool on this machine (a JDK provides it)' : 'no JDK cacerts file to copy'}.`);

describe.skipIf(!keytoolPresent || !source)('Java store with the real keytool on a copy of cacerts', () => {
  let root: RootCert;
  let dir: string;
  let cleanup: () => Promise<void>;
  let javaHome: string;

  beforeAll(async () => {
    ({ root, dir, cleanup } = await makeTestRoot());
    javaHome = join(dir, 'jdk');
    await mkdir(join(javaHome, 'lib', 'security'), { recursive: true });
    await copyFile(source ?? '', join(javaHome, 'lib', 'security', 'cacerts'));
  });
  afterAll(async () => {
    await cleanup();
  });

  it('check → install (fingerprint listed) → install again (no-op) → uninstall', async () => {
    const recording = new RecordingExec(undefined, exec);
    const java = createJavaStore(
      { exec: recording.exec, elevator: createElevator({ platform: 'linux', uid: 0, exec: recording.exec }), home: dir, env: { JAVA_HOME: javaHome }, platform: 'linux' },
      { javaHomes: async () => [javaHome] },
    );
    const cacerts = join(javaHome, 'lib', 'security', 'cacerts');

    expect(await java.detect()).toEqual({ available: true });
    expect(await java.check(root)).toMatchObject({ status: 'not-installed' });
    expect(await java.install(root)).toMatchObject({ status: 'installed', verified: true, locations: [cacerts] });

    const listed = await exec(['keytool', '-list', '-keystore', cacerts, '-storepass', 'changeit', '-alias', root.nickname]);
    expect(listed.stdout).toContain(root.fingerprint256);

    await java.install(root);
    expect(recording.count('keytool', '-importcert')).toBe(1);

    expect(await java.uninstall(root)).toMatchObject({ status: 'not-installed' });
    expect((await exec(['keytool', '-list', '-keystore', cacerts, '-storepass', 'changeit', '-alias', root.nickname])).exitCode).not.toBe(0);
  });
});
