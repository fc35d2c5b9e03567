import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlFilePath, isProcessAlive, readControlFile, removeControlFile, writeControlFile } from '../../../main/control/token-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-control-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = { url: 'http://127.0.0.1:45123', port: 45123, token: 'c'.repeat(32) };

/** The pid of a process that has certainly exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

describe('control file', () => {
  it('lives at <data>/control.json', () => {
    expect(controlFilePath(dir)).toBe(join(dir, 'control.json'));
  });

  it.skipIf(process.platform === 'win32')('is written with mode 0600', async () => {
    const path = controlFilePath(dir);
    await writeControlFile(path, record);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('round-trips, defaulting the pid to this process', async () => {
    const path = controlFilePath(dir);
    const written = await writeControlFile(path, record);
    expect(written).toEqual({ ...record, pid: process.pid });
    expect(await readControlFile(path)).toEqual({ ...record, pid: process.pid });
  });

  it('is not running when its pid has exited', async () => {
    const path = controlFilePath(dir);
    const pid = await deadPid();
    expect(isProcessAlive(pid)).toBe(false);
    await writeControlFile(path, { ...record, pid });
    expect(await readControlFile(path)).toBeNull();
  });

  const unusable: Array<[string, string]> = [
    ['not JSON', '{"url":'],
    ['a missing token', JSON.stringify({ url: record.url, port: record.port, pid: process.pid })],
    ['a non-loopback URL (would send the token away)', JSON.stringify({ ...record, url: 'http://evil.example:45123', pid: process.pid })],
    ['an https URL', JSON.stringify({ ...record, url: 'https://127.0.0.1:45123', pid: process.pid })],
    ['a URL with a path', JSON.stringify({ ...record, url: 'http://127.0.0.1:45123/x', pid: process.pid })],
    ['a string pid', JSON.stringify({ ...record, pid: String(process.pid) })],
  ];
  it.each(unusable)('%s reads as not running', async (_case, text) => {
    const path = controlFilePath(dir);
    await writeFile(path, text);
    expect(await readControlFile(path)).toBeNull();
  });

  it('a missing file reads as not running', async () => {
    expect(await readControlFile(controlFilePath(dir))).toBeNull();
  });

  it('refuses to write a record with a non-loopback URL', async () => {
    await expect(writeControlFile(controlFilePath(dir), { ...record, url: 'http://0.0.0.0:45123' })).rejects.toMatchObject({ code: 'E_INVALID_INPUT', message: expect.stringContaining('url') });
  });

  it('is removed only by the engine whose token it holds', async () => {
    const path = controlFilePath(dir);
    await writeControlFile(path, record);
    await removeControlFile(path, 'd'.repeat(32));
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ token: record.token });
    await removeControlFile(path, record.token);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(removeControlFile(path, record.token)).resolves.toBeUndefined();
  });
});
