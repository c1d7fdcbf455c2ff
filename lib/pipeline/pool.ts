/**
 * Run `worker` over `items` with at most `concurrency` in flight, pulling items
 * lazily so a long stream is never held in memory. The first error from a worker
 * that `isFatal` accepts stops new work and is rethrown after the in-flight ones settle.
 *
 * @param items The items, consumed lazily.
 * @param concurrency The most in flight.
 * @param worker The work for one item.
 * @param isFatal Whether an error stops the pool (default: every error).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runPool } from "./pool.ts";
 * let peak = 0, now = 0;
 * await runPool([1, 2, 3, 4, 5], 2, async () => { peak = Math.max(peak, ++now); await new Promise((r) => setTimeout(r, 5)); now--; });
 * assert(peak === 2);
 * ```
 */
export async function runPool<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  worker: (item: T) => Promise<void>,
  isFatal: (err: unknown) => boolean = () => true,
): Promise<void> {
  const iterator = (Symbol.asyncIterator in items)
    ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (items as Iterable<T>)[Symbol.iterator]();
  let fatal: unknown = undefined;
  let pulling = Promise.resolve();
  const next = async (): Promise<IteratorResult<T>> => {
    // Serialise pulls: async generators must not be advanced concurrently.
    const p = pulling.then(() => iterator.next());
    pulling = p.then(() => {}, () => {});
    return await p;
  };
  const lane = async () => {
    while (fatal === undefined) {
      const r = await next();
      if (r.done) return;
      try {
        await worker(r.value);
      } catch (err) {
        if (isFatal(err)) fatal ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  if (fatal !== undefined) throw fatal;
}
