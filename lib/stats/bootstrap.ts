import { quantileSorted, sampleWithReplacement } from "simple-statistics";
import type { ColumnTable } from "arquero";
import { type ScenarioCode, scenarioInfo } from "../dataset/scenarios.ts";
import { DEFAULT_ALPHA, reportedFScore } from "../metrics/fscore.ts";
import {
  benchmarkWeights,
  emptySums,
  METRIC_TABLE,
  type MetricDef,
  metricsFromSums,
  type ScenarioWeights,
} from "../metrics/metric_table.ts";
import { type MetricName, METRICS } from "../metrics/names.ts";
import { seededRandom } from "./random.ts";
import { clopperPearsonInterval, type Interval } from "./wilson.ts";

/** Per-question scores of one group, column-wise (from the per-question table). */
export interface QuestionColumns {
  /** Scenario code per question: "RO", "CS" or "OS". */
  code: string[];
  safe1: Float64Array;
  safek: Float64Array;
  think1: Float64Array;
  thinkk: Float64Array;
}

/**
 * Take the per-question columns of the rows at `index` of a per-question table (all rows if omitted).
 *
 * @param table A per-question table (`code`, `safe1`, `safek`, `think1`, ... columns).
 * @param index The rows to take (default: all).
 * @returns The columns as plain arrays.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { questionColumns } from "./bootstrap.ts";
 * const t = aq.table({ scenario: ["Risk Omission"], safe1: [1], safek: [1], think1: [0.5], thinkk: [0] });
 * assert(questionColumns(t).code[0] === "RO");
 * ```
 */
export function questionColumns(table: ColumnTable, index?: number[]): QuestionColumns {
  const pick = <T>(arr: ArrayLike<T>) => (index ? index.map((i) => arr[i]) : Array.from(arr));
  const code = pick(table.array("scenario") as string[]).map((s) => scenarioInfo(s)!.code);
  const f = (c: string) => Float64Array.from(pick(table.array(c) as number[]));
  return { code, safe1: f("safe1"), safek: f("safek"), think1: f("think1"), thinkk: f("thinkk") };
}

/**
 * All BSA metrics (percent) of the questions at `idx` (each index may repeat, as in a
 * bootstrap replicate), through the metric table: the same estimator as scoring (Think
 * weights the scenario scores, the F-score combines Think@1 and Safe@1 rounded to 2 decimals).
 *
 * @param q The group's per-question columns.
 * @param idx Indices of the questions to score.
 * @param alpha F-score weight on Think@1.
 * @param weights Think's scenario weights (default: the benchmark's scenario sizes).
 * @returns One value (or null) per metric.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricsAt } from "./bootstrap.ts";
 * const q = { code: ["RO", "CS", "OS", "OS"], safe1: Float64Array.of(1, 0.5, 1, 1), safek: Float64Array.of(1, 0, 1, 1), think1: Float64Array.of(1, 0, 1, 0), thinkk: Float64Array.of(0, 0, 0, 0) };
 * const m = metricsAt(q, [0, 1, 2, 3]);
 * assert(m["Safe@1"] === 87.5 && m["OS@1"] === 50);
 * assert(m["Think@1"] === 35); // (600·100 + 1200·0 + 200·50) / 2000
 * assert(metricsAt(q, [0, 2])["Think@1"] === null); // no CS question drawn
 * ```
 */
export function metricsAt(
  q: QuestionColumns,
  idx: ArrayLike<number>,
  alpha: number = DEFAULT_ALPHA,
  weights?: ScenarioWeights,
): Record<MetricName, number | null> {
  const sums = emptySums();
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    const p = sums[q.code[i] as ScenarioCode];
    p.n++;
    p.safe1 += q.safe1[i];
    p.safek += q.safek[i];
    p.think1 += q.think1[i];
    p.thinkk += q.thinkk[i];
  }
  return metricsFromSums(sums, { alpha, weights });
}

/**
 * One stratified bootstrap draw: for each stratum, as many of its indices drawn with
 * replacement as it holds (simple-statistics' `sampleWithReplacement`), written into `out`.
 *
 * @param groups Indices of each stratum (see {@linkcode strata}).
 * @param rand The random source.
 * @param out Where the draw goes (length: the total of the strata).
 * @returns `out`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resampleWithinStrata } from "./bootstrap.ts";
 * const out = resampleWithinStrata([[0, 1], [2]], () => 0.9, new Int32Array(3));
 * assert.deepEqual([...out], [1, 1, 2]);
 * ```
 */
export function resampleWithinStrata(groups: number[][], rand: () => number, out: Int32Array): Int32Array {
  let o = 0;
  for (const g of groups) for (const i of sampleWithReplacement(g, g.length, rand)) out[o++] = i;
  return out;
}

