/**
 * Child process for the SIGKILL test: adds projects `<prefix>-0`, `<prefix>-1`, … one update at a
 * time, printing "committed <name>" after each update has resolved (the file is then in place),
 * until it is killed (or after 500, so a forgotten child cannot run forever).
 */
import { toErrorShape } from '../../../../../main/engine/errors';
import { addProject, createConfigStore, setProjectField } from '../../../../../main/engine/projects';
import { dataPaths } from '../../../../../main/engine/system/data-dir';

const [dataDir = '', prefix = ''] = process.argv.slice(2);
const store = createConfigStore(dataPaths(dataDir));
try {
  for (let index = 0; index < 500; index += 1) {
    const name = `${prefix}-${index}`;
    await store.update((config) => {
      const added = addProject(config, { name, port: 3000 + (index % 1000) }, new Date());
      // A second change in the same update, so a torn write would show as a half-applied one.
      return setProjectField(added.config, name, 'hsts', index % 2 === 0 ? 'production' : 'off', new Date());
    });
    console.log(`committed ${name}`);
  }
} catch (error) {
  console.log(`failed ${JSON.stringify(toErrorShape(error))}`);
  process.exitCode = 1;
}
