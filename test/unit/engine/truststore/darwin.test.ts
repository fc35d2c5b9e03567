import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_KEYCHAIN, createMacosStore, listedHashes } from '../../../../main/engine/truststore/darwin';
import { thumbprints } from '../../../../main/engine/truststore/root';
import type { RootCert } from '../../../../main/engine/truststore/types';
import { RecordingElevator } from '../../../helpers/recording-elevator';
import { RecordingExec } from '../../../helpers/recording-exec';
import { makeTestRoot } from './fixtures';

let root: RootCert;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, cleanup } = await makeTestRoot());
});
afterAll(async () => {
  await cleanup();
});

/** A scripted `security` that behaves like a keychain holding (or not) our root. */
function fakeSecurity(initial: { present: boolean; trusted: boolean }) {
  const state = { ...initial };
  const { sha1, sha256 } = thumbprints(root);
  const other = 'SHA-256 hash: 00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\nSHA-1 hash: 0011223344556677889900112233445566778899\nkeychain: "/Library/Keychains/System.keychain"\n';
  const recording = new RecordingExec((argv) => {
    if (argv[0] !== 'security') return { exitCode: 127, stderr: 'unexpected program' };
    switch (argv[1]) {
      case 'find-certificate':
        return { stdout: other + (state.present ? `SHA-256 hash: ${sha256}\nSHA-1 hash: ${sha1}\nkeychain: "${argv[4]}"\n` : '') };
      case 'verify-cert':
        return state.trusted ? { stdout: '...certificate verification successful.\n' } : { exitCode: 1, stderr: 'Cert Verify Result: CSSMERR_TP_NOT_TRUSTED\n' };
      case 'add-trusted-cert':
        Object.assign(state, { present: true, trusted: true });
        return { exitCode: 0 };
      case 'remove-trusted-cert':
        if (!state.trusted) return { exitCode: 1, stderr: 'SecTrustSettingsRemoveTrustSettings: The specified item could not be found in the keychain.' };
        state.trusted = false;
        return { exitCode: 0 };
      case 'delete-certificate':
        if (argv[3] === sha1) state.present = false;
        return { exitCode: 0 };
      default:
        return { exitCode: 0 };
    }
  });
  const elevator = new RecordingElevator(recording.exec);
  return { recording, elevator, state, sha1 };
}

const deps = (fake: ReturnType<typeof fakeSecurity>) => ({ exec: fake.recording.exec, elevator: fake.elevator, home: '/Users/dev', env: {}, platform: 'darwin' as const });

describe('macOS store (System keychain, argv golden)', () => {
  it('install: one elevated add-trusted-cert limited to SSL and basic policies; then idempotent', async () => {
    const fake = fakeSecurity({ present: false, trusted: false });
    const store = createMacosStore(deps(fake));
    expect(await store.check(root)).toMatchObject({ store: 'macos', status: 'not-installed' });

    expect(await store.install(root)).toMatchObject({ status: 'installed', verified: true, locations: [SYSTEM_KEYCHAIN] });
    expect(fake.elevator.consents).toEqual([
      {
        commands: [['security', 'add-trusted-cert', '-d', '-r', 'trustRoot', '-p', 'ssl', '-p', 'basic', '-k', '/Library/Keychains/System.keychain', root.certPath]],
        reason: 'trust the Portico CA in the System keychain',
      },
    ]);
    expect(fake.recording.argvs).toContainEqual(['security', 'find-certificate', '-a', '-Z', '/Library/Keychains/System.keychain']);
    expect(fake.recording.argvs).toContainEqual(['security', 'verify-cert', '-c', root.certPath]);

    await store.install(root);
    expect(fake.elevator.consents).toHaveLength(1);
  });

  it('uninstall: remove the trust and delete the certificate by SHA-1, in one consent', async () => {
    const fake = fakeSecurity({ present: true, trusted: true });
    const store = createMacosStore(deps(fake));
    expect(await store.uninstall(root)).toMatchObject({ status: 'not-installed' });
    expect(fake.elevator.consents).toEqual([
      {
        commands: [
          ['security', 'remove-trusted-cert', '-d', root.certPath],
          ['security', 'delete-certificate', '-Z', fake.sha1, '/Library/Keychains/System.keychain'],
        ],
        reason: 'remove the Portico CA from the System keychain',
      },
    ]);
    await store.uninstall(root);
    expect(fake.elevator.consents).toHaveLength(1);
  });

  it('a certificate left without trust is deleted without the failing remove-trusted-cert', async () => {
    const fake = fakeSecurity({ present: true, trusted: false });
    const store = createMacosStore(deps(fake));
    expect(await store.check(root)).toMatchObject({ status: 'installed', verified: false });
    expect(await store.uninstall(root)).toMatchObject({ status: 'not-installed' });
    expect(fake.elevator.argvs).toEqual([['security', 'delete-certificate', '-Z', fake.sha1, '/Library/Keychains/System.keychain']]);
  });

  it('present but untrusted: install re-adds the trust', async () => {
    const fake = fakeSecurity({ present: true, trusted: false });
    expect(await createMacosStore(deps(fake)).install(root)).toMatchObject({ status: 'installed', verified: true });
    expect(fake.elevator.argvs[0]?.slice(0, 3)).toEqual(['security', 'add-trusted-cert', '-d']);
  });
});

describe('macOS store (login keychain, no admin)', () => {
  it('runs security directly against the login keychain with user trust', async () => {
    const fake = fakeSecurity({ present: false, trusted: false });
    const store = createMacosStore(deps(fake), { keychain: 'login' });
    const keychain = '/Users/dev/Library/Keychains/login.keychain-db';
    expect(await store.install(root)).toMatchObject({ status: 'installed', locations: [keychain] });
    expect(await store.uninstall(root)).toMatchObject({ status: 'not-installed' });
    expect(fake.elevator.consents).toEqual([]);
    expect(fake.recording.argvs.filter((argv) => !['find-certificate', 'verify-cert'].includes(argv[1] ?? ''))).toEqual([
      ['security', 'add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-p', 'basic', '-k', keychain, root.certPath],
      ['security', 'remove-trusted-cert', root.certPath],
      ['security', 'delete-certificate', '-Z', fake.sha1, keychain],
    ]);
  });
});

describe('listedHashes', () => {
  it('reads both hash lines of every certificate', () => {
    expect([...listedHashes('SHA-256 hash: ab12\nSHA-1 hash: CD34\nkeychain: "x"\nSHA-1 hash: ef56\n')]).toEqual(['AB12', 'CD34', 'EF56']);
  });
});
