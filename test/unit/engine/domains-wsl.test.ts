import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../../shared/config';
import { createEngineParts, type EngineParts } from '../../../main/engine';
import { removeHostsBlock, showHosts, syncHosts, windowsBackupDir } from '../../../main/engine/domains';
import { windowsHostsCopyArgv, windowsHostsTarget, type WindowsHostsTarget } from '../../../main/engine/hosts/wsl-windows';
import { createTrustService } from '../../../main/engine/trust';
import { createMemoryStore } from '../../../main/engine/truststore';
import { revertLedger } from '../../../main/engine/uninstall';
import { RecordingElevator } from '../../helpers/recording-elevator';
import { RecordingExec } from '../../helpers/recording-exec';
import { decodeEncodedCommand, makeFakeWsl, WINDOWS_TEMP, type FakeWsl } from './hosts/fake-wsl';

function project(name: string, domains: string[]): Project {
  return { name, upstream: 'http://localhost:5173', domains, enabled: true, https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', createdAt: 't', updatedAt: 't' };
}

const BLOCK_CRLF = ['# BEGIN portico', '# Managed by Portico: do not edit, Portico rewrites or removes this block.', '127.0.0.1 api.test', '::1 api.test', '127.0.0.1 web.test', '::1 web.test', '# END portico', ''].join('\r\n');
/** A stock Windows hosts file: UTF-8 with a BOM, CRLF, a user entry with its own spacing. */
const WINDOWS_ORIGINAL = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# Copyright (c) 1993-2009 Microsoft Corp.\r\n#\r\n10.0.0.5\tnas.lan   # mine\r\n')]);
const LINUX_ORIGINAL = '127.0.0.1 localhost\n';
const config = { projects: [project('web', ['web.localhost', 'web.test']), project('api', ['api.test'])] };

let dir: string;
let fake: FakeWsl;
let parts: EngineParts;
let linuxHosts: string;
let elevator: RecordingElevator;
let target: WindowsHostsTarget;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-domains-wsl-'));
  fake = await makeFakeWsl({ hosts: WINDOWS_ORIGINAL });
  parts = createEngineParts({ dataDir: join(dir, 'data') });
  linuxHosts = join(dir, 'etc-hosts');
  await writeFile(linuxHosts, LINUX_ORIGINAL);
  elevator = new RecordingElevator(new RecordingExec().exec);
  // The fake distro: WSL from its binfmt entry, the Windows hosts path through cmd.exe and wslpath.
  target = (await windowsHostsTarget({ platform: 'linux', env: {}, exec: fake.exec.exec, fsRoot: fake.root }))!;
});
afterEach(async () => {
  await fake.cleanup();
  await rm(dir, { recursive: true, force: true });
});

function trustService() {
  return createTrustService({ paths: parts.paths, ca: parts.ca, env: {}, interactive: true, uid: 0, platform: 'linux', stores: async () => [createMemoryStore({ id: 'nss' })] });
}

const options = (ledger = trustService().ledger) => ({
  env: { PORTICO_HOSTS_FILE: linuxHosts },
  platform: 'linux' as const,
  elevator,
  ledger,
  backupDir: parts.paths.hostsDir,
  now: () => new Date('2030-01-02T03:04:05.678Z'),
  windows: target,
});

const powershellCalls = () => fake.exec.argvs.filter((argv) => argv[0] === 'powershell.exe');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The staged file name the elevated copy was given. */
function stagedSource(argv: readonly string[]): string {
  return /^\$source = '(.*)'$/m.exec(decodeEncodedCommand(decodeEncodedCommand(argv.join(' '))))?.[1] ?? '';
}

