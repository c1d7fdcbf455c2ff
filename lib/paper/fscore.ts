import { DEFAULT_ALPHA, fScore } from "../metrics/fscore.ts";
import { roundHalfEven } from "../metrics/round.ts";

/** The column that keeps the paper's printed F-score beside the recomputed one. */
export const PRINTED_F = "F-score (printed)";

/**
 * Why the toolkit ranks and charts by a recomputed F-score: one sentence a table or figure can
 * show, naming the α and the audit finding behind it.
 *
 * @param alpha The F-score weight the toolkit uses (default {@linkcode DEFAULT_ALPHA}).
 * @returns The sentence.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fScoreConvention } from "./fscore.ts";
 * assert(fScoreConvention().includes("α = 0.7639"));
 * ```
 */
export function fScoreConvention(alpha: number = DEFAULT_ALPHA): string {
  return `F-score recomputed from Safe@1 and Think@1 at α = ${alpha.toFixed(4)} (the released code's); ` +
    `the printed column mixes two weights (20 main-table rows α ≈ 0.61, the rest 0.7639: see \`bsa paper audit\`)`;
}

/**
 * Paper rows with one F-score convention: `F-score` recomputed from the row's Safe@1 and
 * Think@1 at `alpha` (two decimals), the printed value kept as {@linkcode PRINTED_F}. Every
 * ranking, chart and comparison of published F-scores goes through this, because the main
 * table's printed F-scores use α ≈ 0.61 for 20 rows and 0.7639 for three: ranked as printed,
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
