/**
 * The hosts file, byte level, through the real write path (DNS-3, DNS-4): for any file content —
 * arbitrary bytes in any legacy encoding, CRLF or not, with or without a final newline — adding
 * the Portico block, replacing it and removing it leave every byte outside the block as it was,
 * and removing gives back the original file exactly. The text-level properties of
 * parse/render are in test/unit/engine/hosts/hostsfile.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyHosts, removeHosts } from '../../main/engine/hosts/hosts';
import { loopbackEntries, parseHosts } from '../../main/engine/hosts/hostsfile';
import type { Elevator } from '../../main/engine/system/elevate';

const noElevation: Elevator = {
  method: 'none',
  run: () => Promise.reject(new Error('the file is ours: no elevation expected')),
  runAll: () => Promise.reject(new Error('the file is ours: no elevation expected')),
};

/** Bytes a hosts file may hold, biased towards line structure; never a UTF-16 BOM or Portico's markers. */
const hostsBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom('\n', '\r\n', '\r', '\t', ' ', '#', '127.0.0.1', '::1', 'localhost', 'web.test', '\u00e9', '\u00ff', '\u0000'),
      fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    ),
    { maxLength: 30 },
  )
  .map((pieces) => Buffer.from(pieces.join(''), 'latin1'))
  .filter((bytes) => {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return false;
    try {
      return parseHosts(bytes.toString('latin1')).block === null;
    } catch {
      return false;
    }
  });

const nameSets = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,8}\.test$/), { minLength: 1, maxLength: 4 });

describe('hosts file bytes outside the block (properties, real files)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-hosts-prop-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('add, replace and remove keep every other byte; remove restores the file exactly', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(hostsBytes, nameSets, nameSets, async (original, first, second) => {
        run += 1;
        const path = join(dir, `hosts-${run}`);
        const options = { path, elevator: noElevation, backupDir: join(dir, `backups-${run}`), platform: 'linux' as const };
        await writeFile(path, original);

        await applyHosts({ ...options, entries: loopbackEntries(first) });
        const added = await readFile(path);
        expect(added.subarray(0, original.length).equals(original)).toBe(true);

        await applyHosts({ ...options, entries: loopbackEntries(second) });
        const replaced = parseHosts((await readFile(path)).toString('latin1'));
        const before = parseHosts(added.toString('latin1'));
        expect(replaced.before).toBe(before.before);
        expect(replaced.after).toBe(before.after);

        await removeHosts(options);
        expect(Buffer.compare(await readFile(path), original)).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
