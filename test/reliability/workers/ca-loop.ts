/**
 * Child process for the CA SIGKILL test: in `<base>/<n>` for n = 0, 1, …, creates a CA (key, then
 * certificate) and issues and writes a project certificate with it, printing "created <n>" and
 * "issued <n>", until killed (or after 200 rounds).
 */
import { join } from 'node:path';
import { ensureCa, ensureProjectCert } from '../../../main/engine/pki';
import { dataPaths } from '../../../main/engine/system/data-dir';

const [base = ''] = process.argv.slice(2);
try {
  for (let n = 0; n < 200; n += 1) {
    const paths = dataPaths(join(base, String(n)));
    const { ca } = await ensureCa(paths, ['localhost', '.localhost'], { keyBits: 2048 });
    console.log(`created ${n}`);
    await ensureProjectCert(paths, ca, { name: 'web', domains: ['web.localhost'] });
    console.log(`issued ${n}`);
  }
} catch (error) {
  console.log(`failed ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
