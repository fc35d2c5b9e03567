/** `node --import tsx bench/load/node-load-main.ts '<NodeLoadSpec JSON>'`: one LoadResult JSON line. */
import { runNodeLoad } from './node-load';
import type { NodeLoadSpec } from './types';

const spec = JSON.parse(process.argv[2] ?? '{}') as NodeLoadSpec;
const result = await runNodeLoad(spec);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
