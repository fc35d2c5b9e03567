import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ScopedStorage } from '../../../../main/engine/system/scoped-storage';

describe('ScopedStorage', () => {
  it('gives each run its value across awaits, and nothing outside every run', async () => {
    const storage = new ScopedStorage<string>();
    expect(storage.getStore()).toBeUndefined();
    const seen = await storage.run('a', async () => {
      await sleep(1);
      return storage.getStore();
    });
    expect(seen).toBe('a');
    expect(storage.getStore()).toBeUndefined();
  });

  it('keeps concurrent and nested runs apart, and is active until the last one ends', async () => {
    const storage = new ScopedStorage<string>();
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    const slow = storage.run('slow', async () => {
      await slowGate;
      return storage.getStore();
    });
    const nested = await storage.run('outer', async () => {
      const inner = await storage.run('inner', async () => storage.getStore());
      return [inner, storage.getStore()];
    });
    expect(nested).toEqual(['inner', 'outer']);
    expect(storage.active).toBe(true);
    releaseSlow();
    expect(await slow).toBe('slow');
    expect(storage.active).toBe(false);
  });

  it('is off once the last run ended: work a run started and left behind no longer sees its value', async () => {
    const storage = new ScopedStorage<string>();
    let leftBehind!: Promise<string | undefined>;
    await storage.run('done', async () => {
      leftBehind = sleep(20).then(() => storage.getStore());
    });
    expect(storage.active).toBe(false);
    expect(await leftBehind).toBeUndefined();
    // And it switches on again for the next run.
    expect(await storage.run('again', async () => storage.getStore())).toBe('again');
  });

  it('ends the run when the function throws', async () => {
    const storage = new ScopedStorage<string>();
    await expect(storage.run('x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(storage.active).toBe(false);
  });
});
