/**
 * A seeded pseudo-random generator (mulberry32): every resampling in the toolkit takes a
 * seed, so the same seed gives the same intervals and p-values.
 *
 * @param seed The seed (an integer).
 * @returns A generator of numbers in [0, 1).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededRandom } from "./random.ts";
 * const a = seededRandom(42), b = seededRandom(42);
 * assert(a() === b() && a() < 1);
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = (seed >>> 0) || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
