import { compareConditions, type ConditionComparison } from "../analysis/compare_runs.ts";
import { BsaError } from "../errors.ts";
import { noRunsNote } from "./context.ts";
import { md, show } from "./display.ts";

/** Which runs to compare and how (the options of `compareConditions`, with display limits). */
export interface ShowComparisonOptions {
  /** The tag that splits the runs (default `condition`). */
  tag?: string;
  /** The baseline value of the tag (e.g. `base`). */
  a: string;
  /** The treated value of the tag (e.g. `rules`, `star1`). */
  b: string;
  /** Bootstrap replicates and permutations (default 1000 each). */
  replicates?: number;
  /** Rows shown (default 80). */
  limit?: number;
}

/**
 * Show the paired comparison of two conditions of the user's runs (per model: change,
 * 95% interval, Holm-adjusted p), with a counted warning for every run or question left
 * out. Without runs, or when the runs cannot be paired, it says so in the notebook instead.
 *
 * @param dirs The user's run folders (`ctx.runs?.dirs`): undefined when none were given, empty when
 *   none of those given could be used.
 * @param o The tag, its two values, and display options.
 * @returns The comparison, or null when there was nothing to compare.
 * @throws {Error} Only errors that are not about the runs (a `BsaError` is shown, not thrown).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { showConditionComparison } from "./conditions.ts";
 * assert((await showConditionComparison(undefined, { a: "base", b: "rules" })) === null);
 * ```
 */
export async function showConditionComparison(
  dirs: string[] | undefined,
  o: ShowComparisonOptions,
): Promise<ConditionComparison | null> {
  if (!dirs?.length) {
    await md(noRunsNote(dirs && { dirs }));
    return null;
  }
  const tag = o.tag ?? "condition";
  let cmp: ConditionComparison;
  try {
    cmp = await compareConditions(dirs, {
      tag,
      a: o.a,
      b: o.b,
      replicates: o.replicates ?? 1000,
      permutations: o.replicates ?? 1000,
    });
  } catch (err) {
    if (!(err instanceof BsaError)) throw err;
    await md(`**Not compared:** ${err.message}`);
    return null;
  }
  if (cmp.warnings.length) await md(cmp.warnings.map((w) => `- ${w}`).join("\n"));
  await show(
    cmp.rows.map((r) => ({
      model: r.pair,
      metric: r.metric,
      [o.a]: r.a,
      [o.b]: r.b,
      change: r.diff,
      lo: r.lo,
      hi: r.hi,
      p_adj: r.p_adj,
      sig: r.significant ? "*" : "",
    })),
    { limit: o.limit ?? 80 },
  );
  return cmp;
}
