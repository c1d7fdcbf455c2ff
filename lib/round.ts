/**
 * Round to a number of decimals half to even, as NumPy/pandas `round` does (scale, round
 * half to even, unscale), with one difference: a scaled value within floating-point noise
 * of a half (a relative 1e-12) counts as the half it stands for. Why: a BSA metric is a
 * ratio of counts, so a tie such as Safe@1 = 81.395 is exact, but summing per-question
 * fractions leaves it a few ulps above or below, and plain NumPy rounding then goes either
 * way (upstream's `evaluate.py` itself rounds 1 of 23 exact ties at k = 10 up where half to
 * even rounds down). A ratio of counts that is not a tie lies farther than that from one.
 *
 * @param x The number.
 * @param decimals Decimal places (default 2).
 * @returns `x` rounded half to even at that place.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roundHalfEven } from "./round.ts";
 * assert(roundHalfEven(0.125, 2) === 0.12);
 * assert(roundHalfEven(0.135, 2) === 0.14);
 * assert(roundHalfEven(2.5, 0) === 2);
 * assert(roundHalfEven((100 * 16279) / 20000, 2) === 81.4); // 81.395: an exact tie, to even
 * ```
 */
export function roundHalfEven(x: number, decimals = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** decimals;
  const y = x * f;
  const low = Math.floor(y);
  const off = y - low - 0.5;
  if (Math.abs(off) <= 1e-12 * Math.max(1, Math.abs(y))) return (low % 2 === 0 ? low : low + 1) / f;
  return (off < 0 ? low : low + 1) / f;
}
