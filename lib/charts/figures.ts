import type { TopLevelSpec } from "vega-lite";
import * as aq from "arquero";
import type { Dataset } from "../dataset/load.ts";
import { countTokens } from "../dataset/tokens.ts";
import { scenarioInfo } from "../dataset/scenarios.ts";
import type { PaperTables } from "../paper/load.ts";
import { withRecomputedFScore } from "../paper/fscore.ts";
import { DEFAULT_ALPHA } from "../metrics/fscore.ts";
import { rowCondition } from "../paper/granularity.ts";
import { type DecodingRow, decodingSpreads } from "../paper/decoding_spreads.ts";
import { decodingSignificance, safetyRulesSignificance } from "../paper/significance.ts";
import { type Row, rows } from "../table.ts";
import { melt } from "./specs/_common.ts";
import type { PrintSize } from "./size.ts";
import { datasetComposition, queryLengths } from "./specs/dataset.ts";
import { decodingHeatmap, decodingSensitivity, settingLabel } from "./specs/decoding.ts";
import { type LeaderboardRow, leaderboardScatter } from "./specs/leaderboard.ts";
import { scalingMetrics, type ScalingRow, scalingScenarios } from "./specs/scaling.ts";
import { safetyRulesDumbbell, safetyRulesRadar } from "./specs/safety_rules.ts";
import { star1Absolute, star1Change, type Star1Row } from "./specs/star1.ts";

/** What the figures are drawn from: the paper's numbers, the dataset, and optionally the user's runs. */
export interface FigureContext {
  paper: PaperTables;
  dataset?: Dataset;
  /**
   * The user's scored runs (`loadUserRuns`): one row per run group with metrics and intervals,
   * and the loader's warnings (runs skipped and why), which whoever draws from this context shows:
   * a figure without your runs is otherwise indistinguishable from one where none were given.
   */
  runs?: { scores: Row[]; warnings: string[] } | null;
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

/** A decoding heatmap with marks only where a setting shares the recommended row's k, Holm-adjusted. */
function _decodingFigure(paper: PaperTables, model: string): TopLevelSpec {
  const r = withRecomputedFScore(rows<DecodingRow>(paper.decoding).filter((d) => d.model === model)) as DecodingRow[];
  const sig = decodingSignificance(paper, model);
  const marks: Record<string, string> = {};
  for (const m of sig.rows) {
    const row = r.find((x) => rowCondition(x) === m.condition)!;
    if (m.mark) marks[`${settingLabel(row)}|${m.metric}`] = m.mark;
  }
  const ks = [...new Set(sig.excluded.map((e) => e.k))].filter((k): k is number => k !== null).sort((a, b) => a - b);
  const undetermined = sig.excluded.filter((e) => e.k === null).length;
  const notCompared = sig.excluded.map((e) => settingLabel(r.find((x) => rowCondition(x) === e.condition)!));
  // "k" is the rows' top-k: the number of samples per question is spelled out; a setting whose
  // printed values fit several numbers (the audit cannot tell) is said to be so, never given a "?".
  const samples = ks.join(" or ");
  const why = !undetermined
    ? `have ${samples} samples per question, not ${sig.excluded[0]?.baselineK} (@k: best-of-${samples})`
    : !ks.length
    ? `have a number of samples per question the printed values do not determine`
    : `: ${sig.excluded.length - undetermined} have ${samples} samples per question, ${undetermined} a number not ` +
      `determined (not ${sig.excluded[0].baselineK})`;
  return decodingHeatmap(r, {
    marks,
    notCompared,
    title: `Decoding settings of ${model}`,
    subtitle: [
      sig.rows.length
        ? `* differs from the recommended setting: p < 0.05, ${sig.label}`
        : "no setting is marked: none has the recommended setting's number of samples per question",
      ...(sig.excluded.length
        ? [
          `† not compared: ${sig.excluded.length} settings ${why}`.replace(" settings :", " settings:"),
          `F-score recomputed at α = ${DEFAULT_ALPHA.toFixed(4)}`,
        ]
        : [`F-score recomputed at α = ${DEFAULT_ALPHA.toFixed(4)}`]),
    ],
  });
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
    build: ({ paper }) => {
      const sr = safetyRulesSignificance(paper);
      return safetyRulesDumbbell(melt(rows(paper.safetyRules), ["Safe@1", "Think@1", "OS@1", "CS@1", "RO@1"]), {
        significant: sr.rows,
        subtitle: `* p < 0.05, ${sr.label} (two published values, normal approximation)`,
      });
    },
  },
  star1_absolute: {
    title: "STAR-1 fine-tuning (values)",
    notebook: "04_star1",
    size: "full",
    build: (ctx) => {
      // Your runs tagged condition=base/star1 and params_b join the paper's lines.
      const yours = _yours(ctx)
        // A tag is text: "8" is 8 parameters (B).
        .filter((r) => r.params_b !== "" && Number.isFinite(Number(r.params_b)))
        .filter((r) => r.condition === "base" || r.condition === "star1")
        .map((r) => ({
          ...r,
          params_b: Number(r.params_b),
          model: r.paper_model,
          condition: `your ${r.condition}`,
        })) as Star1Row[];
      // A neutral title: what the data support is computed in notebook 04 (star1Claims).
      return star1Absolute([...rows<Star1Row>(ctx.paper.star1), ...yours], {
        title: "STAR-1 fine-tuning of Qwen3: each @1 metric by size, base vs STAR-1",
      });
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
    build: ({ paper }) => _decodingFigure(paper, "QwQ-32B"),
  },
  "decoding_Qwen3-32B": {
    title: "Decoding sweep: Qwen3-32B",
    notebook: "05_decoding",
    size: "full",
    build: ({ paper }) => _decodingFigure(paper, "Qwen3-32B"),
  },
  decoding_sensitivity: {
    title: "Decoding sensitivity",
    notebook: "05_decoding",
    size: "column",
    build: ({ paper }) =>
      decodingSensitivity(decodingSpreads(paper), { title: "Decoding spread vs noise and model size" }),
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