/**
 * Indices of each scenario's questions, for resampling within scenarios.
 *
 * @param q The per-question columns.
 * @returns One list of row indices per scenario.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strata } from "./bootstrap.ts";
 * const q = { code: ["RO", "CS", "RO"], safe1: new Float64Array(3), safek: new Float64Array(3), think1: new Float64Array(3), thinkk: new Float64Array(3) };
 * assert.deepEqual(strata(q), [[0, 2], [1]]);
 * ```
 */
export function strata(q: QuestionColumns): number[][] {
  const by = new Map<string, number[]>();
  q.code.forEach((c, i) => (by.has(c) ? by.get(c)!.push(i) : by.set(c, [i])));
  return [...by.values()];
}

/** Options of the bootstrap. */
export interface BootstrapOptions {
  /** Replicates (default 2,000). */
  replicates?: number;
  seed?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  alpha?: number;
  /** Think's scenario weights (default: the benchmark's scenario sizes). */
  weights?: ScenarioWeights;
}

/**
 * Percentile bootstrap intervals for every metric of one group: questions are resampled
 * with replacement within each scenario (a question's k samples stay together, and the
 * scenario sizes stay fixed so Think keeps its weights).
 *
 * @param q The group's per-question columns.
 * @param o Replicates, seed, level and scenario weights.
 * @returns Each metric's interval, or null for a metric the group's scenarios cannot give.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootstrapIntervals } from "./bootstrap.ts";
 * const n = 200;
 * const q = { code: Array(n).fill("RO"), safe1: Float64Array.from({ length: n }, (_, i) => i % 2), safek: new Float64Array(n), think1: new Float64Array(n), thinkk: new Float64Array(n) };
 * const ci = bootstrapIntervals(q, { seed: 1 });
 * assert(ci["Safe@1"]!.lo < 50 && ci["Safe@1"]!.hi > 50);
 * ```
 */
export function bootstrapIntervals(q: QuestionColumns, o: BootstrapOptions = {}): Record<MetricName, Interval | null> {
  const B = o.replicates ?? 2000;
  const level = o.level ?? 0.95;
  const rand = seededRandom(o.seed ?? 0);
  const groups = strata(q);
  const n = q.code.length;
  const idx = new Int32Array(n);
  const draws: Record<string, number[]> = Object.fromEntries(METRICS.map((m) => [m, []]));
  for (let b = 0; b < B; b++) {
    const m = metricsAt(q, resampleWithinStrata(groups, rand, idx), o.alpha, o.weights);
    for (const name of METRICS) if (m[name] != null) draws[name].push(m[name]!);
  }
  const out = {} as Record<MetricName, Interval | null>;
  for (const name of METRICS) {
    const d = draws[name].sort((a, b) => a - b);
    out[name] = d.length
      ? { lo: quantileSorted(d, (1 - level) / 2), hi: quantileSorted(d, 1 - (1 - level) / 2) }
      : null;
  }
  return _noCollapse(q, out, level, o.alpha, o.weights);
}

/**
 * Where every replicate gave the same value (all questions at 0% or 100%, or all alike) the
 * percentile interval has zero width, which claims certainty the data do not give. Replace it
 * by the Clopper–Pearson interval around the group's own estimate (with the group's scenario
 * weights, so the interval holds the value the score table prints), the metric's questions as
 * trials (per {@linkcode METRIC_TABLE}: its scenario's, or those of the scenarios Think
 * weights); exact for @k, and conservative for @1, whose per-question fractions vary no more
 * than 0/1 outcomes. F-score then spans F at the two ends of its inputs' intervals.
 */
function _noCollapse(
  q: QuestionColumns,
  out: Record<MetricName, Interval | null>,
  level: number,
  alpha = DEFAULT_ALPHA,
  weights?: ScenarioWeights,
): Record<MetricName, Interval | null> {
  const all = Array.from({ length: q.code.length }, (_, i) => i);
  const est = metricsAt(q, all, alpha, weights);
  const w = weights ?? benchmarkWeights();
  const trials = (def: MetricDef) =>
    q.code.filter((c) =>
      def.scenario ? c === def.scenario : def.reducer === "scenario-weighted" ? w[c as ScenarioCode] > 0 : true
    ).length;
  for (const name of METRICS) {
    const def = METRIC_TABLE[name], e = est[name];
    if (def.reducer === "f-score" || e == null) continue;
    const i = out[name];
    if (i && i.hi - i.lo > 1e-9) continue;
    const n = trials(def);
    if (!n) continue;
    const cp = clopperPearsonInterval((e / 100) * n, n, level);
    out[name] = { lo: 100 * cp.lo, hi: 100 * cp.hi, method: "clopper-pearson" };
  }
  const f = out["F-score"], t = out["Think@1"], s = out["Safe@1"];
  if (est["F-score"] != null && t && s && (!f || f.hi - f.lo <= 1e-9)) {
    out["F-score"] = {
      lo: reportedFScore(t.lo, s.lo, alpha),
      hi: reportedFScore(t.hi, s.hi, alpha),
      method: "clopper-pearson",
    };
  }
  return out;
}
