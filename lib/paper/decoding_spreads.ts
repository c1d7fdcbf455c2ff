/**
 * How much the paper's decoding settings move each metric, beside what noise alone and model
 * size do: the statistical table behind the decoding-sensitivity figure and notebook 05.
 * @module
 */
import { METRIC_ORDER } from "../metrics/metric_table.ts";
import { questionsFor } from "../stats/published.ts";
import { normalRangeQuantile } from "../stats/range.ts";
import { rows } from "../table.ts";
import { withRecomputedFScore } from "./fscore.ts";
import { paperKFits, rowCondition } from "./granularity.ts";
import type { PaperTables } from "./load.ts";

/**
 * The metric columns of the decoding heatmaps, in the one metric order of every table (the main table's).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DECODING_METRICS } from "./decoding_spreads.ts";
 * // One metric order everywhere, the main table's: OS, CS, RO after the F-score.
 * assert.deepEqual(DECODING_METRICS.slice(4, 8), ["F-score", "OS@1", "OS@k", "CS@1"]);
 * ```
 */
export const DECODING_METRICS: string[] = [...METRIC_ORDER];

/** One decoding setting of one model (a row of the paper's decoding table). */
export interface DecodingRow {
  model: string;
  top_k: number;
  top_p: number;
  temperature: number;
  recommended: boolean;
  [metric: string]: string | number | boolean | null;
}

/** How much one metric moves across one source of variation (decoding settings, noise, model size). */
export interface SpreadRow {
  metric: string;
  /** What varies, e.g. "decoding: QwQ-32B, 6 settings at k=3" or "noise alone: 95% range of 6 values". */
  source: string;
  /** max − min, in points. */
  spread: number;
}

/**
 * Like-with-like sensitivity: the spread (max − min) of every metric across each model's
 * decoding settings that share one inferred k (the sweep's k = 3 rows; see `paperKFits`),
 * beside the 95th percentile of the range that noise alone gives for that many settings
 * (one value's binomial standard error, a bound for @1, times the normal range quantile),
 * and the spread across the Qwen3 dense sizes 4B–32B. F-score is recomputed at the code's α
 * and has no noise bar (it is derived).
 *
 * @param paper The paper's tables (`loadPaper`).
 * @returns One row per metric and source: each model's decoding spread, the noise bar for
 *   that many settings (shared by models with as many settings, the larger kept), and the
 *   model-size spread.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { decodingSpreads } from "./decoding_spreads.ts";
 * const s = decodingSpreads(await loadPaper());
 * const qwq = s.find((r) => r.metric === "Think@1" && r.source === "decoding: QwQ-32B, 6 settings at k=3")!;
 * const noise = s.find((r) => r.metric === "Think@1" && r.source === "noise alone: 95% range of 6 values")!;
 * assert(qwq.spread > 0 && noise.spread > 0);
 * ```
 */
export function decodingSpreads(paper: PaperTables): SpreadRow[] {
  const dec = withRecomputedFScore(rows<DecodingRow>(paper.decoding)) as DecodingRow[];
  const fits = paperKFits(paper).filter((f) => f.table === "decoding");
  const out: SpreadRow[] = [];
  const spread = (vals: number[]) => Math.max(...vals) - Math.min(...vals);
  for (const model of [...new Set(dec.map((r) => r.model))]) {
    const own = dec.filter((r) => r.model === model);
    const kOf = (r: DecodingRow) =>
      fits.find((f) => f.model === model && f.condition === rowCondition(r))?.inferredK ?? null;
    // The largest group of settings at one k: only they compare like with like.
    const byK = new Map<number | null, DecodingRow[]>();
    for (const r of own) byK.set(kOf(r), [...(byK.get(kOf(r)) ?? []), r]);
    const [k, group] = [...byK.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    const m = group.length;
    const q = normalRangeQuantile(m);
    for (const metric of DECODING_METRICS) {
      const vals = group.map((r) => r[metric] as number);
      out.push({ metric, source: `decoding: ${model}, ${m} settings at k=${k}`, spread: spread(vals) });
      if (metric === "F-score") continue;
      const p = vals.reduce((a, b) => a + b, 0) / vals.length / 100;
      const se = 100 * Math.sqrt((p * (1 - p)) / questionsFor(metric));
      const source = `noise alone: 95% range of ${m} values`;
      const prev = out.find((o) => o.metric === metric && o.source === source);
      // Two models with the same number of settings share one noise bar (the larger).
      if (prev) prev.spread = Math.max(prev.spread, q * se);
      else out.push({ metric, source, spread: q * se });
    }
  }
  const sizes = withRecomputedFScore(rows(paper.main)).filter((r) =>
    ["Qwen3-4B", "Qwen3-8B", "Qwen3-14B", "Qwen3-32B"].includes(r.model as string)
  );
  for (const m of DECODING_METRICS) {
    out.push({ metric: m, source: "model size: Qwen3 4B–32B", spread: spread(sizes.map((r) => r[m] as number)) });
  }
  return out;
}
