/**
 * The shell's bundles as the app runs them: built with the options scripts/build.js uses
 * (build/shell-bundles.mjs), then the engine bundle started as a separate Node process with a
 * `process.parentPort` shim standing in for Electron's utility process (harness/), driven through
 * the same messages main.ts sends, with the CA key sealed by this (parent) process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { builtinModules } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createControlClient, readControlFile, controlFilePath } from '../../../main/control';
import { isHostMessage } from '../../../main/shell/engine-messages';
import type { HostMessage, ParentMessage } from '../../../main/shell/engine-messages';
import { isSealedKeyFile } from '../../../main/engine/pki/sealed-key';
import { tempHome } from '../../helpers/portico-home';
import { buildShell, PARENT_PORT_SHIM } from './harness/build-shell';

let work: Awaited<ReturnType<typeof tempHome>>;
let outdir: string;

beforeAll(async () => {
  work = await tempHome('portico-shell-bundles-');
  outdir = await buildShell(join(work.dir, 'app'));
}, 120_000);

afterAll(async () => {
  await work.cleanup();
});

const requiresOf = (code: string) => new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!));
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('shell bundles', () => {
  it('the preload is one file that requires nothing but electron', async () => {
    expect([...requiresOf(await readFile(join(outdir, 'preload.cjs'), 'utf8'))]).toEqual(['electron']);
  });

  it.each(['main.cjs', 'engine.cjs'])('%s needs no node_modules at run time (only electron and Node built-ins)', async (file) => {
    const foreign = [...requiresOf(await readFile(join(outdir, file), 'utf8'))].filter((name) => name !== 'electron' && !builtins.has(name));
    expect(foreign).toEqual([]);
  });

  it('the engine bundle runs as the utility process: start, serve, seal the key through the parent, stop', async () => {
    const data = join(work.dir, 'data');
    const child: ChildProcess = fork(join(outdir, 'engine.cjs'), [], {
      execArgv: ['-r', PARENT_PORT_SHIM],
      env: { ...process.env, PORTICO_HTTPS_PORT: '0', PORTICO_HTTP_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const send = (message: ParentMessage) => child.send(message);
    const waitFor = <T extends HostMessage['type']>(type: T) =>
      new Promise<Extract<HostMessage, { type: T }>>((resolve, reject) => {
        const onMessage = (message: unknown) => {
          if (!isHostMessage(message)) return;
          if (message.type === 'failed') reject(new Error(`${message.error.code}: ${message.error.message}`));
          if (message.type === type) {
            child.off('message', onMessage);
            resolve(message as Extract<HostMessage, { type: T }>);
          }
        };
        child.on('message', onMessage);
      });
    // The parent side of the key relay: a reversible stand-in for safeStorage.
    child.on('message', (message: unknown) => {
      if (!isHostMessage(message)) return;
      if (message.type === 'key.seal') {
        const sealed = `PORTICO-SEALED-KEY v1 safeStorage\n${Buffer.from(message.keyPem).reverse().toString('base64')}\n`;
        send({ type: 'key.result', id: message.id, ok: true, value: Buffer.from(sealed).toString('base64') });
      } else if (message.type === 'key.unseal') {
        const body = Buffer.from(message.stored, 'base64').toString('utf8').split('\n')[1]!;
        send({ type: 'key.result', id: message.id, ok: true, value: Buffer.from(body, 'base64').reverse().toString('utf8') });
      }
    });

    try {
      const ready = waitFor('ready');
      send({ type: 'start', dataDir: data, protectKey: true });
      const { url, token, pid } = await ready;
      expect(pid).toBe(child.pid);
      expect((await readControlFile(controlFilePath(data)))?.url).toBe(url);
      const status = await createControlClient({ url, token }).call('status.get', {});
      expect(status).toMatchObject({ engine: { running: true, pid: child.pid, version: '9.8.7' }, ca: { present: true, keyProtection: 'safeStorage' } });
      expect(isSealedKeyFile(await readFile(join(data, 'ca', 'root-key.pem')))).toBe(true);

      const stopped = waitFor('stopped');
      send({ type: 'stop' });
      await stopped;
      expect(await exited).toBe(0);
      expect(await readControlFile(controlFilePath(data))).toBeNull();
    } finally {
      if (child.exitCode === null) child.kill();
    }
  });
});
