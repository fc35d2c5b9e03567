/**
 * Nothing lost when a write fails (issue 8): on a full disk or a read-only file system, changing
 * the config, the hosts file, a project certificate or the CA is an E_WRITE_FAILED error, and the
 * files that were there keep their exact bytes and still load. Real faults (support/faulty-disk.ts),
 * not mocks: root ignores file modes, so a tmpfs is filled or remounted read-only.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCaManager } from '../../main/engine/ca-manager';
import { isPorticoError } from '../../main/engine/errors';
import { applyHosts, hostsBlockNames } from '../../main/engine/hosts/hosts';
import { loopbackEntries } from '../../main/engine/hosts/hostsfile';
import { generateRoot, issueLeaf, caFromPem, loadCa, loadProjectCert, writeCa, writeProjectCert } from '../../main/engine/pki';
import { addProject, createConfigStore } from '../../main/engine/projects';
import { dataPaths, type DataPaths } from '../../main/engine/system/data-dir';
import { RecordingElevator } from '../helpers/recording-elevator';
import { RecordingExec } from '../helpers/recording-exec';
import { canMakeImmutable, canMount, fillDisk, remountReadOnly, setImmutable, smallDisk } from './support/faulty-disk';

/** One kind of stored state: how to lay it out, which files must survive, the change that fails. */
interface Subject {
  name: string;
  seed(paths: DataPaths): Promise<void>;
  kept(paths: DataPaths): string[];
  change(paths: DataPaths): Promise<unknown>;
  /** After the failure the old state still loads as it was. */
  stillLoads(paths: DataPaths): Promise<void>;
  /** Pages left free on a full disk: 1 when the change takes the data-dir lock first. */
  leavePages: number;
  /** Faults under which this change is known to lose data (the test is then `it.fails`). */
  knownDefectUnder?: string[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DISK_FULL = 'disk full (tmpfs, ENOSPC)';
const hostsPath = (paths: DataPaths) => join(paths.dir, 'hosts');
const USER_HOSTS = '127.0.0.1\tlocalhost\n# a user line, kept byte for byte\n10.0.0.5 intranet\n';

/** An elevator whose prompt the user declines: the unprivileged write failed, and so does this. */
function decliningElevator(): RecordingElevator {
  return new RecordingElevator(new RecordingExec(() => ({ exitCode: 1, stderr: 'declined' })).exec);
}

/** Hosts backups and their lock live in a healthy directory, so the hosts file write itself is what fails. */
async function hostsBackupDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-hosts-backup-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

let testCa: Awaited<ReturnType<typeof generateRoot>> | undefined;
const rootFiles = async () => (testCa ??= await generateRoot({ suffixes: ['localhost', '.localhost', '.test'], keyBits: 2048, label: 'write failures' }));

const subjects: Subject[] = [
  {
    name: 'the config',
    seed: async (paths) => {
      await createConfigStore(paths).update((config) => addProject(config, { name: 'web', port: 5173 }, new Date()));
    },
    kept: (paths) => [paths.config],
    change: (paths) => createConfigStore(paths, { lock: { timeoutMs: 2000 } }).update((config) => addProject(config, { name: 'api', port: 3000 }, new Date())),
    stillLoads: async (paths) => {
      expect((await createConfigStore(paths).read()).projects.map((p) => p.name)).toEqual(['web']);
    },
    leavePages: 1,
  },
  {
    name: 'the hosts file',
    seed: async (paths) => {
      await writeFile(hostsPath(paths), USER_HOSTS);
    },
    kept: (paths) => [hostsPath(paths)],
    change: async (paths) => applyHosts({ path: hostsPath(paths), elevator: decliningElevator(), backupDir: await hostsBackupDir(), platform: 'linux', entries: loopbackEntries(['app.test']) }),
    stillLoads: async (paths) => {
      expect(await hostsBlockNames(hostsPath(paths))).toEqual([]);
    },
    leavePages: 0,
  },
  {
    name: 'a project certificate',
    seed: async (paths) => {
      const files = await rootFiles();
      const ca = caFromPem(files, { caCert: paths.caCert, caKey: paths.caKey });
      await writeProjectCert(paths, 'web', await issueLeaf(ca, { domains: ['web.localhost'] }));
    },
    kept: (paths) => [paths.key('web'), paths.cert('web')],
    change: async (paths) => {
      const ca = caFromPem(await rootFiles(), { caCert: paths.caCert, caKey: paths.caKey });
      return writeProjectCert(paths, 'web', await issueLeaf(ca, { domains: ['web.localhost', 'www.web.localhost'] }));
    },
    stillLoads: async (paths) => {
      expect((await loadProjectCert(paths, 'web'))?.info.sans).toEqual(['web.localhost']);
    },
    leavePages: 0,
  },
  {
    name: 'the CA (a new CA written over none)',
    seed: async () => undefined,
    kept: () => [],
    change: async (paths) => writeCa(paths, await rootFiles()),
    // Whatever a failed first write left, it is not mistaken for a CA: loading says so.
    stillLoads: async (paths) => {
      await expect(loadCa(paths)).rejects.toMatchObject({ code: 'E_CA_CORRUPT' });
    },
    // One page: the key fits, the certificate does not (a half-written CA).
    leavePages: 1,
  },
  {
    // ca-manager.ts `rotate` once moved root.pem and root-key.pem into ca/previous/<serial>/ before it
    // writes the new root. When that write fails on a full disk there is no current root any
    // more: the next start silently creates a third one (ensureCa), and every browser that
    // trusted the old root sees an unknown issuer. The old root must stay current until the new
    // one is fully written. (Read-only fails at the lock, before anything moves.)
    name: 'the CA (`portico ca rotate`)',
    seed: async (paths) => writeCa(paths, await rootFiles()),
    kept: (paths) => [paths.caCert, paths.caKey],
    change: (paths) => createCaManager({ paths, store: createConfigStore(paths, { lock: { timeoutMs: 2000 } }), now: () => new Date() }).rotate([]),
    stillLoads: async (paths) => {
      expect((await loadCa(paths)).certPem).toBe((await rootFiles()).certPem);
    },
    leavePages: 1,
  },
];

interface Fault {
  name: string;
  available: boolean;
  /** Makes a data dir, lets the subject seed it, then breaks it; returns the data dir. */
  prepare(subject: Subject): Promise<DataPaths>;
}

const faults: Fault[] = [
  {
    name: DISK_FULL,
    available: canMount,
    async prepare(subject) {
      const disk = await smallDisk();
      cleanups.push(() => disk.release());
      const paths = dataPaths(join(disk.dir, 'data'));
      await mkdir(paths.dir, { recursive: true, mode: 0o700 });
      await subject.seed(paths);
      await fillDisk(disk.dir, subject.leavePages);
      return paths;
    },
  },
  {
    name: 'read-only file system (tmpfs remounted ro, EROFS)',
    available: canMount,
    async prepare(subject) {
      const disk = await smallDisk();
      cleanups.push(() => disk.release());
      const paths = dataPaths(join(disk.dir, 'data'));
      await mkdir(paths.dir, { recursive: true, mode: 0o700 });
      await subject.seed(paths);
      remountReadOnly(disk.dir);
      return paths;
    },
  },
  {
    name: 'immutable directory and files (chattr +i, EPERM)',
    // Only where mounting is not allowed: the tmpfs faults above are the real ones.
    available: !canMount && canMakeImmutable,
    async prepare(subject) {
      const root = await mkdtemp(join(tmpdir(), 'portico-immutable-'));
      const paths = dataPaths(join(root, 'data'));
      await mkdir(paths.dir, { recursive: true, mode: 0o700 });
      await subject.seed(paths);
      const frozen = [paths.dir, paths.caDir, paths.certsDir, ...subject.kept(paths)];
      setImmutable(frozen, true);
      cleanups.push(async () => {
        setImmutable(frozen, false);
        await rm(root, { recursive: true, force: true });
      });
      return paths;
    },
  },
];

async function bytesOf(files: string[]): Promise<Array<[string, string]>> {
  return Promise.all(files.map(async (file) => [file, (await readFile(file)).toString('base64')] as [string, string]));
}

describe.skipIf(faults.every((fault) => !fault.available))('a failing write is an error and the old files stay', () => {
  for (const fault of faults.filter((f) => f.available)) {
    describe(fault.name, () => {
      for (const subject of subjects) {
        const test = subject.knownDefectUnder?.includes(fault.name) ? it.fails : it;
        test(subject.name, async () => {
          const paths = await fault.prepare(subject);
          const before = await bytesOf(subject.kept(paths));
          const error = await subject.change(paths).then(() => null, (caught: unknown) => caught);
          expect(isPorticoError(error, 'E_WRITE_FAILED'), `expected E_WRITE_FAILED, got ${String(error)}`).toBe(true);
          expect(await bytesOf(subject.kept(paths))).toEqual(before);
          await subject.stillLoads(paths);
        });
      }
    });
  }
});
