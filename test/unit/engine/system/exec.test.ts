import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandError, exec, formatArgv, mustSucceed } from '../../../../main/engine/system/exec';

const node = process.execPath;
const printArgs = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-exec-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exec', () => {
  it('passes every argument verbatim, with no shell to interpret them', async () => {
    const hostile = ['$(touch pwned)', '`touch pwned`', "it's", '"quoted"', 'a; touch pwned', 'two words', 'line\nbreak', '*', '', '%PATH%'];
    const result = await exec([node, '-e', printArgs, ...hostile], { cwd: dir });
    expect(JSON.parse(result.stdout)).toEqual(hostile);
    expect(await readdir(dir)).toEqual([]);
  });

  it('resolves with a non-zero exit code and keeps both outputs', async () => {
    const result = await exec([node, '-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)']);
    expect(result).toEqual({ argv: [node, '-e', expect.any(String)], exitCode: 3, stdout: 'out', stderr: 'err' });
  });

  it('reports a signal as 128 + its number', async () => {
    const result = await exec([node, '-e', 'process.kill(process.pid, "SIGTERM")']);
    expect(result.exitCode).toBe(128 + 15);
  });

  it('writes input to stdin', async () => {
    const result = await exec([node, '-e', 'process.stdin.pipe(process.stdout)'], { input: 'hello\nworld' });
    expect(result.stdout).toBe('hello\nworld');
  });

  it('does not fail when the command ignores stdin', async () => {
    const result = await exec([node, '-e', ''], { input: 'x'.repeat(1 << 20) });
    expect(result.exitCode).toBe(0);
  });

  it('sets and removes environment variables on top of the inherited ones', async () => {
    process.env.PORTICO_EXEC_TEST_REMOVE = 'present';
    try {
      const script = 'process.stdout.write(JSON.stringify([process.env.PORTICO_A, process.env.PORTICO_EXEC_TEST_REMOVE ?? null, typeof process.env.PATH]))';
      const result = await exec([node, '-e', script], { env: { PORTICO_A: 'a', PORTICO_EXEC_TEST_REMOVE: undefined } });
      expect(JSON.parse(result.stdout)).toEqual(['a', null, 'string']);
    } finally {
      delete process.env.PORTICO_EXEC_TEST_REMOVE;
    }
  });

  it('a missing program is E_TOOL_MISSING naming it', async () => {
    await expect(exec(['portico-no-such-tool-xyz', '--help'])).rejects.toMatchObject({ code: 'E_TOOL_MISSING', message: expect.stringContaining('portico-no-such-tool-xyz') });
  });

  it('a program missing from the given PATH is E_TOOL_MISSING too', async () => {
    await expect(exec(['openssl', 'version'], { env: { PATH: dir } })).rejects.toMatchObject({ code: 'E_TOOL_MISSING' });
  });

  it('kills a command that outlives its timeout', async () => {
    const error = await exec([node, '-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 200 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ code: 'E_EXEC_FAILED', exitCode: 128 + 9 });
  });

  it.each([[[]], [['']]])('refuses an empty argv %j', async (argv) => {
    await expect(exec(argv)).rejects.toMatchObject({ code: 'E_INTERNAL' });
  });

  it('refuses an argument with a NUL byte', async () => {
    await expect(exec([node, '-e', '', 'a\0b'])).rejects.toMatchObject({ code: 'E_INVALID_INPUT' });
  });
});

describe('mustSucceed and CommandError', () => {
  it('passes a zero exit through', () => {
    const result = { argv: ['true'], exitCode: 0, stdout: '', stderr: '' };
    expect(mustSucceed(result)).toBe(result);
  });

  it('keeps argv, exit code and output, and says what failed', () => {
    const result = { argv: ['certutil', '-A', '-n', 'Portico CA 01'], exitCode: 255, stdout: '', stderr: 'SEC_ERROR_READ_ONLY\n' };
    let thrown: unknown;
    try {
      mustSucceed(result, 'adding the CA');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CommandError);
    expect(thrown).toMatchObject({ code: 'E_EXEC_FAILED', argv: result.argv, exitCode: 255, stderr: result.stderr });
    expect((thrown as Error).message).toBe('adding the CA: `certutil -A -n "Portico CA 01"` exited with 255: SEC_ERROR_READ_ONLY');
  });
});

describe('formatArgv', () => {
  it.each([
    ['plain words', ['update-ca-certificates'], 'update-ca-certificates'],
    ['paths and flags', ['install', '-m', '0644', '/tmp/a.crt', '/usr/local/share/ca-certificates/x.crt'], 'install -m 0644 /tmp/a.crt /usr/local/share/ca-certificates/x.crt'],
    ['spaces quoted', ['certutil', '-n', 'Portico CA 1'], 'certutil -n "Portico CA 1"'],
    ['quotes escaped', ['echo', 'say "hi"'], 'echo "say \\"hi\\""'],
    ['empty string', ['x', ''], 'x ""'],
  ])('%s', (_name, argv, expected) => {
    expect(formatArgv(argv)).toBe(expected);
  });
});
