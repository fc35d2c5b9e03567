import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  STAGED_FILE_CHANGED,
  windowsHostsCopyArgv,
  windowsHostsCopyScript,
  windowsHostsTarget,
  windowsHostsWriter,
  windowsTempDir,
} from '../../../../main/engine/hosts/wsl-windows';
import { RecordingExec } from '../../../helpers/recording-exec';
import { decodeEncodedCommand, makeFakeWsl, WINDOWS_TEMP, type FakeWsl } from './fake-wsl';

const HASH = 'ab'.repeat(32);

describe('windowsHostsCopyScript', () => {
  it('checks the staged bytes, then writes them over the hosts file under %SystemRoot%', () => {
    expect(windowsHostsCopyScript('C:\\Users\\me\\AppData\\Local\\Temp\\portico-hosts-1.tmp', HASH).split('\n')).toEqual([
      "$ErrorActionPreference = 'Stop'",
      "$source = 'C:\\Users\\me\\AppData\\Local\\Temp\\portico-hosts-1.tmp'",
      "$hosts = Join-Path $env:SystemRoot 'System32\\drivers\\etc\\hosts'",
      '$bytes = [System.IO.File]::ReadAllBytes($source)',
      "$hash = [System.BitConverter]::ToString([System.Security.Cryptography.SHA256]::Create().ComputeHash($bytes)).Replace('-', '')",
      `if ($hash -ne '${HASH.toUpperCase()}') { exit ${STAGED_FILE_CHANGED} }`,
      '$readOnly = (Test-Path -LiteralPath $hosts) -and (Get-Item -LiteralPath $hosts -Force).IsReadOnly',
      'if ($readOnly) { Set-ItemProperty -LiteralPath $hosts -Name IsReadOnly -Value $false }',
      '[System.IO.File]::WriteAllBytes($hosts, $bytes)',
      'if ($readOnly) { Set-ItemProperty -LiteralPath $hosts -Name IsReadOnly -Value $true }',
      'exit 0',
    ]);
  });

  const paths: [string, string, string][] = [
    ['an apostrophe in the user name', "C:\\Users\\o'brien\\Temp\\h.tmp", "$source = 'C:\\Users\\o''brien\\Temp\\h.tmp'"],
    ['a curly quote PowerShell also ends strings on', 'C:\\Users\\a\u2019b\\h.tmp', "$source = 'C:\\Users\\a\u2019\u2019b\\h.tmp'"],
    ['spaces and $() stay literal', 'C:\\Users\\Jo Doe $(calc)\\h.tmp', "$source = 'C:\\Users\\Jo Doe $(calc)\\h.tmp'"],
  ];
  for (const [name, path, line] of paths) {
    it(`quotes the staged path: ${name}`, () => expect(windowsHostsCopyScript(path, HASH).split('\n')[1]).toBe(line));
  }
});

