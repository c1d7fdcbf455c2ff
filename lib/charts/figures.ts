import type { TopLevelSpec } from "vega-lite";
import * as aq from "arquero";
import type { Dataset } from "../dataset/load.ts";
import { countTokens } from "../dataset/tokens.ts";
import { scenarioInfo } from "../dataset/scenarios.ts";
import type { PaperTables } from "../paper/load.ts";
import { withRecomputedFScore } from "../paper/fscore.ts";
import { DEFAULT_ALPHA } from "../metrics/fscore.ts";
import { aggregateInterval } from "../stats/wilson.ts";
import { publishedDifference, questionsFor } from "../stats/published.ts";
import { type Row, rows } from "../table.ts";
import { melt } from "./specs/_common.ts";
import type { PrintSize } from "./size.ts";
import { datasetComposition, queryLengths } from "./specs/dataset.ts";
import {
  DECODING_METRICS,
  decodingHeatmap,
  type DecodingRow,
  decodingSensitivity,
  settingLabel,
  type SpreadRow,
} from "./specs/decoding.ts";
import { type LeaderboardRow, leaderboardScatter } from "./specs/leaderboard.ts";
import { scalingMetrics, type ScalingRow, scalingScenarios } from "./specs/scaling.ts";
import { safetyRulesDumbbell, safetyRulesRadar } from "./specs/safety_rules.ts";
import { star1Absolute, star1Change, type Star1Row } from "./specs/star1.ts";

/** What the figures are drawn from: the paper's numbers, the dataset, and optionally the user's runs. */
export interface FigureContext {
  paper: PaperTables;
  dataset?: Dataset;
  /** The user's scored runs (`loadUserRuns`): one row per run group with metrics and intervals. */
  runs?: { scores: Row[] } | null;
}

/** Per-question token counts by scenario code (cached: counting 2,000 queries takes a moment). */
const _tokens = new WeakMap<Dataset, { scenario: string; tokens: number }[]>();
function _queryTokens(ds: Dataset) {
  if (!_tokens.has(ds)) {
    _tokens.set(
      ds,
      rows<{ scenario: string; query: string }>(ds.questions).map((q) => ({
        scenario: scenarioInfo(q.scenario)!.code,
        tokens: countTokens(q.query),
      })),
    );
  }
  return _tokens.get(ds)!;
}

/** The user's runs matched to a paper model through their `paper_model` tag (or model name). */
function _yours(ctx: FigureContext): Row[] {
  return (ctx.runs?.scores ?? []).map((r) => ({ ...r, paper_model: r.paper_model ?? r.model }));
}

/**
 * Significance marks for the safety-rules figure: "*" where rules − base exceeds the
 * uncertainty of two published values (see {@linkcode publishedDifference}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "../paper/load.ts";
 * import { safetyRulesSignificance } from "./figures.ts";
 * const marks = safetyRulesSignificance(await loadPaper());
 * assert(marks.find((m) => m.model === "QwQ-32B" && m.metric === "Safe@1")!.mark === "*");
 * ```
 */
export function safetyRulesSignificance(
  paper: PaperTables,
): { model: string; metric: string; mark: string; diff: number; halfWidth: number }[] {
  const r = rows(paper.safetyRules);
  return [...new Set(r.map((x) => x.model as string))].flatMap((model) =>
    ["Safe@1", "Think@1", "RO@1", "CS@1", "OS@1"].map((metric) => {
      const b = r.find((x) => x.model === model && x.condition === "base")![metric];
      const t = r.find((x) => x.model === model && x.condition === "rules")![metric];
      const d = publishedDifference(b, t, questionsFor(metric));
      return { model, metric, mark: d.exceeds ? "*" : "", diff: d.diff, halfWidth: d.halfWidth };
    })
  );
}

/**
 * Spread (max − min) of every metric across each model's decoding settings, across the
 * Qwen3 dense sizes 4B–32B, and the 95% half-width of one published value (the noise floor).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "../paper/load.ts";
 * import { decodingSpreads } from "./figures.ts";
 * const s = decodingSpreads(await loadPaper());
 * assert(s.some((r) => r.metric === "Think@1" && r.source === "decoding: QwQ-32B"));
 * ```
 */
