/**
 * A writer SIGKILLed at varying points, in a loop (issue 8, "nothing lost"): the hosts file is
 * always whole, with the user's bytes intact and the block of a committed or in-flight write; the
 * CA on disk is always either absent, an unfinished CA that the next start replaces, or a complete
 * root whose key matches. The config file's version of this test is
 * test/integration/engine/projects/sigkill-writer.test.ts.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { hostsBlockNames } from '../../main/engine/hosts/hosts';
import { parseHosts } from '../../main/engine/hosts/hostsfile';
import { ensureCa, ensureProjectCert, loadCa } from '../../main/engine/pki';
import { dataPaths } from '../../main/engine/system/data-dir';
import { startTsWorker, type Child } from '../helpers/child-process';

const startWorker = (script: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Child =>
  startTsWorker(new URL(`./workers/${script}`, import.meta.url), args, options);

let dir: string;
let current: Child | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-sigkill-'));
});
afterEach(async () => {
  await current?.kill();
  current = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A kill point a varying number of event-loop turns after the trigger line. */
async function killAfterTurns(child: Child, turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
  await child.kill();
}

const committed = (child: Child, prefix: string) => child.lines.filter((line) => line.startsWith(prefix));

const USER_TEXT = '127.0.0.1\tlocalhost\r\n::1 localhost ip6-localhost\n# the user’s own line, kept byte for byte\n10.1.2.3  intranet.example # comment\n';
const EVEN = ['even-a.test', 'even-b.test'];
const ODD = ['odd.test'];

it('hosts file: 12 writers killed mid-write never leave it damaged, and never touch the user’s bytes', async () => {
  const hosts = join(dir, 'hosts');
  const backups = join(dir, 'backups');
  const userBytes = Buffer.from(USER_TEXT, 'latin1');
  await writeFile(hosts, userBytes);

  for (let iteration = 0; iteration < 12; iteration += 1) {
    const worker = startWorker('hosts-loop.ts', [hosts, backups]);
    current = worker;
    const target = 1 + (iteration % 4);
    await worker.waitFor((line) => committed(worker, 'committed ').length >= target || line.startsWith('failed '));
    await killAfterTurns(worker, iteration % 7);
    current = undefined;
    expect(committed(worker, 'failed ')).toEqual([]);

    const bytes = await readFile(hosts);
    // The user's bytes come first, unchanged; the block parses (no half-written marker).
    expect(bytes.subarray(0, userBytes.length).equals(userBytes)).toBe(true);
    const parsed = parseHosts(bytes.toString('latin1'));
    expect(parsed.block).not.toBeNull();
    expect(parsed.after).toBe('');
    // The block says what a committed write or the one in flight said, never a mix.
    expect([EVEN, ODD]).toContainEqual(await hostsBlockNames(hosts));
  }
}, 180_000);

it('CA files: 6 creators killed mid-creation leave no CA, an unfinished one, or a whole one — never a broken root', async () => {
  for (let iteration = 0; iteration < 6; iteration += 1) {
    const base = join(dir, `round-${iteration}`);
    const worker = startWorker('ca-loop.ts', [base]);
    current = worker;
    // Kill while the second CA or the first project certificate is being made, at varying turns.
    await worker.waitFor((line) => line === (iteration % 2 === 0 ? 'created 0' : 'issued 0') || line.startsWith('failed '));
    await killAfterTurns(worker, iteration * 5);
    current = undefined;
    expect(committed(worker, 'failed ')).toEqual([]);

    for (const name of await readdir(base)) {
      const paths = dataPaths(join(base, name));
      const hasCert = await stat(paths.caCert).then(() => true, () => false);
      const reported = worker.lines.includes(`created ${name}`);
      if (hasCert) {
        // A certificate on disk is a finished root: its key is there and matches.
        const ca = await loadCa(paths);
        expect(ca.certPem).toBe(await readFile(paths.caCert, 'utf8'));
      } else {
        expect(reported).toBe(false);
      }
      // Either way the next start gets a usable CA, and a project certificate from it.
      const { ca, created } = await ensureCa(paths, ['localhost', '.localhost'], { keyBits: 2048 });
      if (reported) expect(created).toBe(false);
      const leaf = await ensureProjectCert(paths, ca, { name: 'web', domains: ['web.localhost'] });
      expect(leaf.info.sans).toEqual(['web.localhost']);
    }
  }
}, 180_000);
