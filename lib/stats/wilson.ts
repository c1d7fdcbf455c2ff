import { METRIC_TABLE, type MetricDef } from "../metrics/metric_table.ts";
import { binomialCdf } from "./binomial.ts";
import { normalQuantile } from "./normal.ts";

/** An interval in the unit of its estimate. */
export interface Interval {
  lo: number;
  hi: number;
  /** How it was computed, where it is not the caller's default (e.g. `clopper-pearson`). */
  method?: string;
}

/**
 * The two-sided normal quantile for a confidence level (1.96 for 0.95).
 *
 * @param level The confidence level (e.g. 0.95).
 * @returns The normal quantile for it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zFor } from "./wilson.ts";
 * assert(Math.abs(zFor(0.95) - 1.96) < 0.001);
 * ```
 */
export function zFor(level: number): number {
  return normalQuantile(1 - (1 - level) / 2);
}

/**
 * Wilson score interval for a proportion `successes / n` (fractions in [0, 1]). Used for
 * the @k metrics, which are proportions of questions.
 *
 * @param successes The number of successes.
 * @param n The number of trials.
 * @param level The confidence level (default 0.95).
 * @returns The interval, as fractions.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wilsonInterval } from "./wilson.ts";
 * const { lo, hi } = wilsonInterval(81, 263);
 * assert(Math.abs(lo - 0.2553) < 1e-3 && Math.abs(hi - 0.3662) < 1e-3);
 * ```
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): Interval {
  if (n <= 0) return { lo: NaN, hi: NaN };
  const z = zFor(level);
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** What kind of interval a published-aggregate interval is. */
export type AggregateIntervalKind = "wilson" | "wilson-bernoulli-bound";

/**
 * An honest interval for a published percentage with only its question count known.
 * An @k metric is a proportion of questions: Wilson. An @1 metric is a mean of per-question
 * fractions in [0, 1], whose variance is at most p(1 − p): the same Wilson formula is then a
 * conservative bound (`wilson-bernoulli-bound`), never narrower than the truth.
 *
 * @param percent The published percentage.
 * @param n The questions behind it.
 * @param metric The metric's name (its `@k` or `@1` suffix picks the kind).
 * @param level The confidence level (default 0.95).
 * @returns The interval in percent and its kind.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { aggregateInterval } from "./wilson.ts";
 * const i = aggregateInterval(93.54, 2000, "Safe@1");
 * assert(i.kind === "wilson-bernoulli-bound" && i.lo < 93.54 && i.hi > 93.54);
 * ```
 */
export function aggregateInterval(
  percent: number,
  n: number,
  metric: string,
  level = 0.95,
): Interval & { kind: AggregateIntervalKind } {
  const { lo, hi } = wilsonInterval((percent / 100) * n, n, level);
  // An @k metric (a share of questions, per the metric table) is a proportion; an @1 metric a mean of shares.
  const column = (METRIC_TABLE as Record<string, MetricDef | undefined>)[metric]?.column;
  const atK = column === "safek" || column === "thinkk";
  return { lo: 100 * lo, hi: 100 * hi, kind: atK ? "wilson" : "wilson-bernoulli-bound" };
}

/**
 * Clopper–Pearson ("exact") interval for `successes / n` (fractions in [0, 1]): the
 * binomial tail inversion, never narrower than the nominal coverage. At 0 or n successes it
 * keeps a width of about 3.7/n (the "rule of three" at 95%), where a percentile bootstrap
 * collapses to a point.
 *
 * @param successes The number of successes.
 * @param n The number of trials.
 * @param level The confidence level (default 0.95).
 * @returns The interval, as fractions.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clopperPearsonInterval } from "./wilson.ts";
 * const z = clopperPearsonInterval(0, 200);
 * assert(z.lo === 0 && Math.abs(z.hi - 0.0182753) < 1e-6); // scipy: beta.ppf(0.975, 1, 200)
 * const { lo, hi } = clopperPearsonInterval(81, 263);
 * assert(Math.abs(lo - 0.2527367) < 1e-6 && Math.abs(hi - 0.3676219) < 1e-6);
 * ```
 */
export function clopperPearsonInterval(successes: number, n: number, level = 0.95): Interval {
  if (n <= 0) return { lo: NaN, hi: NaN };
  const x = Math.round(successes), tail = (1 - level) / 2;
  const solve = (f: (p: number) => number) => {
    // f rises from below 0 to above 0 on [0, 1]: bisect.
    let lo = 0, hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (f(mid) < 0) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const lo = x <= 0 ? 0 : solve((p) => (1 - binomialCdf(x - 1, n, p)) - tail);
  const hi = x >= n ? 1 : solve((p) => tail - binomialCdf(x, n, p));
  return { lo, hi, method: "clopper-pearson" };
}
