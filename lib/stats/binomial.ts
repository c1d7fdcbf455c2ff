/**
 * P(X ≤ x) for X ~ Binomial(n, p), summed exactly in log space (stable for large n).
 *
 * @param x The number of successes.
 * @param n The number of trials.
 * @param p The success probability.
 * @returns P(X ≤ x).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binomialCdf } from "./binomial.ts";
 * assert(Math.abs(binomialCdf(1, 4, 0.5) - 5 / 16) < 1e-12);
 * ```
 */
export function binomialCdf(x: number, n: number, p: number): number {
  if (x < 0) return 0;
  if (x >= n) return 1;
  const lf = [0];
  for (let i = 1; i <= n; i++) lf.push(lf[i - 1] + Math.log(i));
  let s = 0;
  for (let i = 0; i <= x; i++) {
    s += Math.exp(lf[n] - lf[i] - lf[n - i] + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return Math.min(1, s);
}

/**
 * Exact McNemar test for paired binary outcomes: `b` pairs pass only under A, `c` only
 * under B. Two-sided p = min(1, 2 · P(X ≤ min(b, c))) with X ~ Binomial(b + c, 1/2).
 *
 * @param b Pairs that pass only under A.
 * @param c Pairs that pass only under B.
 * @returns The two-sided exact p-value.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mcnemarExact } from "./binomial.ts";
 * assert(mcnemarExact(0, 0) === 1);
 * assert(Math.abs(mcnemarExact(1, 9) - 2 * 11 / 1024) < 1e-12);
 * ```
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialCdf(Math.min(b, c), n, 0.5));
}
