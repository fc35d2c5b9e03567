import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJavaStore, findKeystores, parseJavaHomeList } from '../../../../main/engine/truststore/java';
import { bareHex } from '../../../../main/engine/truststore/root';
import type { RootCert } from '../../../../main/engine/truststore/types';
import { RecordingElevator } from '../../../helpers/recording-elevator';
import { RecordingExec, toolMissing } from '../../../helpers/recording-exec';
import { makeTestRoot } from './fixtures';

let root: RootCert;
let dir: string;
let cleanup: () => Promise<void>;
let jdk: string;
let jdk8: string;
let sharedA: string;
let sharedB: string;

beforeAll(async () => {
  ({ root, dir, cleanup } = await makeTestRoot());
  jdk = join(dir, 'jdk-21');
  await mkdir(join(jdk, 'lib', 'security'), { recursive: true });
  await mkdir(join(jdk, 'bin'), { recursive: true });
  await writeFile(join(jdk, 'lib', 'security', 'cacerts'), 'keystore');
  await writeFile(join(jdk, 'bin', 'keytool'), '');
  jdk8 = join(dir, 'jdk8');
  await mkdir(join(jdk8, 'jre', 'lib', 'security'), { recursive: true });
  await writeFile(join(jdk8, 'jre', 'lib', 'security', 'cacerts'), 'keystore');
  // Debian style: two JDKs whose cacerts link to one shared keystore.
  await mkdir(join(dir, 'etc-java'), { recursive: true });
  await writeFile(join(dir, 'etc-java', 'cacerts'), 'keystore');
  for (const name of ['java-17', 'java-21']) {
    await mkdir(join(dir, 'jvm', name, 'lib', 'security'), { recursive: true });
    await symlink(join(dir, 'etc-java', 'cacerts'), join(dir, 'jvm', name, 'lib', 'security', 'cacerts'));
  }
  sharedA = join(dir, 'jvm', 'java-17');
  sharedB = join(dir, 'jvm', 'java-21');
});
afterAll(async () => {
  await cleanup();
});

/** A scripted keytool over a set of keystores that hold (or not) our alias. */
function fakeKeytool(holding: Set<string>) {
  const recording = new RecordingExec((argv) => {
    const keystore = argv[argv.indexOf('-keystore') + 1] ?? '';
    if (argv[1] === '-list') {
      return holding.has(keystore)
        ? { stdout: `${root.nickname}, Jan 1, 2026, trustedCertEntry,\nCertificate fingerprint (SHA-256): ${root.fingerprint256}\n` }
        : { exitCode: 1, stdout: `keytool error: java.lang.Exception: Alias <${root.nickname}> does not exist\n` };
    }
    if (argv[1] === '-importcert') holding.add(keystore);
    if (argv[1] === '-delete') holding.delete(keystore);
    return { exitCode: 0 };
  });
  return { recording, elevator: new RecordingElevator(recording.exec) };
}

function store(fake: ReturnType<typeof fakeKeytool>, homes: string[], writable = true) {
  return createJavaStore(
    { exec: fake.recording.exec, elevator: fake.elevator, home: dir, env: {}, platform: 'linux' },
    { javaHomes: async () => homes, writable: async () => writable },
  );
}

