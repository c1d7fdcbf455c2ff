import { normalCdf } from "./normal.ts";

/**
 * P(R ≤ r) for the range R (max − min) of `m` independent standard normal values:
 * m ∫ φ(x) [Φ(x + r) − Φ(x)]^(m−1) dx, integrated numerically.
 *
 * @param r The range, in standard deviations.
 * @param m How many values.
 * @returns P(R ≤ r).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalRangeCdf } from "./range.ts";
 * assert(Math.abs(normalRangeCdf(2.772, 2) - 0.95) < 1e-3);
 * ```
 */
export function normalRangeCdf(r: number, m: number): number {
  if (m < 2) return 1;
  if (r <= 0) return 0;
  const h = 0.01;
  let s = 0;
  for (let x = -9; x <= 9; x += h) {
    const phi = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    s += phi * (normalCdf(x + r) - normalCdf(x)) ** (m - 1);
  }
  return Math.min(1, m * s * h);
}

/**
 * The `q` quantile of the range of `m` independent standard normal values: how far apart
 * `m` settings with no real effect land by noise alone, in units of one value's standard
 * error (4.47 for ten values at q = 0.95).
 *
 * @param m How many values.
 * @param q The quantile (default 0.95).
 * @returns The range in standard deviations.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalRangeQuantile } from "./range.ts";
 * assert(Math.abs(normalRangeQuantile(10) - 4.474) < 0.01);
 * assert(Math.abs(normalRangeQuantile(2) - 2.772) < 0.01);
 * ```
 */
export function normalRangeQuantile(m: number, q = 0.95): number {
  if (m < 2) return 0;
  let lo = 0, hi = 12;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (normalRangeCdf(mid, m) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
