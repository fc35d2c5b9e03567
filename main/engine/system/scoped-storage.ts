/**
 * An AsyncLocalStorage that is switched on only while one of its `run`s is in flight.
 *
 * In Node 20 a storage, once run, leaves async_hooks enabled for the rest of the process
 * (lib/async_hooks.js: `run` → `_enable()` → `storageHook.enable()`, undone only by `disable()`):
 * from then on every async resource, socket write, timer and promise of the proxy's request path
 * pays an init hook and promise hooks. The data lock and the consent batches need their context
 * only during a few start-up or user actions, so the storage is disabled again once the last of
 * its runs has ended (Node's doc: `disable()` "when the asyncLocalStorage is not in use anymore").
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export class ScopedStorage<T> {
  private readonly storage = new AsyncLocalStorage<T>();
  private running = 0;

  /** The value of the enclosing `run`, or undefined outside every run. */
  getStore(): T | undefined {
    return this.running === 0 ? undefined : this.storage.getStore();
  }

  /** Runs `fn` with `value` as the store of everything it starts, until the promise it returns settles. */
  async run<R>(value: T, fn: () => R | Promise<R>): Promise<R> {
    this.running += 1;
    try {
      return await this.storage.run(value, fn);
    } finally {
      this.running -= 1;
      if (this.running === 0) this.storage.disable();
    }
  }

  /** Whether async_hooks are on for this storage (for tests). */
  get active(): boolean {
    return this.running > 0;
  }
}