describe('syncHosts under WSL', () => {
  it('writes the same block into the Windows hosts file with one elevated copy: CRLF, BOM kept, only the block added', async () => {
    const opts = options();
    const result = await syncHosts(config, opts);

    expect(await readFile(linuxHosts, 'utf8')).toBe(LINUX_ORIGINAL + BLOCK_CRLF.replace(/\r\n/g, '\n'));
    const expected = Buffer.concat([WINDOWS_ORIGINAL, Buffer.from(BLOCK_CRLF)]);
    expect(await readFile(fake.hostsPath)).toEqual(expected);
    expect(fake.staged).toEqual([expected]);
    expect(result.windows).toEqual({ path: fake.hostsPath, names: ['api.test', 'web.test'], changed: true, backup: expect.stringContaining(windowsBackupDir(parts.paths.hostsDir)) });

    // Exactly one Windows process for the write, with the staged file's hash; never sudo for it.
    const [copy, ...more] = powershellCalls();
    expect(more).toEqual([]);
    expect(stagedSource(copy!)).toMatch(/^C:\\Users\\me\\AppData\\Local\\Temp\\portico-hosts-[0-9a-f]{12}\.tmp$/);
    expect(copy).toEqual(windowsHostsCopyArgv(stagedSource(copy!), sha256(expected)));
    expect(elevator.consents).toEqual([]);

    // The pristine Windows file is backed up in the Portico data dir, apart from /etc/hosts's.
    expect(await readFile(join(windowsBackupDir(parts.paths.hostsDir), 'hosts.original'))).toEqual(WINDOWS_ORIGINAL);
    expect(await readFile(join(parts.paths.hostsDir, 'hosts.original'), 'utf8')).toBe(LINUX_ORIGINAL);

    expect((await opts.ledger.read()).hosts).toEqual([
      { path: linuxHosts, names: ['api.test', 'web.test'], includeLocalhost: false, at: '2030-01-02T03:04:05.678Z' },
      { path: fake.hostsPath, names: ['api.test', 'web.test'], includeLocalhost: false, at: '2030-01-02T03:04:05.678Z', via: 'wsl-interop' },
    ]);
    expect((await showHosts(opts)).windows).toEqual({ path: fake.hostsPath, names: ['api.test', 'web.test'], recorded: true });

    // Unchanged: no Windows prompt at all.
    expect((await syncHosts(config, opts)).windows?.changed).toBe(false);
    expect(powershellCalls()).toHaveLength(1);
  });

  it('keeps a UTF-16LE Windows hosts file UTF-16LE', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('127.0.0.1 localhost\r\n', 'utf16le')]);
    await writeFile(fake.hostsPath, utf16);
    await syncHosts(config, options());
    expect(await readFile(fake.hostsPath)).toEqual(Buffer.concat([utf16, Buffer.from(BLOCK_CRLF, 'utf16le')]));
  });

  it('a declined Windows prompt is reported beside a written /etc/hosts, and no Windows receipt is kept', async () => {
    fake.decline = true;
    const opts = options();
    const result = await syncHosts(config, opts);
    expect(result.changed).toBe(true);
    expect(result.windows).toMatchObject({ path: fake.hostsPath, changed: false, error: { code: 'E_WRITE_FAILED' } });
    expect(await readFile(fake.hostsPath)).toEqual(WINDOWS_ORIGINAL);
    expect((await opts.ledger.read()).hosts.map((r) => r.path)).toEqual([linuxHosts]);
  });

  it('`hosts remove` takes the block out of both files, byte for byte', async () => {
    const opts = options();
    await syncHosts(config, opts);
    const removed = await removeHostsBlock(opts);
    expect(removed).toEqual({ path: linuxHosts, changed: true, windows: { path: fake.hostsPath, names: [], changed: true, backup: expect.any(String) } });
    expect(await readFile(fake.hostsPath)).toEqual(WINDOWS_ORIGINAL);
    expect(await readFile(linuxHosts, 'utf8')).toBe(LINUX_ORIGINAL);
    expect((await opts.ledger.read()).hosts).toEqual([]);
  });
});

describe('portico uninstall after a WSL sync', () => {
  it('removes the Windows block through interop and UAC, with the original bytes staged', async () => {
    const trust = trustService();
    await syncHosts(config, options(trust.ledger));
    fake.exec.calls.length = 0;

    const result = await revertLedger({ trust, elevator, backupDir: parts.paths.hostsDir, platform: 'linux', exec: fake.exec.exec });
    expect(result.steps).toEqual([
      { kind: 'hosts', target: linuxHosts, ok: true, detail: 'removed the Portico block (2 names)' },
      { kind: 'hosts', target: fake.hostsPath, ok: true, detail: 'removed the Portico block (2 names)' },
    ]);
    expect(await readFile(fake.hostsPath)).toEqual(WINDOWS_ORIGINAL);
    expect(result.remaining.hosts).toEqual([]);

    // The exact processes: %TEMP% and its WSL path, then the one elevated copy of the original bytes.
    const calls = fake.exec.argvs;
    expect(calls.slice(0, 2)).toEqual([
      ['cmd.exe', '/d', '/c', 'echo', '%TEMP%'],
      ['wslpath', '-u', WINDOWS_TEMP],
    ]);
    expect(calls).toHaveLength(3);
    expect(calls[2]).toEqual(windowsHostsCopyArgv(stagedSource(calls[2]!), sha256(WINDOWS_ORIGINAL)));
    expect(elevator.consents).toEqual([]);
  });
});
