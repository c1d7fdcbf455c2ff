import { type Interval, wilsonInterval, zFor } from "./wilson.ts";

/**
 * Split a sample of `n` among strata of the given population sizes: proportional to size,
 * with at least `minimum` per stratum (or the whole stratum when smaller), never more than
 * a stratum holds. Fractions are rounded by largest remainder (ties to the earlier stratum),
 * so the result is deterministic and sums to `n` (or to the population when `n` exceeds it).
 * A minimum of two lets every stratum's variance be estimated and keeps rare strata (e.g. a
 * verdict the judge gives seldom) in the sample.
 *
 * @param sizes Each stratum's population size.
 * @param n The total sample size.
 * @param minimum The least per stratum (default 2).
 * @returns The sample size of each stratum.
 * @throws {RangeError} Sizes or `n` are not whole numbers, or `n` cannot hold the minimum per stratum.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allocate } from "./stratified.ts";
 * assert.deepEqual(allocate([600, 1200, 200], 100), [30, 60, 10]);
 * assert.deepEqual(allocate([990, 10], 20), [18, 2]); // the small stratum keeps its minimum
 * ```
 */
export function allocate(sizes: number[], n: number, minimum = 2): number[] {
  if (sizes.some((s) => !Number.isInteger(s) || s < 0)) throw new RangeError("stratum sizes must be whole numbers");
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sample size must be a whole number, got ${n}`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (n >= total) return [...sizes];
  const base = sizes.map((s) => Math.min(s, minimum));
  const need = base.reduce((a, b) => a + b, 0);
  if (n < need) {
    throw new RangeError(`a sample of ${n} cannot hold ${minimum} per stratum: at least ${need} are needed`);
  }
  // Water-filling: share = clamp(lambda * size, base, size) summing to n; lambda by bisection.
  const share = (lambda: number) => sizes.map((s, i) => Math.min(s, Math.max(base[i], lambda * s)));
  let lo = 0, hi = 1;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    if (share(mid).reduce((a, b) => a + b, 0) < n) lo = mid;
    else hi = mid;
  }
  const exact = share(hi);
  const out = exact.map(Math.floor);
  let left = n - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (out[i] < sizes[i]) (out[i]++, left--);
  }
  return out;
}

/**
 * Kish's effective sample size of a weighted sample, (Σw)² / Σw²: the number of equally
 * weighted observations that would give the same precision. Equal weights give `n`.
 *
 * @param weights The observations' weights.
 * @returns The effective sample size.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kishEffectiveN } from "./stratified.ts";
 * assert(kishEffectiveN([2, 2, 2]) === 3);
 * assert(kishEffectiveN([1, 3]) === 1.6);
 * ```
 */
export function kishEffectiveN(weights: number[]): number {
  const s = weights.reduce((a, b) => a + b, 0);
  const s2 = weights.reduce((a, b) => a + b * b, 0);
  return s2 === 0 ? 0 : (s * s) / s2;
}

/** A design-weighted proportion with its interval. */
export interface WeightedProportion extends Interval {
  /** The weighted share, in [0, 1]. */
  estimate: number;
  /** Observations (unweighted). */
  n: number;
  /** Kish's effective sample size, the `n` of the Wilson interval. */
  n_eff: number;
}

/**
 * A design-weighted proportion: Σ w·y / Σ w over observations `y` in [0, 1] (a fraction when
 * several people labelled one sample), with the Wilson interval at Kish's effective sample
 * size. This is the interval the judge-accuracy rows use and the one a review plan is sized
 * for ({@linkcode planSizeForMargin}); with equal weights it is the plain Wilson interval.
 * It ignores the finite-population correction, which only makes it wider.
 *
 * @param y The observations, in [0, 1].
 * @param weights Their design weights.
 * @param level The confidence level (default 0.95).
 * @returns The proportion, its Wilson interval and the effective sample size.
 * @throws {RangeError} `y` and `weights` differ in length.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightedProportion } from "./stratified.ts";
 * const r = weightedProportion([1, 1, 0, 1], [1, 1, 1, 1]);
 * assert(r.estimate === 0.75 && r.n_eff === 4 && r.lo < 0.75 && r.hi > 0.75);
 * ```
 */
export function weightedProportion(y: number[], weights: number[], level = 0.95): WeightedProportion {
  if (y.length !== weights.length) throw new RangeError("values and weights differ in length");
  const sw = weights.reduce((a, b) => a + b, 0);
  if (!y.length || sw === 0) return { estimate: NaN, lo: NaN, hi: NaN, n: y.length, n_eff: 0 };
  const estimate = y.reduce((s, v, i) => s + v * weights[i], 0) / sw;
  const n_eff = kishEffectiveN(weights);
  const { lo, hi } = wilsonInterval(estimate * n_eff, n_eff, level);
  return { estimate, lo, hi, n: y.length, n_eff };
}

/**
 * The smallest total sample whose allocation ({@linkcode allocate}) reaches a Wilson
 * half-width of at most `margin` (a fraction) at the expected proportion `expected`, at
 * Kish's effective size of the allocation's weights (population / sample per stratum): the
 * same interval {@linkcode weightedProportion} reports. With `rows` (each a list of stratum
 * indices: the strata an accuracy row rests on), every row must reach the margin and the
 * widest decides. `reached` is false when even the whole population falls short (the
 * population size is returned then).
 *
 * @param sizes Each stratum's population size.
 * @param margin The target half-width (a fraction).
 * @param o The expected proportion (default 0.5), level, minimum per stratum, and the rows to size (default: one row of all strata).
 * @returns The sample size, the widest row's half-width, the first row's effective size, each row's, and whether the target is reached.
 * @throws {RangeError} `margin` is not in (0, 1).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planSizeForMargin } from "./stratified.ts";
 * // One large stratum at p = 0.5 and ±5 points: about 384, as the textbook formula says.
 * const r = planSizeForMargin([100000], 0.05, { expected: 0.5 });
 * assert(r.reached && r.n >= 380 && r.n <= 386);
 * ```
 */
export function planSizeForMargin(
  sizes: number[],
  margin: number,
  o: { expected?: number; level?: number; minimum?: number; rows?: number[][] } = {},
): { n: number; half_width: number; n_eff: number; reached: boolean; rows: { half_width: number; n_eff: number }[] } {
  if (!(margin > 0 && margin < 1)) throw new RangeError(`margin must be in (0, 1), got ${margin}`);
  const p = o.expected ?? 0.5, level = o.level ?? 0.95;
  const total = sizes.reduce((a, b) => a + b, 0);
  const min = sizes.reduce((a, s) => a + Math.min(s, o.minimum ?? 2), 0);
  const rows = o.rows ?? [sizes.map((_, i) => i)];
  const at = (n: number) => {
    const alloc = allocate(sizes, n, o.minimum);
    const per = rows.map((strata) => {
      const w = strata.flatMap((i) => Array(alloc[i]).fill(sizes[i] / alloc[i]));
      const n_eff = kishEffectiveN(w);
      const { lo, hi } = wilsonInterval(p * n_eff, n_eff, level);
      return { n_eff, half_width: n_eff ? (hi - lo) / 2 : 0.5 };
    });
    // The widest row decides; the first row (the overall one) gives n_eff.
    const widest = Math.max(...per.map((r) => r.half_width));
    return { n, n_eff: per[0].n_eff, half_width: widest, rows: per };
  };
  // Precision grows with n (weights even out as n grows), so the first n that reaches the
  // margin is found by bisection, then checked downwards for the rare non-monotone step.
  if (at(total).half_width > margin) return { ...at(total), reached: false };
  let lo = Math.max(1, min), hi = total;
  if (at(lo).half_width <= margin) return { ...at(lo), reached: true };
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (at(mid).half_width <= margin) hi = mid;
    else lo = mid;
  }
  return { ...at(hi), reached: true };
}

