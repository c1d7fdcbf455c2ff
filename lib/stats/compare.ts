import { quantileSorted } from "simple-statistics";
import { DEFAULT_ALPHA } from "../metrics/fscore.ts";
import { METRIC_TABLE, QUESTION_COLUMNS } from "../metrics/metric_table.ts";
import { type MetricName, METRICS } from "../metrics/names.ts";
import { mcnemarExact } from "./binomial.ts";
import { metricsAt, type QuestionColumns, resampleWithinStrata, strata } from "./bootstrap.ts";
import { seededRandom } from "./random.ts";

/** One metric's paired comparison of condition B against condition A. */
export interface Comparison {
  metric: MetricName;
  /** Questions in both conditions that the metric reads (a scenario metric: that scenario's). */
  n: number;
  a: number;
  b: number;
  /** b − a, in points. */
  diff: number;
  lo: number;
  hi: number;
  p: number;
  /** `mcnemar-exact` for the @k metrics, `paired-permutation` for the others. */
  test: "mcnemar-exact" | "paired-permutation";
}

/** Options of {@linkcode comparePaired}. */
export interface CompareOptions {
  replicates?: number;
  permutations?: number;
  seed?: number;
  level?: number;
  alpha?: number;
}

/**
 * Compare two conditions on the same questions (both column sets aligned: row i is the same
 * question). The difference's interval is a paired bootstrap (questions resampled within
 * scenarios, both conditions together). p-values: exact McNemar on the discordant questions
 * for the @k metrics (pass/fail per question); for the @1 metrics and F-score a paired
 * permutation test that swaps the two conditions' scores of random questions.
 *
 * @param a The first condition's per-question columns.
 * @param b The second condition's, for the same questions in the same order.
 * @param o Replicates, permutations, seed, level and alpha.
 * @returns One comparison per metric both conditions have: the difference, its interval and p.
 * @throws {RangeError} The two conditions do not cover the same questions in the same order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparePaired } from "./compare.ts";
 * const n = 300;
 * const mk = (p: number) => ({ code: Array(n).fill("RO"), safe1: Float64Array.from({ length: n }, (_, i) => (i < p * n ? 1 : 0)), safek: Float64Array.from({ length: n }, (_, i) => (i < p * n ? 1 : 0)), think1: new Float64Array(n), thinkk: new Float64Array(n) });
 * const rows = comparePaired(mk(0.5), mk(0.7), { seed: 3, replicates: 500, permutations: 500 });
 * const safe = rows.find((r) => r.metric === "Safe@k")!;
 * assert(safe.test === "mcnemar-exact" && safe.p < 1e-10 && Math.abs(safe.diff - 20) < 1e-9);
 * ```
 */
export function comparePaired(a: QuestionColumns, b: QuestionColumns, o: CompareOptions = {}): Comparison[] {
  const n = a.code.length;
  if (b.code.length !== n) throw new RangeError("the two conditions must cover the same questions in the same order");
  const alpha = o.alpha ?? DEFAULT_ALPHA;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const ma = metricsAt(a, all, alpha);
  const mb = metricsAt(b, all, alpha);
  const level = o.level ?? 0.95;

  // Paired bootstrap of the difference.
  const rand = seededRandom(o.seed ?? 0);
  const groups = strata(a);
  const idx = new Int32Array(n);
  const diffs: Record<string, number[]> = Object.fromEntries(METRICS.map((m) => [m, []]));
  for (let r = 0; r < (o.replicates ?? 2000); r++) {
    resampleWithinStrata(groups, rand, idx);
    const x = metricsAt(a, idx, alpha), y = metricsAt(b, idx, alpha);
    for (const m of METRICS) if (x[m] != null && y[m] != null) diffs[m].push(y[m]! - x[m]!);
  }

  // Paired permutation: each question's two scores swap sides with probability 1/2.
  const prand = seededRandom((o.seed ?? 0) + 1);
  const P = o.permutations ?? 2000;
  const extreme: Record<string, number> = Object.fromEntries(METRICS.map((m) => [m, 0]));
  const sa = _clone(a), sb = _clone(b);
  for (let r = 0; r < P; r++) {
    for (let i = 0; i < n; i++) {
      const swap = prand() < 0.5;
      for (const f of QUESTION_COLUMNS) {
        sa[f][i] = swap ? b[f][i] : a[f][i];
        sb[f][i] = swap ? a[f][i] : b[f][i];
      }
    }
    const x = metricsAt(sa, all, alpha), y = metricsAt(sb, all, alpha);
    for (const m of METRICS) {
      if (x[m] != null && y[m] != null && Math.abs(y[m]! - x[m]!) >= Math.abs(mb[m]! - ma[m]!) - 1e-12) extreme[m]++;
    }
  }

  const out: Comparison[] = [];
  for (const m of METRICS) {
    if (ma[m] == null || mb[m] == null) continue;
    const d = diffs[m].sort((x, y) => x - y);
    const def = METRIC_TABLE[m];
    const isK = def.column === "safek" || def.column === "thinkk";
    let p: number;
    if (isK) {
      // The metric's column and questions, from the one metric table.
      const field = def.column!;
      let onlyA = 0, onlyB = 0;
      for (let i = 0; i < n; i++) {
        if (def.scenario === null || a.code[i] === def.scenario) {
          if (a[field][i] === 1 && b[field][i] !== 1) onlyA++;
          if (b[field][i] === 1 && a[field][i] !== 1) onlyB++;
        }
      }
      p = mcnemarExact(onlyA, onlyB);
    } else p = (extreme[m] + 1) / (P + 1);
    out.push({
      metric: m,
      // The questions the metric reads: its scenario's, or all (Think weights every scenario).
      n: def.scenario === null ? n : a.code.filter((c) => c === def.scenario).length,
      a: ma[m]!,
      b: mb[m]!,
      diff: mb[m]! - ma[m]!,
      lo: quantileSorted(d, (1 - level) / 2),
      hi: quantileSorted(d, 1 - (1 - level) / 2),
      p,
      test: isK ? "mcnemar-exact" : "paired-permutation",
    });
  }
  return out;
}

function _clone(q: QuestionColumns): QuestionColumns {
  return {
    code: q.code,
    safe1: q.safe1.slice(),
    safek: q.safek.slice(),
    think1: q.think1.slice(),
    thinkk: q.thinkk.slice(),
  };
}
