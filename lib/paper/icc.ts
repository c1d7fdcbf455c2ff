import { iccFromAt1AtK } from "../stats/power.ts";
import type { PaperTables } from "./load.ts";

/**
 * The intra-question correlation each main-table model's published Safe@1/Safe@k pair
 * implies at the paper's k = 5 (beta-binomial; see `iccFromAt1AtK`), with the range and
 * median: the evidence behind the power command's default (`PUBLISHED_ICC`, the maximum).
 *
 * @param paper The paper's tables.
 * @param k The paper's number of samples (default 5).
 * @returns Each model's implied ICC, and their range and median.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { publishedIcc } from "./icc.ts";
 * const r = publishedIcc(await loadPaper());
 * assert(r.max.toFixed(2) === "0.74" && r.min < 0.3 && r.median > 0.5 && r.median < 0.52);
 * ```
 */
export function publishedIcc(
  paper: PaperTables,
  k = 5,
): { models: { model: string; icc: number }[]; min: number; median: number; max: number } {
  const models = (paper.main.objects() as Record<string, number | string>[]).flatMap((r) => {
    const icc = iccFromAt1AtK((r["Safe@1"] as number) / 100, (r["Safe@k"] as number) / 100, k);
    return icc == null ? [] : [{ model: r.model as string, icc }];
  });
  const v = models.map((m) => m.icc).sort((a, b) => a - b);
  const median = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return { models, min: v[0], median, max: v.at(-1)! };
}
