/**
 * Child process for the hosts SIGKILL test: rewrites the Portico block of `<hosts>` again and
 * again, alternating between two name sets, printing "committed <n>" once each write is in place,
 * until killed (or after 2000 writes, so a forgotten child cannot run forever).
 */
import { applyHosts } from '../../../main/engine/hosts/hosts';
import { loopbackEntries } from '../../../main/engine/hosts/hostsfile';
import type { Elevator } from '../../../main/engine/system/elevate';

const [hostsPath = '', backupDir = ''] = process.argv.slice(2);
const refusing: Elevator = {
  method: 'none',
  run: async () => {
    throw new Error('no elevation in this test');
  },
  runAll: async () => {
    throw new Error('no elevation in this test');
  },
};
try {
  for (let n = 0; n < 2000; n += 1) {
    const names = n % 2 === 0 ? ['even-a.test', 'even-b.test'] : ['odd.test'];
    await applyHosts({ path: hostsPath, backupDir, elevator: refusing, platform: 'linux', keepBackups: 2, entries: loopbackEntries(names) });
    console.log(`committed ${n}`);
  }
} catch (error) {
  console.log(`failed ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
