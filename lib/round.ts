/**
 * Round to a number of decimals the way NumPy/pandas `round` does
 * (scale, round half to even, unscale), so printed values match the upstream
 * evaluation script digit for digit.
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
 * ```
 */
export function roundHalfEven(x: number, decimals = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** decimals;
  const y = x * f;
  const r = Math.round(y);
  // Math.round rounds .5 up; NumPy's rint rounds exact halves to even.
  const rounded = Math.abs(y % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return rounded / f;
}
