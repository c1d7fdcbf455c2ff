import { adjustFamily, type FamilyControl } from "../stats/holm.ts";
import { publishedDifference, questionsFor } from "../stats/published.ts";
import { paperKFits, rowCondition } from "./granularity.ts";
import type { PaperTables } from "./load.ts";

/** One published comparison (condition − its baseline) with its family-adjusted p-value. */
export interface PublishedMark {
  model: string;
  /** The compared row's condition: `rules`, `star1`, or a decoding setting `top_k=… top_p=… T=…`. */
  condition: string;
  metric: string;
  base: number;
  value: number;
  /** value − base, in points. */
  diff: number;
  /** 95% half-width of the difference of two published values (see `publishedDifference`). */
  halfWidth: number;
  /** Unadjusted two-sided p-value (normal approximation). */
  p: number;
  /** p after the family's control (Holm or Benjamini–Hochberg). */
  p_adj: number;
  significant: boolean;
  /** `*` when significant after adjustment, else empty. */
  mark: string;
}

/** A family of marks and the sentence naming its multiple-comparison control. */
export interface MarkFamily {
  rows: PublishedMark[];
  /** E.g. "Holm-adjusted (family-wise rate 0.05) over 25 comparisons". */
  label: string;
}

type Row = Record<string, number | string | boolean | null>;

function _family(
  raw: Omit<PublishedMark, "p_adj" | "significant" | "mark">[],
  control: FamilyControl,
): MarkFamily {
  const { rows, label } = adjustFamily(raw, control);
  return { rows: rows.map((r) => ({ ...r, mark: r.significant ? "*" : "" })), label };
}

function _pairs(
  model: string,
  base: Row,
  other: Row,
  condition: string,
  metrics: string[],
): Omit<PublishedMark, "p_adj" | "significant" | "mark">[] {
  return metrics.filter((m) => typeof base[m] === "number" && typeof other[m] === "number").map((metric) => {
    const b = base[metric] as number, v = other[metric] as number;
    const d = publishedDifference(b, v, questionsFor(metric));
    return { model, condition, metric, base: b, value: v, diff: d.diff, halfWidth: d.halfWidth, p: d.p };
  });
}

/**
 * Base vs condition for every model of a two-condition paper table (safety rules, STAR-1),
 * every @1 metric, as one family under `control` (Holm by default).
 */
function _conditionFamily(
  table: Row[],
  condition: string,
  metrics: string[],
  control: FamilyControl,
): MarkFamily {
  const models = [...new Set(table.map((r) => r.model as string))];
  return _family(
    models.flatMap((model) => {
      const b = table.find((r) => r.model === model && r.condition === "base");
      const t = table.find((r) => r.model === model && r.condition === condition);
      return b && t ? _pairs(model, b, t, condition, metrics) : [];
    }),
    control,
  );
}

const AT1 = ["Safe@1", "Think@1", "RO@1", "CS@1", "OS@1"];

/**
 * Safety rules vs base for the five models and five @1 metrics of the paper's figure: 25
 * comparisons of two published values, marked `*` when the Holm-adjusted p (or BH with
 * `control: "bh"`) is below 0.05.
 *
 * @param paper The paper's tables.
 * @param control `holm` (default) or `bh`.
 * @returns The 25 comparisons with their marks, and the control's label.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { safetyRulesSignificance } from "./significance.ts";
 * const { rows, label } = safetyRulesSignificance(await loadPaper());
 * assert(rows.length === 25 && label.includes("Holm") && label.includes("25 comparisons"));
 * assert(rows.find((m) => m.model === "QwQ-32B" && m.metric === "Safe@1")!.mark === "*");
 * ```
 */
export function safetyRulesSignificance(paper: PaperTables, control: FamilyControl = "holm"): MarkFamily {
  return _conditionFamily(paper.safetyRules.objects() as Row[], "rules", AT1, control);
}

/**
 * STAR-1 vs base for the six Qwen3 sizes and five @1 metrics: 30 comparisons as one family.
 *
 * @param paper The paper's tables.
 * @param control `holm` (default) or `bh`.
 * @returns The 30 comparisons with their marks, and the control's label.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { star1Significance } from "./significance.ts";
 * const { rows } = star1Significance(await loadPaper());
 * assert(rows.length === 30 && rows.find((m) => m.model === "Qwen3-0.6B" && m.metric === "Safe@1")!.significant);
 * ```
 */
export function star1Significance(paper: PaperTables, control: FamilyControl = "holm"): MarkFamily {
  return _conditionFamily(paper.star1.objects() as Row[], "star1", AT1, control);
}

/**
 * Each decoding setting of one model vs its recommended setting, only for settings whose k
 * the audit determines to equal the recommended row's (see `paperKFits`): a difference
 * between rows of different (or undetermined) k mixes k with decoding. The comparable cells of the model form one family.
 * `excluded` lists the settings left out for their k.
 *
 * @param paper The paper's tables.
 * @param model The model whose decoding settings are compared.
 * @param control `holm` (default) or `bh`.
 * @returns The comparable settings with their marks, and the settings left out for their k.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { decodingSignificance } from "./significance.ts";
 * const q = decodingSignificance(await loadPaper(), "Qwen3-32B");
 * assert(q.rows.length === 0 && q.excluded.length === 8);
 * const w = decodingSignificance(await loadPaper(), "QwQ-32B");
 * // QwQ-32B's greedy row fits every k from 2 to 10: its k is not determined, so it carries no mark.
 * assert(w.rows.length === 0 && w.excluded.some((e) => e.condition === "top_k=1 top_p=0.95 T=0.6" && e.k === null));
 * ```
 */
export function decodingSignificance(
  paper: PaperTables,
  model: string,
  control: FamilyControl = "holm",
): MarkFamily & { excluded: { condition: string; k: number | null; baselineK: number | null }[] } {
  const fits = paperKFits(paper).filter((f) => f.table === "decoding" && f.model === model);
  const rows = (paper.decoding.objects() as Row[]).filter((r) => r.model === model);
  const rec = rows.find((r) => r.recommended);
  const metrics = paper.decoding.columnNames().filter((c) => /@(1|k)$/.test(c));
  const excluded: { condition: string; k: number | null; baselineK: number | null }[] = [];
  const raw = rec
    ? rows.filter((r) => r !== rec).flatMap((r) => {
      const f = fits.find((x) => x.condition === rowCondition(r));
      if (f && !f.comparable) {
        excluded.push({ condition: f.condition, k: f.inferredK, baselineK: f.baselineK });
        return [];
      }
      return _pairs(model, rec, r, rowCondition(r), metrics);
    })
    : [];
  return { ..._family(raw, control), excluded };
}
