import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChromiumNssStore, createFirefoxNssStore } from '../../../../main/engine/truststore/nss';
import type { RootCert } from '../../../../main/engine/truststore/types';
import { RecordingElevator } from '../../../helpers/recording-elevator';
import { RecordingExec } from '../../../helpers/recording-exec';

/** argv-level checks of the NSS stores; the real certutil runs in test/integration/engine/truststore/nss.test.ts. */
const root: RootCert = { certPem: '', certPath: '/data/ca/root.pem', nickname: 'Portico CA 0A', fingerprint256: 'AA', serial: '0A' };

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'portico-nss-unit-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function profile(path: string, file: 'cert9.db' | 'cert8.db'): Promise<string> {
  await mkdir(path, { recursive: true });
  await writeFile(join(path, file), '');
  return path;
}

describe('NSS stores (argv)', () => {
  it('a read-only database (SEC_ERROR_READ_ONLY) is retried through the elevator with the same argv', async () => {
    const db = await profile(join(home, '.pki', 'nssdb'), 'cert9.db');
    const recording = new RecordingExec((argv) => {
      if (argv[1] === '-A') return { exitCode: 255, stderr: 'certutil: could not add certificate to token or database: SEC_ERROR_READ_ONLY: security library: read-only database.' };
      if (argv[1] === '-L' || argv[1] === '-V') return { exitCode: 255 };
      return { exitCode: 1 };
    });
    const elevated = new RecordingExec(() => ({ exitCode: 0 }));
    const elevator = new RecordingElevator(elevated.exec);
    const store = createChromiumNssStore({ exec: recording.exec, elevator, home, env: {}, platform: 'linux' }, { certutil: 'certutil', toolHint: 'x', primary: db, extra: [] });
    await store.install(root);
    expect(elevator.consents).toEqual([
      { commands: [['certutil', '-A', '-d', `sql:${db}`, '-t', 'C,,', '-n', 'Portico CA 0A', '-i', '/data/ca/root.pem']], reason: 'update a browser certificate database owned by another user' },
    ]);
  });

  it('legacy cert8.db profiles are addressed as dbm:', async () => {
    const old = await profile(join(home, '.mozilla', 'firefox', 'old.default'), 'cert8.db');
    const recording = new RecordingExec((argv) => (argv[1] === '-H' ? { exitCode: 1 } : { exitCode: 255 }));
    const store = createFirefoxNssStore({ exec: recording.exec, elevator: new RecordingElevator(recording.exec), home, env: {}, platform: 'linux' }, { certutil: '/opt/nss/certutil', toolHint: 'x', profileBases: [join(home, '.mozilla', 'firefox')] });
    await store.check(root);
    expect(recording.argvs).toEqual([
      ['/opt/nss/certutil', '-H'],
      ['/opt/nss/certutil', '-L', '-d', `dbm:${old}`, '-n', 'Portico CA 0A', '-a'],
    ]);
  });

  it('uninstall deletes every copy of the nickname, then stops', async () => {
    const db = await profile(join(home, '.pki', 'nssdb'), 'cert9.db');
    let copies = 2;
    const recording = new RecordingExec((argv) => {
      if (argv[1] === '-L') return { exitCode: copies > 0 ? 0 : 255 };
      if (argv[1] === '-D') copies -= 1;
      return { exitCode: 0 };
    });
    const store = createChromiumNssStore({ exec: recording.exec, elevator: new RecordingElevator(recording.exec), home, env: {}, platform: 'linux' }, { certutil: 'certutil', toolHint: 'x', primary: db, extra: [] });
    await store.uninstall(root);
    expect(recording.count('certutil', '-D')).toBe(2);
    expect(recording.argvs.filter((argv) => argv[1] === '-D')[0]).toEqual(['certutil', '-D', '-d', `sql:${db}`, '-n', 'Portico CA 0A']);
  });
});