describe('Java store (argv golden)', () => {
  it('imports with the JDK’s own keytool, then is idempotent', async () => {
    const fake = fakeKeytool(new Set());
    const java = store(fake, [jdk]);
    const cacerts = join(jdk, 'lib', 'security', 'cacerts');
    const keytool = join(jdk, 'bin', 'keytool');
    expect(await java.check(root)).toMatchObject({ store: 'java', status: 'not-installed' });
    expect(await java.install(root)).toMatchObject({ status: 'installed', verified: true, locations: [cacerts] });
    await java.install(root);
    expect(fake.recording.argvs.filter((argv) => argv[1] !== '-list')).toEqual([
      [keytool, '-importcert', '-noprompt', '-alias', root.nickname, '-file', root.certPath, '-keystore', cacerts, '-storepass', 'changeit'],
    ]);
    expect(fake.recording.argvs[0]).toEqual([keytool, '-list', '-alias', root.nickname, '-keystore', cacerts, '-storepass', 'changeit']);
    expect(fake.elevator.consents).toEqual([]);
  });

  it('uninstall: keytool -delete of our alias only where present', async () => {
    const cacerts = join(jdk, 'lib', 'security', 'cacerts');
    const fake = fakeKeytool(new Set([cacerts]));
    expect(await store(fake, [jdk, jdk8]).uninstall(root)).toMatchObject({ status: 'not-installed', detail: 'in 0 of 2 Java keystore(s)' });
    expect(fake.recording.argvs.filter((argv) => argv[1] === '-delete')).toEqual([[join(jdk, 'bin', 'keytool'), '-delete', '-alias', root.nickname, '-keystore', cacerts, '-storepass', 'changeit']]);
  });

  it('a keystore we cannot write is changed through the elevator, with an absolute keytool', async () => {
    const fake = fakeKeytool(new Set());
    await store(fake, [jdk], false).install(root);
    expect(fake.elevator.consents).toEqual([
      {
        commands: [[join(jdk, 'bin', 'keytool'), '-importcert', '-noprompt', '-alias', root.nickname, '-file', root.certPath, '-keystore', join(jdk, 'lib', 'security', 'cacerts'), '-storepass', 'changeit']],
        reason: 'trust the Portico CA in Java',
      },
    ]);
  });

  it('an entry under our alias with another fingerprint does not count', async () => {
    const recording = new RecordingExec((argv) => (argv[1] === '-list' ? { stdout: 'Certificate fingerprint (SHA-256): 00:11:22\n' } : { exitCode: 0 }));
    const java = createJavaStore({ exec: recording.exec, elevator: new RecordingElevator(recording.exec), home: dir, env: {}, platform: 'linux' }, { javaHomes: async () => [jdk] });
    expect(await java.check(root)).toMatchObject({ status: 'not-installed' });
  });

  it('no JDK: unavailable with a JAVA_HOME hint', async () => {
    const java = store(fakeKeytool(new Set()), [join(dir, 'nowhere')]);
    expect(await java.detect()).toMatchObject({ available: false, hint: expect.stringMatching(/JAVA_HOME/) });
    expect(await java.install(root)).toMatchObject({ status: 'unavailable' });
  });

  it('keytool missing: unavailable with an install hint', async () => {
    const recording = new RecordingExec((argv) => toolMissing(argv));
    const java = createJavaStore({ exec: recording.exec, elevator: new RecordingElevator(recording.exec), home: dir, env: {}, platform: 'linux' }, { javaHomes: async () => [jdk8] });
    expect(await java.check(root)).toMatchObject({ status: 'unavailable', hint: expect.stringMatching(/Install a JDK/) });
  });
});

describe('findKeystores', () => {
  it('finds lib/security (JDK 9+) and jre/lib/security (JDK 8), dedupes links to one keystore, falls back to keytool on PATH', async () => {
    expect(await findKeystores([jdk, jdk8, sharedA, sharedB, join(dir, 'missing')])).toEqual([
      { cacerts: join(jdk, 'lib', 'security', 'cacerts'), keytool: join(jdk, 'bin', 'keytool') },
      { cacerts: join(jdk8, 'jre', 'lib', 'security', 'cacerts'), keytool: 'keytool' },
      { cacerts: join(dir, 'etc-java', 'cacerts'), keytool: 'keytool' },
    ]);
  });
});

describe('parseJavaHomeList', () => {
  it.each([
    [
      'macOS java_home -V',
      'Matching Java Virtual Machines (2):\n    21.0.2 (arm64) "Eclipse Adoptium" - "OpenJDK 21.0.2" /Library/Java/JavaVirtualMachines/temurin-21.jdk/Contents/Home\n    17.0.9 (x86_64) "Oracle Corporation" - "Java SE 17.0.9" /Library/Java/JavaVirtualMachines/jdk-17.jdk/Contents/Home\n/Library/Java/JavaVirtualMachines/temurin-21.jdk/Contents/Home\n',
      ['/Library/Java/JavaVirtualMachines/temurin-21.jdk/Contents/Home', '/Library/Java/JavaVirtualMachines/jdk-17.jdk/Contents/Home'],
    ],
    ['no JVM', 'Unable to find any JVMs matching version "(null)".\nNo Java runtime present, try --request to install.\n', []],
    ['empty', '', []],
  ])('%s', (_name, output, expected) => {
    expect(parseJavaHomeList(output)).toEqual(expected);
  });
});

describe('bareHex', () => {
  it('normalizes the fingerprint forms tools print', () => {
    expect(bareHex('ab:CD:ef')).toBe('ABCDEF');
    expect(bareHex('ab cd ef')).toBe('ABCDEF');
  });
});