export function decodingSpreads(paper: PaperTables): SpreadRow[] {
  const dec = withRecomputedFScore(rows<DecodingRow>(paper.decoding)) as DecodingRow[];
  const out: SpreadRow[] = [];
  const spread = (vals: number[]) => Math.max(...vals) - Math.min(...vals);
  for (const model of [...new Set(dec.map((r) => r.model))]) {
    for (const m of DECODING_METRICS) {
      out.push({
        metric: m,
        source: `decoding: ${model}`,
        spread: spread(dec.filter((r) => r.model === model).map((r) => r[m] as number)),
      });
    }
  }
  // The recommended rows' @k values sit far below every other setting's (see the audit):
  // the spread without them shows what the settings themselves do.
  for (const m of DECODING_METRICS) {
    const others = [...new Set(dec.map((r) => r.model))].map((model) =>
      spread(dec.filter((r) => r.model === model && !r.recommended).map((r) => r[m] as number))
    );
    out.push({
      metric: m,
      source: "decoding, recommended rows left out (max of 2)",
      spread: Math.max(...others),
    });
  }
  const sizes = rows(paper.main).filter((r) => ["Qwen3-4B", "Qwen3-8B", "Qwen3-14B", "Qwen3-32B"].includes(r.model));
  for (const m of DECODING_METRICS) {
    out.push({
      metric: m,
      source: "model size: Qwen3 4B–32B",
      spread: spread(sizes.map((r) => r[m])),
    });
  }
  const rec = dec.find((r) => r.model === "Qwen3-32B" && r.recommended)!;
  for (const m of DECODING_METRICS) {
    if (m === "F-score") continue;
    const i = aggregateInterval(rec[m] as number, questionsFor(m), m);
    out.push({ metric: m, source: "noise: 95% half-width of one value", spread: (i.hi - i.lo) / 2 });
  }
  return out;
}

/**
 * Cells of a decoding table whose value differs from the recommended setting by more than its uncertainty ("*").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodingMarks } from "./figures.ts";
 * const base = { model: "m", top_k: 40, top_p: 0.95, temperature: 0.6, recommended: true, "Safe@k": 85 };
 * const other = { ...base, top_k: 1, recommended: false, "Safe@k": 89 };
 * assert(decodingMarks([base, other])["k=1, p=0.95, t=0.6|Safe@k"] === "*");
 * ```
 */
export function decodingMarks(rowsOfModel: DecodingRow[]): Record<string, string> {
  const rec = rowsOfModel.find((r) => r.recommended);
  const marks: Record<string, string> = {};
  if (!rec) return marks;
  for (const r of rowsOfModel) {
    if (r === rec) continue;
    for (const m of DECODING_METRICS) {
      if (m === "F-score" || r[m] == null) continue;
      if (publishedDifference(rec[m] as number, r[m] as number, questionsFor(m)).exceeds) {
        marks[`${settingLabel(r)}|${m}`] = "*";
      }
    }
  }
  return marks;
}

/** One figure of the reproduction: its title, notebook, default print size and spec builder. */
export interface FigureDef {
  title: string;
  notebook: string;
  /** The print size it is drawn at unless `--size` says otherwise. */
  size: PrintSize;
  /** The spec; `size` is the print size it will be fitted to (for layouts computed in points). */
  build: (ctx: FigureContext, size?: PrintSize) => TopLevelSpec | null;
}

/**
 * Every figure the reproduction draws, by file name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "../paper/load.ts";
 * import { FIGURES } from "./figures.ts";
 * const spec = FIGURES.leaderboard_scatter.build({ paper: await loadPaper() });
 * assert(spec !== null && Object.keys(FIGURES).length === 12);
 * ```
 */
