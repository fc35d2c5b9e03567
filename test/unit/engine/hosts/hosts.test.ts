import { chmod, copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupHosts, listRotating } from '../../../../main/engine/hosts/backup';
import { applyHosts, hostsBlockNames, hostsFilePath, removeHosts, restoreOriginalHosts } from '../../../../main/engine/hosts/hosts';
import { loopbackEntries } from '../../../../main/engine/hosts/hostsfile';
import type { HostsFs } from '../../../../main/engine/hosts/write';
import { exec } from '../../../../main/engine/system/exec';
import { RecordingElevator } from '../../../helpers/recording-elevator';
import { RecordingExec } from '../../../helpers/recording-exec';

const fixtures = join(__dirname, '../../../fixtures/hosts');
const entries = loopbackEntries(['app.test', 'api.test']);

let dir: string;
let hostsPath: string;
let backupDir: string;
let elevator: RecordingElevator;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-hosts-test-'));
  hostsPath = join(dir, 'etc', 'hosts');
  backupDir = join(dir, 'data', 'hosts');
  await fsp.mkdir(dirname(hostsPath), { recursive: true });
  elevator = new RecordingElevator(exec);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function useFixture(name: string, mode = 0o644): Promise<Buffer> {
  await copyFile(join(fixtures, name), hostsPath);
  await chmod(hostsPath, mode);
  return readFile(hostsPath);
}

const errno = (code: string) => Object.assign(new Error(`simulated ${code}`), { code });
const options = (extra: Partial<Parameters<typeof applyHosts>[0]> = {}) => ({ path: hostsPath, elevator, backupDir, platform: 'linux' as const, ...extra });