/** A stratified mean with its standard error and normal interval. */
export interface StratifiedMean extends Interval {
  mean: number;
  se: number;
  /** Observations used. */
  n: number;
}

/**
 * The stratified mean Σ W_h · ȳ_h of per-stratum observations, W_h = share of the population
 * in stratum h (strata with a known mean, such as samples whose outcome no person can change,
 * enter through `known`), with variance Σ W_h² s_h² / n_h (no finite-population correction,
 * which only widens it) and a normal interval. A stratum with a single observation has no
 * variance estimate: the largest possible one for values in [−1, 1] (1) is used. Used for the
 * judge-corrected metrics, where `y` is the person's pass minus the judge's.
 *
 * @param strata Each stratum's population size and observations.
 * @param o Strata with a known mean, and the confidence level.
 * @returns The mean, its standard error and its interval.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stratifiedMean } from "./stratified.ts";
 * const r = stratifiedMean([{ size: 50, y: [0, 0, 1, 1] }, { size: 50, y: [0, 0, 0, 0] }]);
 * assert(r.mean === 0.25 && r.lo < 0.25 && r.hi > 0.25);
 * ```
 */
export function stratifiedMean(
  strata: { size: number; y: number[] }[],
  o: { known?: { size: number; mean: number }[]; level?: number } = {},
): StratifiedMean {
  const known = o.known ?? [];
  const total = strata.reduce((a, s) => a + s.size, 0) + known.reduce((a, s) => a + s.size, 0);
  let mean = 0, variance = 0, n = 0;
  for (const s of strata) {
    if (!s.size) continue;
    if (!s.y.length) return { mean: NaN, se: NaN, lo: NaN, hi: NaN, n };
    const W = s.size / total, m = s.y.length;
    const ybar = s.y.reduce((a, b) => a + b, 0) / m;
    const s2 = m > 1 ? s.y.reduce((a, v) => a + (v - ybar) ** 2, 0) / (m - 1) : 1;
    mean += W * ybar;
    variance += (W * W * s2) / m;
    n += m;
  }
  for (const k of known) mean += (k.size / total) * k.mean;
  const se = Math.sqrt(variance), z = zFor(o.level ?? 0.95);
  return { mean, se, lo: mean - z * se, hi: mean + z * se, n };
}

/**
 * The stratified covariance of two stratified means over the same observations,
 * Σ W_h² cov_h(x, y) / n_h: what the delta method needs to combine two corrected metrics
 * (Think@1 and Safe@1 into the F-score).
 *
 * @param strata Each stratum's population size and paired observations.
 * @param o `knownSize`: population in strata with known (constant) values, which count in the weights.
 * @returns The covariance of the two stratified means.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stratifiedCovariance } from "./stratified.ts";
 * const c = stratifiedCovariance([{ size: 10, x: [0, 1], y: [0, 1] }]);
 * assert(Math.abs(c - 0.25) < 1e-12);
 * ```
 */
export function stratifiedCovariance(
  strata: { size: number; x: number[]; y: number[] }[],
  o: { knownSize?: number } = {},
): number {
  const total = strata.reduce((a, s) => a + s.size, 0) + (o.knownSize ?? 0);
  let cov = 0;
  for (const s of strata) {
    const m = s.x.length;
    if (m < 2 || !s.size) continue;
    const mx = s.x.reduce((a, b) => a + b, 0) / m, my = s.y.reduce((a, b) => a + b, 0) / m;
    const c = s.x.reduce((a, v, i) => a + (v - mx) * (s.y[i] - my), 0) / (m - 1);
    cov += ((s.size / total) ** 2 * c) / m;
  }
  return cov;
}
