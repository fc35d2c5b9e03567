import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createConfigStore } from '../../../../main/engine/projects';
import { dataPaths } from '../../../../main/engine/system/data-dir';
import { startWorker, stopWorker, type Worker } from './child';

const ITERATIONS = 30;
let home: string;
let current: Worker | undefined;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'portico-sigkill-'));
});

afterEach(async () => {
  if (current) await stopWorker(current);
  await rm(home, { recursive: true, force: true });
});

const nextTurn = () => new Promise<void>((done) => setImmediate(done));

it(`a writer SIGKILLed ${ITERATIONS} times mid-update never leaves a broken config or loses a commit`, async () => {
  const paths = dataPaths(join(home, 'data'));
  const store = createConfigStore(paths);
  const committed: string[] = [];

  for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
    const worker = startWorker('update-loop.ts', [paths.dir, `k${iteration}`]);
    current = worker;
    // Kill once it has committed 1–3 updates, a varying number of event-loop turns later, so the
    // signal lands in different phases of the next update (lock, read, temp write, rename, release).
    const target = 1 + (iteration % 3);
    await worker.waitFor((line) => worker.lines.filter((l) => l.startsWith('committed ')).length >= target || line.startsWith('failed '));
    for (let turn = 0; turn < iteration % 5; turn += 1) await nextTurn();
    worker.process.kill('SIGKILL');
    await worker.exited;
    current = undefined;

    expect(worker.lines.filter((line) => line.startsWith('failed '))).toEqual([]);
    committed.push(...worker.lines.filter((line) => line.startsWith('committed ')).map((line) => line.slice('committed '.length)));

    // The file on disk is always whole JSON that validates, holding every acknowledged commit.
    JSON.parse(await readFile(paths.config, 'utf8'));
    const config = await store.read();
    const names = new Set(config.projects.map((project) => project.name));
    expect(committed.filter((name) => !names.has(name))).toEqual([]);
    for (const project of config.projects) {
      const index = Number(project.name.split('-')[1]);
      expect(project.hsts).toBe(index % 2 === 0 ? 'production' : 'off');
    }
  }

  // A clean update afterwards takes over any stale lock and sweeps the killed writers' temp files.
  await store.update((config) => ({ config }));
  expect(await readdir(paths.dir)).toEqual(['config.json']);
}, 180_000);