describe('applyHosts on a file we may write', () => {
  it('adds the block atomically, keeps the mode, backs up the original once', async () => {
    const original = await useFixture('utf8-comments.hosts', 0o640);
    const before = await stat(hostsPath);

    const first = await applyHosts({ ...options(), entries });
    expect(first).toMatchObject({ changed: true, method: 'rename' });
    expect(await readFile(hostsPath)).toEqual(await readFile(join(fixtures, 'utf8-comments.expected.hosts')));
    const after = await stat(hostsPath);
    expect(after.mode & 0o7777).toBe(0o640);
    expect(after.ino).not.toBe(before.ino);
    expect(await readFile(join(backupDir, 'hosts.original'))).toEqual(original);

    await applyHosts({ ...options(), entries: loopbackEntries(['other.test']) });
    expect(await readFile(join(backupDir, 'hosts.original'))).toEqual(original);
    expect(await listRotating(backupDir)).toHaveLength(2);
    expect(await hostsBlockNames(hostsPath)).toEqual(['other.test']);
    expect(elevator.consents).toEqual([]);
    expect((await readdir(dirname(hostsPath))).sort()).toEqual(['hosts']);
  });

  it('writes nothing and takes no backup when the block already says this', async () => {
    await useFixture('lf-basic.expected.hosts');
    const result = await applyHosts({ ...options(), entries });
    expect(result).toEqual({ path: hostsPath, changed: false });
    expect(await readdir(backupDir)).toEqual([]);
  });

  it.each(['no-final-newline.hosts', 'bom-crlf.hosts', 'crlf-windows.hosts', 'utf8-comments.hosts', 'tabs-blank-lines.hosts'])(
    'removing the block restores %s byte for byte',
    async (name) => {
      const original = await useFixture(name);
      await applyHosts({ ...options(), entries });
      await removeHosts(options());
      expect(await readFile(hostsPath)).toEqual(original);
    },
  );

  it('creates a missing file (PORTICO_HOSTS_FILE pointing at a new path)', async () => {
    await applyHosts({ ...options(), entries });
    expect(await hostsBlockNames(hostsPath)).toEqual(['app.test', 'api.test']);
    expect(await readFile(join(backupDir, 'hosts.original'))).toEqual(Buffer.alloc(0));
  });

  it('writes through a symlinked hosts file and keeps the link', async () => {
    await useFixture('lf-basic.hosts');
    const link = join(dir, 'etc', 'hosts-link');
    await fsp.symlink(hostsPath, link);
    await applyHosts({ ...options({ path: link }), entries });
    expect((await fsp.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(hostsPath)).toEqual(await readFile(join(fixtures, 'lf-basic.expected.hosts')));
  });

  it('keeps a UTF-16LE file UTF-16LE', async () => {
    const original = Buffer.from('\ufeff127.0.0.1 localhost\r\n', 'utf16le');
    await writeFile(hostsPath, original);
    await applyHosts({ ...options(), entries });
    const written = await readFile(hostsPath);
    expect(written.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    expect(written.toString('utf16le')).toContain('\r\n127.0.0.1 app.test\r\n::1 app.test\r\n');
    await removeHosts(options());
    expect(await readFile(hostsPath)).toEqual(original);
  });

  it.each(['corrupt-begin-without-end', 'corrupt-end-before-begin', 'corrupt-two-blocks', 'corrupt-nested-begin'])(
    '%s: fails with E_HOSTS_CORRUPT and leaves the file and backups alone',
    async (name) => {
      const original = await useFixture(`${name}.hosts`);
      await expect(applyHosts({ ...options(), entries })).rejects.toMatchObject({ code: 'E_HOSTS_CORRUPT' });
      await expect(removeHosts(options())).rejects.toMatchObject({ code: 'E_HOSTS_CORRUPT' });
      expect(await readFile(hostsPath)).toEqual(original);
      expect(await readdir(backupDir)).toEqual([]);
    },
  );

  it('rejects a bad name before touching anything', async () => {
    const original = await useFixture('lf-basic.hosts');
    await expect(applyHosts({ ...options(), entries: [{ ip: '127.0.0.1', names: ['a.test\n1.2.3.4 bank.com'] }] })).rejects.toMatchObject({ code: 'E_INVALID_DOMAIN' });
    expect(await readFile(hostsPath)).toEqual(original);
  });

  it('keeps the pristine original and only the latest rotating backups', async () => {
    const original = await useFixture('lf-basic.hosts');
    let tick = Date.parse('2026-01-01T00:00:00Z');
    for (let index = 0; index < 6; index += 1) {
      await applyHosts({ ...options({ keepBackups: 3, now: () => new Date(tick) }), entries: loopbackEntries([`n${index}.test`]) });
      tick += 1000;
    }
    const rotating = await listRotating(backupDir);
    expect(rotating).toEqual(['hosts-20260101T000003000Z-00.bak', 'hosts-20260101T000004000Z-00.bak', 'hosts-20260101T000005000Z-00.bak']);
    expect(await readFile(join(backupDir, 'hosts.original'))).toEqual(original);
    expect(await hostsBlockNames(join(backupDir, rotating[2] ?? ''))).toEqual(['n4.test']);
  });

  it('numbers backups taken within the same millisecond', async () => {
    const now = () => new Date('2026-01-01T00:00:00Z');
    const first = await backupHosts(backupDir, Buffer.from('a'), { now });
    const second = await backupHosts(backupDir, Buffer.from('b'), { now });
    expect([first, second].map((path) => basename(path))).toEqual(['hosts-20260101T000000000Z-00.bak', 'hosts-20260101T000000000Z-01.bak']);
  });

  it('restoreOriginalHosts puts back the file from before the first change', async () => {
    const original = await useFixture('crlf-windows.hosts');
    await applyHosts({ ...options(), entries });
    await writeFile(hostsPath, 'something else\n');
    expect(await restoreOriginalHosts(options())).toMatchObject({ changed: true });
    expect(await readFile(hostsPath)).toEqual(original);
  });
});

describe('when the rename is refused (bind-mounted /etc/hosts)', () => {
  it.each(['EBUSY', 'EXDEV', 'EPERM'])('%s: backs up, then writes in place through the same inode', async (code) => {
    const original = await useFixture('lf-basic.hosts');
    const before = await stat(hostsPath);
    const renames: string[] = [];
    const fs: Partial<HostsFs> = {
      rename: async (from) => {
        renames.push(String(from));
        throw errno(code);
      },
    };
    const result = await applyHosts({ ...options({ fs }), entries });
    expect(result.method).toBe('in-place');
    expect(renames).toHaveLength(1);
    expect(await readFile(hostsPath)).toEqual(await readFile(join(fixtures, 'lf-basic.expected.hosts')));
    expect((await stat(hostsPath)).ino).toBe(before.ino);
    expect(await readFile(join(backupDir, 'hosts.original'))).toEqual(original);
    expect((await readdir(dirname(hostsPath))).sort()).toEqual(['hosts']);

    // Shrinking in place truncates the old tail away.
    await removeHosts(options({ fs }));
    expect(await readFile(hostsPath)).toEqual(original);
  });

  it('writes in place when the directory is not ours but the file is', async () => {
    await useFixture('lf-basic.hosts');
    const fs: Partial<HostsFs> = {
      open: ((path: string, flags: string, mode?: number) => (flags === 'wx' ? Promise.reject(errno('EACCES')) : fsp.open(path, flags, mode))) as HostsFs['open'],
    };
    expect((await applyHosts({ ...options({ fs }), entries })).method).toBe('in-place');
    expect(await hostsBlockNames(hostsPath)).toEqual(['app.test', 'api.test']);
  });
});

describe('when the file is not ours: through the elevator', () => {
  const denied: Partial<HostsFs> = { open: (() => Promise.reject(errno('EACCES'))) as unknown as HostsFs['open'] };

  it('one consent: copy next to the file, then rename over it', async () => {
    await useFixture('lf-basic.hosts');
    const result = await applyHosts({ ...options({ fs: denied }), entries });
    expect(result.method).toBe('elevated');
    expect(await readFile(hostsPath)).toEqual(await readFile(join(fixtures, 'lf-basic.expected.hosts')));
    expect(elevator.consents).toHaveLength(1);
    const [copy, move] = elevator.consents[0]?.commands ?? [];
    expect(copy?.[0]).toBe('cp');
    expect(copy?.[2]).toMatch(new RegExp(`^${dirname(hostsPath)}/\\.hosts\\.portico-[0-9a-f]{12}\\.tmp$`));
    expect(move).toEqual(['mv', '-f', copy?.[2], hostsPath]);
    expect(elevator.consents[0]?.reason).toBe('update the hosts file');
    expect((await readdir(dirname(hostsPath))).sort()).toEqual(['hosts']);
  });

  it('falls back to an elevated in-place copy when mv is refused', async () => {
    await useFixture('lf-basic.hosts');
    const inode = (await stat(hostsPath)).ino;
    const recording = new RecordingExec((argv) => (argv[0] === 'mv' ? { exitCode: 1, stderr: 'mv: cannot move: Device or resource busy' } : undefined), exec);
    const refusing = new RecordingElevator(recording.exec);
    await applyHosts({ ...options({ fs: denied, elevator: refusing }), entries });
    expect(refusing.consents.map((consent) => consent.commands.map((argv) => argv[0]))).toEqual([['cp', 'mv'], ['cp', 'rm']]);
    expect(refusing.consents[1]?.commands[0]?.[2]).toBe(hostsPath);
    expect((await stat(hostsPath)).ino).toBe(inode);
    expect(await hostsBlockNames(hostsPath)).toEqual(['app.test', 'api.test']);
  });

  it('a declined prompt is E_WRITE_FAILED and the file is unchanged', async () => {
    const original = await useFixture('lf-basic.hosts');
    const declining = new RecordingElevator(new RecordingExec(() => ({ exitCode: 1, stderr: 'sudo: a password is required' })).exec);
    await expect(applyHosts({ ...options({ fs: denied, elevator: declining }), entries })).rejects.toMatchObject({ code: 'E_WRITE_FAILED' });
    expect(await readFile(hostsPath)).toEqual(original);
  });

  it('macOS: the cache flush rides in the same consent (DNS-7)', async () => {
    await useFixture('lf-basic.hosts');
    const recording = new RecordingExec((argv) => (['dscacheutil', 'killall'].includes(argv[0] ?? '') ? { exitCode: 0 } : undefined), exec);
    const mac = new RecordingElevator(recording.exec);
    await applyHosts({ ...options({ fs: denied, elevator: mac, platform: 'darwin' }), entries });
    expect(mac.consents).toHaveLength(1);
    expect(mac.consents[0]?.commands.slice(2)).toEqual([['dscacheutil', '-flushcache'], ['killall', '-HUP', 'mDNSResponder']]);
  });

  it('Windows: one elevated PowerShell Copy-Item with literal paths', async () => {
    await useFixture('crlf-windows.hosts');
    const recording = new RecordingExec(async (argv) => {
      const script = Buffer.from(argv.at(-1) ?? '', 'base64').toString('utf16le');
      const match = /^Copy-Item -LiteralPath '(.+)' -Destination '(.+)' -Force$/.exec(script);
      if (!match?.[1] || !match[2]) return { exitCode: 1, stderr: `unexpected script ${script}` };
      await copyFile(match[1], match[2]);
      return { exitCode: 0 };
    });
    const windows = new RecordingElevator(recording.exec);
    await applyHosts({ ...options({ fs: denied, elevator: windows, platform: 'win32' }), entries });
    expect(windows.argvs[0]?.slice(0, 4)).toEqual(['powershell.exe', '-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(await readFile(hostsPath)).toEqual(await readFile(join(fixtures, 'crlf-windows.expected.hosts')));
  });

  it('macOS without elevation: the flush still runs, through the elevator', async () => {
    await useFixture('lf-basic.hosts');
    const mac = new RecordingElevator(new RecordingExec(() => ({ exitCode: 0 })).exec);
    await applyHosts({ ...options({ elevator: mac, platform: 'darwin' }), entries });
    expect(mac.consents.map((consent) => consent.commands)).toEqual([[['dscacheutil', '-flushcache'], ['killall', '-HUP', 'mDNSResponder']]]);
  });
});

describe('the lock (system/lock.ts withLock)', () => {
  it('serializes concurrent edits: the file ends whole, with one of them', async () => {
    await useFixture('lf-basic.hosts');
    const runs = ['a.test', 'b.test', 'c.test'].map((name) => applyHosts({ ...options(), entries: loopbackEntries([name]) }));
    await Promise.all(runs);
    expect([['a.test'], ['b.test'], ['c.test']]).toContainEqual(await hostsBlockNames(hostsPath));
    expect(await listRotating(backupDir)).toHaveLength(3);
    expect(await readdir(backupDir)).not.toContain('hosts.lock');
  });
});

describe('hostsFilePath', () => {
  it.each<[string, Record<string, string>, NodeJS.Platform, string]>([
    ['Linux', {}, 'linux', '/etc/hosts'],
    ['macOS', {}, 'darwin', '/etc/hosts'],
    ['Windows from SystemRoot', { SystemRoot: 'D:\\WINNT' }, 'win32', 'D:\\WINNT\\System32\\drivers\\etc\\hosts'],
    ['Windows from windir', { windir: 'C:\\Windows' }, 'win32', 'C:\\Windows\\System32\\drivers\\etc\\hosts'],
    ['override', { PORTICO_HOSTS_FILE: '/tmp/x/hosts', SystemRoot: 'C:\\Windows' }, 'win32', '/tmp/x/hosts'],
  ])('%s', (_name, env, platform, expected) => {
    expect(hostsFilePath(env, platform)).toBe(expected);
  });

  it('never guesses C: on Windows', () => {
    expect(() => hostsFilePath({}, 'win32')).toThrowError(expect.objectContaining({ code: 'E_INVALID_INPUT' }));
  });
});
