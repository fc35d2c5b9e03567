/**
 * Child process for the concurrency test: prints "ready", waits for a line on stdin (so all
 * children start together), adds one project through the store, prints "added <name>".
 */
import { createInterface } from 'node:readline';
import { toErrorShape } from '../../../../../main/engine/errors';
import { addProject, createConfigStore } from '../../../../../main/engine/projects';
import { dataPaths } from '../../../../../main/engine/system/data-dir';

const [dataDir = '', name = '', port = ''] = process.argv.slice(2);
const input = createInterface({ input: process.stdin });
console.log('ready');
await new Promise((go) => input.once('line', go));
input.close();
try {
  const store = createConfigStore(dataPaths(dataDir), { lock: { timeoutMs: 60_000 } });
  await store.update((config) => addProject(config, { name, port }, new Date()));
  console.log(`added ${name}`);
} catch (error) {
  console.log(`failed ${JSON.stringify(toErrorShape(error))}`);
  process.exitCode = 1;
}
