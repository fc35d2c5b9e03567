import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ConfigSchema } from '../../../../shared/config';
import { dataPaths } from '../../../../main/engine/system/data-dir';
import { startWorker, stopWorker, type Worker } from './child';

let home: string;
let workers: Worker[] = [];

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'portico-writers-'));
});

afterEach(async () => {
  await Promise.all(workers.map(stopWorker));
  workers = [];
  await rm(home, { recursive: true, force: true });
});

it('20 processes adding a project each at the same moment lose no update', async () => {
  const paths = dataPaths(join(home, 'data'));
  const names = Array.from({ length: 20 }, (_, index) => `project-${index}`);
  workers = names.map((name, index) => startWorker('add-one.ts', [paths.dir, name, String(4000 + index)]));
  await Promise.all(workers.map((worker) => worker.waitFor((line) => line === 'ready')));
  for (const worker of workers) worker.process.stdin.write('go\n');

  const outcomes = await Promise.all(workers.map(async (worker) => ({ lines: worker.lines, exit: await worker.exited })));
  for (const outcome of outcomes) expect(outcome).toMatchObject({ exit: [0, null] });

  const config = ConfigSchema.parse(JSON.parse(await readFile(paths.config, 'utf8')));
  expect(config.projects.map((project) => project.name).sort()).toEqual([...names].sort());
  expect(new Set(config.projects.flatMap((project) => project.domains)).size).toBe(20);
  expect(await readdir(paths.dir)).toEqual(['config.json']);
}, 120_000);
