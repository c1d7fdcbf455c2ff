import { quantileSorted } from "simple-statistics";
import type { ColumnTable } from "arquero";
import { SCENARIOS } from "../dataset/scenarios.ts";
import { DEFAULT_ALPHA, fScore } from "../metrics/fscore.ts";
import { type MetricName, METRICS } from "../metrics/names.ts";
import { seededRandom } from "./random.ts";
import type { Interval } from "./wilson.ts";

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
  const code = pick(table.array("scenario") as string[]).map((s) => SCENARIOS.find((x) => x.name === s)!.code);
  const f = (c: string) => Float64Array.from(pick(table.array(c) as number[]));
  return { code, safe1: f("safe1"), safek: f("safek"), think1: f("think1"), thinkk: f("thinkk") };
}

/**
 * All BSA metrics (percent) of the questions at `idx` (each index may repeat, as in a
 * bootstrap replicate). F-score from the unrounded Think@1 and Safe@1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricsAt } from "./bootstrap.ts";
 * const q = { code: ["RO", "CS"], safe1: Float64Array.of(1, 0.5), safek: Float64Array.of(1, 0), think1: Float64Array.of(0.5, 0), thinkk: Float64Array.of(0, 0) };
 * const m = metricsAt(q, [0, 1]);
 * assert(m["Safe@1"] === 75 && m["RO@1"] === 50 && m["OS@1"] === null);
 * ```
 */
export function metricsAt(
  q: QuestionColumns,
  idx: ArrayLike<number>,
  alpha = DEFAULT_ALPHA,
): Record<MetricName, number | null> {
  let s1 = 0, sk = 0, t1 = 0, tk = 0;
  const per: Record<string, [number, number, number]> = { RO: [0, 0, 0], CS: [0, 0, 0], OS: [0, 0, 0] };
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    s1 += q.safe1[i];
    sk += q.safek[i];
    t1 += q.think1[i];
    tk += q.thinkk[i];
    const p = per[q.code[i]];
    p[0] += q.think1[i];
    p[1] += q.thinkk[i];
    p[2]++;
  }
  const n = idx.length;
  const pct = (x: number, d: number) => (d ? (100 * x) / d : null);
  const out = {
    "Safe@1": pct(s1, n),
    "Safe@k": pct(sk, n),
    "Think@1": pct(t1, n),
    "Think@k": pct(tk, n),
    "F-score": null as number | null,
    "OS@1": pct(per.OS[0], per.OS[2]),
    "OS@k": pct(per.OS[1], per.OS[2]),
    "CS@1": pct(per.CS[0], per.CS[2]),
    "CS@k": pct(per.CS[1], per.CS[2]),
    "RO@1": pct(per.RO[0], per.RO[2]),
    "RO@k": pct(per.RO[1], per.RO[2]),
  };
  out["F-score"] = out["Think@1"] == null || out["Safe@1"] == null
    ? null
    : fScore(out["Think@1"], out["Safe@1"], alpha);
  return out;
}

/**
 * Indices of each scenario's questions, for resampling within scenarios.
 *
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
}

/**
 * Percentile bootstrap intervals for every metric of one group: questions are resampled
 * with replacement within each scenario (a question's k samples stay together, and the
 * scenario sizes stay fixed so Think keeps its weights).
 *
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
    let o2 = 0;
    for (const g of groups) for (let j = 0; j < g.length; j++) idx[o2++] = g[Math.floor(rand() * g.length)];
    const m = metricsAt(q, idx, o.alpha);
    for (const name of METRICS) if (m[name] != null) draws[name].push(m[name]!);
  }
  const out = {} as Record<MetricName, Interval | null>;
  for (const name of METRICS) {
    const d = draws[name].sort((a, b) => a - b);
    out[name] = d.length
      ? { lo: quantileSorted(d, (1 - level) / 2), hi: quantileSorted(d, 1 - (1 - level) / 2) }
      : null;
  }
  return out;
}