export const FIGURES: Record<string, FigureDef> = {
  dataset_composition: {
    title: "Dataset composition",
    notebook: "01_dataset",
    size: "full",
    build: ({ paper, dataset }) => {
      if (!dataset) return null;
      const counts = rows<{ category: string; scenario: string; n: number }>(
        dataset.risks.derive({ scenario: aq.escape((d: { scenario: string }) => scenarioInfo(d.scenario)!.code) })
          .groupby("category", "scenario").count({ as: "n" }),
      );
      return datasetComposition(
        counts,
        rows(paper.datasetStats.filter((d: { kind: string }) => d.kind === "category")),
      );
    },
  },
  query_lengths: {
    title: "Query lengths",
    notebook: "01_dataset",
    size: "full",
    build: ({ dataset }) => (dataset ? queryLengths(_queryTokens(dataset)) : null),
  },
  leaderboard_scatter: {
    title: "Safe@1 vs Think@1",
    notebook: "02_leaderboard",
    size: "full",
    build: (ctx, size) =>
      leaderboardScatter(rows<LeaderboardRow>(ctx.paper.main), { yours: _yours(ctx) as LeaderboardRow[], size }),
  },
  safety_rules_radar: {
    title: "Safety rules (radar, as in the paper)",
    notebook: "03_safety_rules",
    size: "full",
    build: ({ paper }) =>
      safetyRulesRadar(melt(rows(paper.safetyRules), ["Safe@1", "Think@1", "OS@1", "CS@1", "RO@1"])),
  },
  safety_rules_dumbbell: {
    title: "Safety rules (change per metric)",
    notebook: "03_safety_rules",
    size: "full",
    build: ({ paper }) =>
      safetyRulesDumbbell(melt(rows(paper.safetyRules), ["Safe@1", "Think@1", "OS@1", "CS@1", "RO@1"]), {
        significant: safetyRulesSignificance(paper),
        title: "What safety rules change: base → with rules (* larger than the uncertainty of two published values)",
      }),
  },
  star1_absolute: {
    title: "STAR-1 fine-tuning (values)",
    notebook: "04_star1",
    size: "full",
    build: (ctx) => {
      // Your runs tagged condition=base/star1 and params_b join the paper's lines.
      const yours = _yours(ctx)
        .filter((r) => typeof r.params_b === "number" && (r.condition === "base" || r.condition === "star1"))
        .map((r) => ({ ...r, model: r.paper_model, condition: `your ${r.condition}` })) as Star1Row[];
      return star1Absolute([...rows<Star1Row>(ctx.paper.star1), ...yours]);
    },
  },
  star1_change: {
    title: "STAR-1 fine-tuning (change)",
    notebook: "04_star1",
    size: "full",
    build: ({ paper }) => star1Change(rows<Star1Row>(paper.star1)),
  },
  "decoding_QwQ-32B": {
    title: "Decoding sweep: QwQ-32B",
    notebook: "05_decoding",
    size: "full",
    build: ({ paper }) => {
      const r = withRecomputedFScore(
        rows<DecodingRow>(paper.decoding.filter((d: { model: string }) => d.model === "QwQ-32B")),
      ) as DecodingRow[];
      return decodingHeatmap(r, {
        marks: decodingMarks(r),
        title: "Decoding settings of QwQ-32B (* differs from the recommended setting beyond its uncertainty)",
      });
    },
  },
  "decoding_Qwen3-32B": {
    title: "Decoding sweep: Qwen3-32B",
    notebook: "05_decoding",
    size: "full",
    build: ({ paper }) => {
      const r = withRecomputedFScore(
        rows<DecodingRow>(paper.decoding.filter((d: { model: string }) => d.model === "Qwen3-32B")),
      ) as DecodingRow[];
      return decodingHeatmap(r, {
        marks: decodingMarks(r),
        title: "Decoding settings of Qwen3-32B (* differs from the recommended setting beyond its uncertainty)",
      });
    },
  },
  decoding_sensitivity: {
    title: "Decoding sensitivity",
    notebook: "05_decoding",
    size: "column",
    build: ({ paper }) => decodingSensitivity(decodingSpreads(paper)),
  },
  scaling_metrics: {
    title: "Scaling: metrics",
    notebook: "06_scaling",
    size: "full",
    build: (ctx) => {
      // One F-score convention: recomputed at the released code's α for the paper's rows (the
      // printed column mixes two weights and draws a false dip at Qwen3-235B-A22B); your runs
      // are scored at the same α.
      const label = `F-score (α=${DEFAULT_ALPHA.toFixed(2)})`;
      const relabel = (r: Record<string, unknown>) => ({ ...r, [label]: r["F-score"] });
      return scalingMetrics(withRecomputedFScore(rows<ScalingRow>(ctx.paper.main)).map(relabel) as ScalingRow[], {
        yours: _yours(ctx).map(relabel),
        metrics: ["Safe@1", "Safe@k", "Think@1", "Think@k", label],
      });
    },
  },
  scaling_scenarios: {
    title: "Scaling: scenarios",
    notebook: "06_scaling",
    size: "full",
    build: ({ paper }) => scalingScenarios(rows<ScalingRow>(paper.main)),
  },
};
