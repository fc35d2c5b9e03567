import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbprints } from '../../../../main/engine/truststore/root';
import type { RootCert } from '../../../../main/engine/truststore/types';
import { createWindowsStore } from '../../../../main/engine/truststore/win32';
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

/** A scripted certutil.exe over a user Root store, printing the hash the way Windows does (spaced, lower case). */
function fakeCertutil(initiallyPresent: boolean, program = 'certutil') {
  let present = initiallyPresent;
  const { sha1 } = thumbprints(root);
  const spaced = sha1.toLowerCase().match(/../g)?.join(' ') ?? '';
  const recording = new RecordingExec((argv) => {
    if (argv[0] === 'wslpath') return { stdout: `\\\\wsl.localhost\\Debian${argv[2]?.replace(/\//g, '\\')}\n` };
    if (argv[0] !== program) return { exitCode: 127 };
    const action = argv[2];
    if (action === '-verifystore') {
      return present ? { stdout: `Root "Trusted Root Certification Authorities"\n================ Certificate 0 ================\nCert Hash(sha1): ${spaced}\nCertUtil: -verifyStore command completed successfully.\n` } : { exitCode: -2146885628 >>> 0, stdout: 'CertUtil: -verifyStore command FAILED: 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)\n' };
    }
    if (action === '-addstore') present = true;
    if (action === '-delstore' && argv[4] === sha1) present = false;
    return { exitCode: 0 };
  });
  return { recording, elevator: new RecordingElevator(recording.exec), sha1 };
}

const deps = (fake: ReturnType<typeof fakeCertutil>, platform: NodeJS.Platform = 'win32') => ({ exec: fake.recording.exec, elevator: fake.elevator, home: 'C:\\Users\\dev', env: {}, platform });

describe('Windows user Root store (argv golden)', () => {
  it('install: certutil -user -addstore Root <pem>, no elevation; idempotent', async () => {
    const fake = fakeCertutil(false);
    const store = createWindowsStore(deps(fake));
    expect(await store.check(root)).toMatchObject({ store: 'windows', status: 'not-installed' });
    expect(await store.install(root)).toMatchObject({ status: 'installed', verified: true, locations: ['CurrentUser\\Root'] });
    await store.install(root);
    expect(fake.recording.argvs).toEqual([
      ['certutil', '-user', '-verifystore', 'Root', fake.sha1],
      ['certutil', '-user', '-verifystore', 'Root', fake.sha1],
      ['certutil', '-user', '-addstore', 'Root', root.certPath],
      ['certutil', '-user', '-verifystore', 'Root', fake.sha1],
      ['certutil', '-user', '-verifystore', 'Root', fake.sha1],
    ]);
    expect(fake.elevator.consents).toEqual([]);
  });

  it('uninstall deletes by SHA-1 thumbprint, never by serial (TS-5)', async () => {
    const fake = fakeCertutil(true);
    const store = createWindowsStore(deps(fake));
    expect(await store.uninstall(root)).toMatchObject({ status: 'not-installed' });
    const deletes = fake.recording.argvs.filter((argv) => argv[2] === '-delstore');
    expect(deletes).toEqual([['certutil', '-user', '-delstore', 'Root', fake.sha1]]);
    expect(deletes[0]).not.toContain(root.serial);
    await store.uninstall(root);
    expect(fake.recording.count('certutil', '-user', '-delstore')).toBe(1);
  });

  it('a declined security warning is an error state that says so', async () => {
    const recording = new RecordingExec((argv) => (argv[2] === '-addstore' ? { exitCode: 1, stdout: 'CertUtil: -addstore command FAILED: 0x800704c7 (WIN32: 1223 ERROR_CANCELLED)' } : { exitCode: 1 }));
    const state = await createWindowsStore({ exec: recording.exec, elevator: new RecordingElevator(recording.exec), home: '', env: {}, platform: 'win32' }).install(root);
    expect(state).toMatchObject({ status: 'error', detail: expect.stringMatching(/security warning declined.*ERROR_CANCELLED/) });
  });

  it('WSL: certutil.exe through interop with a wslpath -w path', async () => {
    const fake = fakeCertutil(false, 'certutil.exe');
    const windowsPath = async (path: string) => (await fake.recording.exec(['wslpath', '-w', path])).stdout.trim();
    const store = createWindowsStore(deps(fake, 'linux'), { certutil: 'certutil.exe', windowsPath });
    expect(await store.install(root)).toMatchObject({ status: 'installed' });
    expect(fake.recording.argvs).toContainEqual(['wslpath', '-w', root.certPath]);
    expect(fake.recording.argvs).toContainEqual(['certutil.exe', '-user', '-addstore', 'Root', `\\\\wsl.localhost\\Debian${root.certPath.replace(/\//g, '\\')}`]);
  });
});
