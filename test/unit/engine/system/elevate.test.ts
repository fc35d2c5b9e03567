import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createElevator,
  elevatedArgv,
  elevationMethod,
  encodePowerShell,
  posixQuote,
  posixScript,
  psQuote,
  windowsCommandLine,
  windowsQuoteArg,
} from '../../../../main/engine/system/elevate';
import { exec } from '../../../../main/engine/system/exec';
import { RecordingExec } from '../../../helpers/recording-exec';

/** Arguments that would inject into a naively built shell, AppleScript or PowerShell string (TS-6). */
const HOSTILE = [
  "it's",
  '"double"',
  'a; touch pwned',
  '$(touch pwned)',
  '`touch pwned`',
  'two words',
  'line\nbreak; touch pwned',
  'carriage\rreturn',
  '\\" & touch pwned & "',
  "'; touch pwned; '",
  '%SystemRoot% & calc',
  '‘curly’ ‚low‛ quotes',
  'trailing backslash\\',
  '\\\\server\\share\\"x"\\',
  '$env:PATH',
  '',
  '-rf',
];

/** printf prints each argument followed by a NUL: what the shell really passed, byte for byte. */
const printf = (args: readonly string[]) => ['printf', '%s\\0', ...args];
const printed = (stdout: string) => stdout.split('\0').slice(0, -1);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-elevate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('elevationMethod', () => {
  it.each<[string, Parameters<typeof elevationMethod>[0], string]>([
    ['root on Linux', { platform: 'linux', uid: 0, interactive: true }, 'none'],
    ['root on macOS', { platform: 'darwin', uid: 0 }, 'none'],
    ['Linux terminal', { platform: 'linux', uid: 1000, interactive: true }, 'sudo'],
    ['Linux desktop (no terminal)', { platform: 'linux', uid: 1000, interactive: false }, 'pkexec'],
    ['Linux forced sudo', { platform: 'linux', uid: 1000, interactive: false, linuxMethod: 'sudo' }, 'sudo'],
    ['macOS user', { platform: 'darwin', uid: 501 }, 'osascript'],
    ['Windows', { platform: 'win32' }, 'uac'],
  ])('%s → %s', (_name, deps, expected) => {
    expect(elevationMethod(deps)).toBe(expected);
  });
});

describe('POSIX quoting, checked by a real /bin/sh', () => {
  it.each(HOSTILE.map((value) => [JSON.stringify(value), value]))('%s stays one literal argument', async (_label, value) => {
    const result = await exec(['/bin/sh', '-c', posixScript([printf([value, 'after'])])], { cwd: dir });
    expect(printed(result.stdout)).toEqual([value, 'after']);
    expect(await readdir(dir)).toEqual([]);
  });

  it('any string survives sh (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary' }).map((s) => s.replace(/\0/g, '')), { maxLength: 4 }), async (args) => {
        const result = await exec(['/bin/sh', '-c', posixScript([printf([...args, 'end'])])], { cwd: dir });
        expect(printed(result.stdout)).toEqual([...args, 'end']);
      }),
      { numRuns: 200 },
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('a batch stops at the first failure and exits with its status', async () => {
    const script = posixScript([['true'], ['sh', '-c', 'exit 7'], ['touch', 'ran']]);
    const result = await exec(['/bin/sh', '-c', script], { cwd: dir });
    expect(result.exitCode).toBe(7);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['plain', 'abc', "'abc'"],
    ['single quote', "a'b", "'a'\\''b'"],
    ['empty', '', "''"],
  ])('posixQuote %s', (_name, input, expected) => {
    expect(posixQuote(input)).toBe(expected);
  });
});

