import { DEFAULT_ALPHA, fScore } from "../metrics/fscore.ts";
import { roundHalfEven } from "../metrics/round.ts";
import { auditPaper } from "./audit.ts";
import type { PaperTables } from "./load.ts";

/** The column that keeps the paper's printed F-score beside the recomputed one. */
export const PRINTED_F = "F-score (printed)";

/**
 * Why the toolkit ranks and charts by a recomputed F-score: one sentence a table or figure can
 * show, naming the α and the audit finding behind it. The rows whose printed F-score `alpha`
 * does not reproduce are those `bsa paper audit` lists; their count and the α that fits them
 * (least squares over their printed values) are computed from `paper`, not written in.
 *
 * @param paper The paper's tables (the main table's printed F-scores are the ones described).
 * @param alpha The F-score weight the toolkit uses (default {@linkcode DEFAULT_ALPHA}).
 * @returns The sentence, without a final period.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { fScoreConvention } from "./fscore.ts";
 * const text = fScoreConvention(await loadPaper());
 * assert(text.includes("α = 0.7639") && text.includes("20 main-table rows α ≈ 0.61"));
 * ```
 */
export function fScoreConvention(paper: PaperTables, alpha: number = DEFAULT_ALPHA): string {
  const off = new Set(
    auditPaper(paper, alpha).filter((f) => f.table === "main" && f.metric === "F-score").map((f) => f.model),
  );
  const rows = (paper.main.objects() as Record<string, unknown>[]).filter((r) => off.has(r.model as string));
  const mix = rows.length
    ? `the printed column mixes two weights (${rows.length} main-table rows α ≈ ${
      fittedAlpha(rows).toFixed(2)
    }, the rest ${alpha.toFixed(4)}: see \`bsa paper audit\`)`
    : `the printed column agrees with it (see \`bsa paper audit\`)`;
  return `F-score recomputed from Safe@1 and Think@1 at α = ${alpha.toFixed(4)} (the released code's); ${mix}`;
}

/**
 * The one α whose F-scores come nearest (least squares) to the printed `F-score` of `rows`,
 * from their `Safe@1` and `Think@1`; rows lacking one of the three are left out.
 *
 * @param rows Rows with `Safe@1`, `Think@1` and a printed `F-score` (percentages).
 * @returns The α in [0, 1] (to about 1e-9).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fScore } from "../metrics/fscore.ts";
 * import { fittedAlpha } from "./fscore.ts";
 * const rows = [[90, 30], [80, 50], [95, 20]].map(([s, t]) => ({ "Safe@1": s, "Think@1": t, "F-score": fScore(t, s, 0.61) }));
 * assert(Math.abs(fittedAlpha(rows) - 0.61) < 1e-6);
 * ```
 */
export function fittedAlpha(rows: Record<string, unknown>[]): number {
  const pts = rows.filter((r) => ["Safe@1", "Think@1", "F-score"].every((c) => typeof r[c] === "number"))
    .map((r) => [r["Safe@1"], r["Think@1"], r["F-score"]] as number[]);
  const loss = (a: number) => pts.reduce((sum, [s, t, f]) => sum + (fScore(t, s, a) - f) ** 2, 0);
  // F is monotone in α for each row, so the loss has one minimum on [0, 1]: golden-section search.
  const g = (Math.sqrt(5) - 1) / 2;
  let lo = 0, hi = 1;
  while (hi - lo > 1e-9) {
    const a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    if (loss(a) <= loss(b)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}

/**
 * Paper rows with one F-score convention: `F-score` recomputed from the row's Safe@1 and
 * Think@1 at `alpha` (two decimals), the printed value kept as {@linkcode PRINTED_F}. Every
 * ranking, chart and comparison of published F-scores goes through this, because the main
 * table's printed F-scores mix two weights ({@linkcode fScoreConvention} says which): ranked as printed,
 * Qwen3-235B-A22B falls from 7th to 12th. Rows without Safe@1 or Think@1 get `F-score` null.
 *
 * @param rows Paper rows with `Safe@1`, `Think@1` and a printed `F-score`.
 * @param alpha The F-score weight (default {@linkcode DEFAULT_ALPHA}).
 * @returns The rows with `F-score` recomputed and the printed value kept beside it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withRecomputedFScore } from "./fscore.ts";
 * const [r] = withRecomputedFScore([{ model: "QwQ-32B", "Safe@1": 93.54, "Think@1": 33.38, "F-score": 48.47 }]);
 * assert(r["F-score"] === 42.57 && r["F-score (printed)"] === 48.47);
 * ```
 */
export function withRecomputedFScore<T extends Record<string, unknown>>(
  rows: T[],
  alpha: number = DEFAULT_ALPHA,
): (T & { "F-score": number | null; "F-score (printed)": number | null })[] {
  return rows.map((r) => {
    const s = r["Safe@1"], t = r["Think@1"];
    const f = typeof s === "number" && typeof t === "number" ? roundHalfEven(fScore(t, s, alpha), 2) : null;
    const printed = typeof r["F-score"] === "number" ? r["F-score"] as number : null;
    return { ...r, "F-score": f, [PRINTED_F]: printed } as T & {
      "F-score": number | null;
      "F-score (printed)": number | null;
    };
  });
}