describe('windowsHostsCopyArgv', () => {
  it('is one unelevated PowerShell that starts one elevated PowerShell with the copy as -EncodedCommand', () => {
    const source = `${WINDOWS_TEMP}\\portico-hosts-1.tmp`;
    const argv = windowsHostsCopyArgv(source, HASH);
    expect(argv.slice(0, 4)).toEqual(['powershell.exe', '-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(argv).toHaveLength(5);
    const inner = Buffer.from(windowsHostsCopyScript(source, HASH), 'utf16le').toString('base64');
    expect(decodeEncodedCommand(argv.join(' ')).split('\n')).toEqual([
      "$ErrorActionPreference = 'Stop'",
      `$p = Start-Process -FilePath 'powershell.exe' -ArgumentList '-NoProfile -NonInteractive -EncodedCommand ${inner}' -Verb RunAs -Wait -PassThru -WindowStyle Hidden`,
      'exit $p.ExitCode',
    ]);
  });
});

describe('windowsHostsTarget', () => {
  let fake: FakeWsl;
  beforeEach(async () => {
    fake = await makeFakeWsl();
  });
  afterEach(() => fake.cleanup());

  it('under WSL (binfmt entry): the Windows hosts file from %SystemRoot% and wslpath', async () => {
    const target = await windowsHostsTarget({ platform: 'linux', env: {}, exec: fake.exec.exec, fsRoot: fake.root });
    expect(target?.path).toBe(fake.hostsPath);
    expect(fake.exec.argvs).toEqual([
      ['cmd.exe', '/d', '/c', 'echo', '%SystemRoot%'],
      ['wslpath', '-u', 'C:\\Windows\\System32\\drivers\\etc\\hosts'],
    ]);
  });

  const none: [string, NodeJS.Platform, Record<string, string>, boolean | undefined][] = [
    ['plain Linux', 'linux', {}, false],
    ['macOS', 'darwin', { WSL_DISTRO_NAME: 'x' }, undefined],
    ['PORTICO_HOSTS_FILE names the only file to manage', 'linux', { WSL_DISTRO_NAME: 'Debian', PORTICO_HOSTS_FILE: '/tmp/h' }, undefined],
  ];
  for (const [name, platform, env, wsl] of none) {
    it(`none: ${name}`, async () => {
      const deps = { platform, env, exec: fake.exec.exec, ...(wsl === undefined ? { fsRoot: fake.root } : { wsl }) };
      expect(await windowsHostsTarget(deps)).toBeNull();
      expect(fake.exec.argvs).toEqual([]);
    });
  }
});

describe('windowsTempDir', () => {
  it('fails with a next step when interop cannot answer', async () => {
    const exec = new RecordingExec(() => ({ exitCode: 1 })).exec;
    await expect(windowsTempDir(exec)).rejects.toMatchObject({ code: 'E_TOOL_MISSING', message: expect.stringMatching(/interop/) });
  });
});

describe('windowsHostsWriter', () => {
  let fake: FakeWsl;
  const before = Buffer.from('127.0.0.1 localhost\r\n');
  const after = Buffer.from('127.0.0.1 localhost\r\n# BEGIN portico\r\n# END portico\r\n');
  beforeEach(async () => {
    fake = await makeFakeWsl({ hosts: before });
  });
  afterEach(() => fake.cleanup());

  it('stages the bytes in the Windows temp dir, copies them with one elevated PowerShell, and removes the staged file', async () => {
    expect(await windowsHostsWriter(fake.exec.exec)(fake.hostsPath, after)).toBe('elevated');
    expect(await readFile(fake.hostsPath)).toEqual(after);
    expect(fake.staged).toEqual([after]);
    const copies = fake.exec.argvs.filter((argv) => argv[0] === 'powershell.exe');
    expect(copies).toHaveLength(1);
    const source = /^\$source = '(.*)'$/m.exec(decodeEncodedCommand(decodeEncodedCommand(copies[0]!.join(' '))))?.[1] ?? '';
    expect(source).toMatch(/^C:\\Users\\me\\AppData\\Local\\Temp\\portico-hosts-[0-9a-f]{12}\.tmp$/);
    expect(copies[0]).toEqual(windowsHostsCopyArgv(source, createHash('sha256').update(after).digest('hex')));
    expect(await readdir(fake.tempDir)).toEqual([]);
  });

  it('a declined UAC prompt: E_WRITE_FAILED, the file unchanged, nothing left in temp', async () => {
    fake.decline = true;
    await expect(windowsHostsWriter(fake.exec.exec)(fake.hostsPath, after)).rejects.toMatchObject({ code: 'E_WRITE_FAILED', message: expect.stringMatching(/administrator prompt declined/) });
    expect(await readFile(fake.hostsPath)).toEqual(before);
    expect(await readdir(fake.tempDir)).toEqual([]);
  });

  it('a staged file changed before the elevated step read it is refused', async () => {
    fake.tamper = true;
    await expect(windowsHostsWriter(fake.exec.exec)(fake.hostsPath, after)).rejects.toMatchObject({ code: 'E_WRITE_FAILED', message: expect.stringMatching(/staged copy changed/) });
    expect(await readFile(fake.hostsPath)).toEqual(before);
  });
});