describe('elevatedArgv', () => {
  const commands = [
    ['install', '-m', '0644', '/tmp/portico anchor/ca.crt', '/usr/local/share/ca-certificates/portico-ca-01.crt'],
    ['update-ca-certificates'],
  ];

  it('none: the commands themselves', () => {
    expect(elevatedArgv('none', commands, 'x')).toEqual(commands);
  });

  it('sudo: one `sudo --prompt=… --` per command (its credential cache makes one prompt)', () => {
    expect(elevatedArgv('sudo', commands, 'trust the Portico CA system-wide')).toEqual(
      commands.map((argv) => ['sudo', '--prompt=[portico] trust the Portico CA system-wide. Password for %p: ', '--', ...argv]),
    );
  });

  it('sudo: a % in the reason cannot become a prompt escape, control characters are dropped', () => {
    const [argv] = elevatedArgv('sudo', [['true']], '100%p done\n\u001b[31m');
    expect(argv?.[1]).toBe('--prompt=[portico] 100%%p done [31m. Password for %p: ');
  });

  it('pkexec: one command as argv, several under one /bin/sh -c', async () => {
    expect(elevatedArgv('pkexec', [['update-ca-certificates']], 'x')).toEqual([['pkexec', 'update-ca-certificates']]);
    const [argv] = elevatedArgv('pkexec', [printf(HOSTILE), ['true']], 'x');
    expect(argv?.slice(0, 3)).toEqual(['pkexec', '/bin/sh', '-c']);
    const result = await exec(argv?.slice(1) ?? [], { cwd: dir });
    expect(printed(result.stdout)).toEqual(HOSTILE);
    expect(await readdir(dir)).toEqual([]);
  });

  it('osascript: a constant AppleScript; the shell script and prompt travel as run-handler arguments', async () => {
    const [argv] = elevatedArgv('osascript', [printf(HOSTILE)], 'trust "it"; $(x)');
    expect(argv?.slice(0, 7)).toEqual(['osascript', '-e', 'on run argv', '-e', 'do shell script (item 1 of argv) with prompt (item 2 of argv) with administrator privileges', '-e', 'end run']);
    expect(argv).toHaveLength(9);
    expect(argv?.[8]).toBe('Portico needs to trust "it"; $(x).');
    // `do shell script` runs its text with /bin/sh -c: run the same text here.
    const result = await exec(['/bin/sh', '-c', argv?.[7] ?? ''], { cwd: dir });
    expect(printed(result.stdout)).toEqual(HOSTILE);
    expect(await readdir(dir)).toEqual([]);
  });

  it('uac: PowerShell -EncodedCommand starting one elevated PowerShell that runs each command', () => {
    const [argv] = elevatedArgv('uac', [['certutil', '-addstore', 'Root', 'C:\\Users\\a b\\root.pem'], ['cmd.exe', '/c', 'x']], 'x');
    expect(argv?.slice(0, 4)).toEqual(['powershell.exe', '-NoProfile', '-NonInteractive', '-EncodedCommand']);
    const outer = Buffer.from(argv?.[4] ?? '', 'base64').toString('utf16le');
    expect(outer).toMatch(/^\$ErrorActionPreference = 'Stop'\n\$p = Start-Process -FilePath 'powershell\.exe' -ArgumentList '-NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/=]+' -Wait -PassThru -Verb RunAs -WindowStyle Hidden\nexit \$p\.ExitCode$/);
    const inner = Buffer.from(/-EncodedCommand ([A-Za-z0-9+/=]+)'/.exec(outer)?.[1] ?? '', 'base64').toString('utf16le');
    expect(inner.split('\n')).toEqual([
      "$ErrorActionPreference = 'Stop'",
      `$p = Start-Process -FilePath 'certutil' -ArgumentList '-addstore Root "C:\\Users\\a b\\root.pem"' -Wait -PassThru -NoNewWindow`,
      'if ($p.ExitCode -ne 0) { exit $p.ExitCode }',
      "$p = Start-Process -FilePath 'cmd.exe' -ArgumentList '/c x' -Wait -PassThru -NoNewWindow",
      'if ($p.ExitCode -ne 0) { exit $p.ExitCode }',
      'exit 0',
    ]);
  });

  it('uac: hostile arguments come back intact through both quoting layers', () => {
    const [argv] = elevatedArgv('uac', [['tool.exe', ...HOSTILE]], 'x');
    const outer = Buffer.from(argv?.[4] ?? '', 'base64').toString('utf16le');
    const inner = Buffer.from(/-EncodedCommand ([A-Za-z0-9+/=]+)'/.exec(outer)?.[1] ?? '', 'base64').toString('utf16le');
    // A PowerShell verbatim string may span lines, so match across them.
    const literal = /-ArgumentList ('.*') -Wait -PassThru -NoNewWindow\nif /s.exec(inner)?.[1] ?? '';
    const { value, rest } = readPsLiteral(literal);
    expect(rest).toBe('');
    expect(parseWindowsCommandLine(value)).toEqual(HOSTILE);
  });

  it('refuses empty commands and NUL bytes', () => {
    expect(() => elevatedArgv('sudo', [], 'x')).toThrowError(expect.objectContaining({ code: 'E_INTERNAL' }));
    expect(() => elevatedArgv('sudo', [[]], 'x')).toThrowError(expect.objectContaining({ code: 'E_INTERNAL' }));
    expect(() => elevatedArgv('osascript', [['rm', 'a\0b']], 'x')).toThrowError(expect.objectContaining({ code: 'E_INVALID_INPUT' }));
  });
});

/** CommandLineToArgvW / MSVCRT (2008+) parsing, written from Microsoft's "Parsing C++ command-line arguments". */
function parseWindowsCommandLine(line: string): string[] {
  const args: string[] = [];
  let index = 0;
  while (index < line.length) {
    while (line[index] === ' ' || line[index] === '\t') index += 1;
    if (index >= line.length) break;
    let arg = '';
    let quoted = false;
    while (index < line.length) {
      const char = line[index];
      if (char === '\\') {
        let count = 0;
        while (line[index] === '\\') {
          count += 1;
          index += 1;
        }
        if (line[index] === '"') {
          arg += '\\'.repeat(Math.floor(count / 2));
          if (count % 2 === 1) {
            arg += '"';
            index += 1;
          }
        } else {
          arg += '\\'.repeat(count);
        }
      } else if (char === '"') {
        if (quoted && line[index + 1] === '"') {
          arg += '"';
          index += 2;
        } else {
          quoted = !quoted;
          index += 1;
        }
      } else if ((char === ' ' || char === '\t') && !quoted) {
        break;
      } else {
        arg += char;
        index += 1;
      }
    }
    args.push(arg);
  }
  return args;
}

const PS_SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201a', '\u201b']);

/** A PowerShell verbatim string at the start of `text` (about_Quoting_Rules): a doubled quote is one quote. */
function readPsLiteral(text: string): { value: string; rest: string } {
  if (!PS_SINGLE_QUOTES.has(text[0] ?? '')) throw new Error('not a literal');
  let value = '';
  let index = 1;
  while (index < text.length) {
    const char = text[index] ?? '';
    if (PS_SINGLE_QUOTES.has(char)) {
      if (PS_SINGLE_QUOTES.has(text[index + 1] ?? '')) {
        value += char;
        index += 2;
        continue;
      }
      return { value, rest: text.slice(index + 1) };
    }
    value += char;
    index += 1;
  }
  throw new Error('unterminated literal');
}

describe('Windows quoting (properties against a reference parser)', () => {
  it('windowsCommandLine round-trips any arguments', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', ' ', '\t', '"', '\\', 'é', '&', '%', "'") }), { maxLength: 6 }), (args) => {
        expect(parseWindowsCommandLine(windowsCommandLine(args))).toEqual(args);
      }),
    );
  });

  it('psQuote is one closed literal holding exactly the value', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', "'", '\u2018', '\u2019', '\u201a', '\u201b', '"', '$', '`', '\n') }), (value) => {
        expect(readPsLiteral(`${psQuote(value)} tail`)).toEqual({ value, rest: ' tail' });
      }),
    );
  });

  it.each([
    ['plain', 'abc', 'abc'],
    ['space', 'a b', '"a b"'],
    ['empty', '', '""'],
    ['quote', 'a"b', '"a\\"b"'],
    ['backslashes then quote', 'a\\\\"b', '"a\\\\\\\\\\"b"'],
    ['trailing backslash', 'a b\\', '"a b\\\\"'],
    ['backslashes alone', 'C:\\dir\\file', 'C:\\dir\\file'],
  ])('windowsQuoteArg %s', (_name, input, expected) => {
    expect(windowsQuoteArg(input)).toBe(expected);
  });

  it('encodePowerShell is base64 of UTF-16LE', () => {
    expect(encodePowerShell('exit 0')).toBe(Buffer.from('exit 0', 'utf16le').toString('base64'));
  });
});

describe('createElevator', () => {
  it('none: runs the commands directly, in order, stopping at the first failure', async () => {
    const recording = new RecordingExec((argv) => (argv[0] === 'fail' ? { exitCode: 2 } : undefined));
    const elevator = createElevator({ platform: 'linux', uid: 0, exec: recording.exec });
    const result = await elevator.runAll([['a'], ['fail'], ['never']], { reason: 'x' });
    expect(elevator.method).toBe('none');
    expect(result.exitCode).toBe(2);
    expect(recording.argvs).toEqual([['a'], ['fail']]);
  });

  it('sudo: each command through sudo', async () => {
    const recording = new RecordingExec();
    const elevator = createElevator({ platform: 'linux', uid: 1000, interactive: true, exec: recording.exec });
    await elevator.runAll([['a'], ['b']], { reason: 'r' });
    expect(recording.argvs.map((argv) => [argv[0], argv[2], argv[3]])).toEqual([
      ['sudo', '--', 'a'],
      ['sudo', '--', 'b'],
    ]);
  });

  it('osascript: one process for the whole batch (one consent)', async () => {
    const recording = new RecordingExec();
    const elevator = createElevator({ platform: 'darwin', uid: 501, exec: recording.exec });
    await elevator.run(['security', 'add-trusted-cert', '/tmp/root.pem'], { reason: 'r' });
    await elevator.runAll([['a'], ['b']], { reason: 'r' });
    expect(recording.argvs.map((argv) => argv[7])).toEqual(["'security' 'add-trusted-cert' '/tmp/root.pem'", "'a' && 'b'"]);
  });
});
