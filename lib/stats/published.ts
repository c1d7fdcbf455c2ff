import { BENCHMARK_SIZE, scenarioInfo } from "../dataset/scenarios.ts";
import { METRIC_TABLE, type MetricDef } from "../metrics/metric_table.ts";
import { normalCdf } from "./normal.ts";
import { aggregateInterval, zFor } from "./wilson.ts";

/**
 * Whether a difference between two published percentages is larger than their uncertainty,
 * when only the percentages and the question count are known. Each value's variance is
 * taken as p(1 − p)/n (the binomial variance for @k metrics, which are proportions; an upper
 * bound for @1 metrics, which are means of values in [0, 1]); the two runs are treated as
 * independent, which is conservative when they share questions and outcomes correlate.
 * `p` is the two-sided normal-approximation p-value of the difference (not an exact test),
 * for a family-wise adjustment across many marks (see `adjustFamily`).
 *
 * @param a The first percentage.
 * @param b The second percentage.
 * @param n The questions behind each.
 * @param level The confidence level (default 0.95).
 * @returns The difference, its half-width, whether it exceeds it, and the two-sided p.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publishedDifference } from "./published.ts";
 * assert(publishedDifference(93.54, 99.8, 2000).exceeds);        // safety rules on Safe@1
 * assert(!publishedDifference(32.50, 32.33, 2000).exceeds);      // two decoding settings
 * assert(publishedDifference(32.50, 32.33, 2000).p > 0.5);
 * ```
 */
export function publishedDifference(
  a: number,
  b: number,
  n: number,
  level = 0.95,
): { diff: number; halfWidth: number; exceeds: boolean; p: number } {
  const pa = a / 100, pb = b / 100;
  const se = Math.sqrt((pa * (1 - pa)) / n + (pb * (1 - pb)) / n);
  const halfWidth = 100 * zFor(level) * se;
  const diff = b - a;
  const p = se > 0 ? 2 * (1 - normalCdf(Math.abs(diff) / (100 * se))) : diff === 0 ? 1 : 0;
  return { diff, halfWidth, exceeds: Math.abs(diff) > halfWidth, p: Math.min(1, p) };
}

/**
 * The ratio of two published percentages (`b / a`) with its interval, when only the
 * percentages and the question count are known: the log-ratio (Katz) interval with each
 * value's variance p(1 − p)/n, as `statsmodels.stats.proportion.confint_proportions_2indep(...,
 * method="log", compare="ratio")` computes it for two independent proportions.
 *
 * @param a The denominator's percentage (the baseline).
 * @param b The numerator's percentage.
 * @param n The questions behind each.
 * @param level The confidence level (default 0.95).
 * @returns The ratio and its interval, or null when either value is 0 (no finite log ratio).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { publishedRatio } from "./published.ts";
 * const r = publishedRatio(10, 30, 600)!; // statsmodels: (2.2915787816245836, 3.9274233433159873)
 * assert(Math.abs(r.ratio - 3) < 1e-12 && Math.abs(r.lo - 2.2915787816245836) < 1e-9 && Math.abs(r.hi - 3.9274233433159873) < 1e-9);
 * assert(publishedRatio(0, 30, 600) === null);
 * ```
 */
export function publishedRatio(
  a: number,
  b: number,
  n: number,
  level = 0.95,
): { ratio: number; lo: number; hi: number; seLog: number } | null {
  const pa = a / 100, pb = b / 100;
  if (!(pa > 0) || !(pb > 0)) return null;
  const seLog = Math.sqrt((1 - pa) / (n * pa) + (1 - pb) / (n * pb));
  const ratio = pb / pa, z = zFor(level);
  return { ratio, lo: ratio * Math.exp(-z * seLog), hi: ratio * Math.exp(z * seLog), seLog };
}

/**
 * Questions behind a metric of the full benchmark: 2,000, or the scenario's size.
 *
 * @param metric A metric's name.
 * @returns The number of questions behind it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { questionsFor } from "./published.ts";
 * assert(questionsFor("OS@k") === 200 && questionsFor("Think@1") === 2000);
 * ```
 */
export function questionsFor(metric: string): number {
  // The metric's scenario from the one metric table (a name outside it reads all questions).
  const scenario = (METRIC_TABLE as Record<string, MetricDef | undefined>)[metric]?.scenario;
  return scenario ? scenarioInfo(scenario)!.size : BENCHMARK_SIZE;
}

/**
 * Add `M_lo`, `M_hi` (95%) to rows of published percentages, for the metrics given, with
 * the interval kind in `interval_kind` ("wilson" for @k, "wilson-bernoulli-bound" for @1).
 *
 * @param rows Rows of published percentages.
 * @param metrics The metric columns to add intervals for.
 * @param level The confidence level (default 0.95).
 * @returns The rows with `M_lo`, `M_hi` and `interval_kind` added.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withPublishedIntervals } from "./published.ts";
 * const [r] = withPublishedIntervals([{ model: "m", "Safe@k": 85.1 }], ["Safe@k"]);
 * assert((r["Safe@k_lo"] as number) < 85.1 && (r["Safe@k_hi"] as number) > 85.1 && r.interval_kind === "Safe@k: wilson");
 * ```
 */
export function withPublishedIntervals<T extends Record<string, unknown>>(
  rows: T[],
  metrics: string[],
  level = 0.95,
): (T & Record<string, number | string>)[] {
  return rows.map((r) => {
    const out: Record<string, unknown> = { ...r };
    const kinds: string[] = [];
    for (const m of metrics) {
      if (typeof r[m] !== "number") continue;
      const i = aggregateInterval(r[m] as number, questionsFor(m), m, level);
      out[`${m}_lo`] = i.lo;
      out[`${m}_hi`] = i.hi;
      kinds.push(`${m}: ${i.kind}`);
    }
    out.interval_kind = kinds.join("; ");
    return out as T & Record<string, number | string>;
  });
}
