import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Dataset } from "../dataset/load.ts";
import { SCENARIOS } from "../dataset/scenarios.ts";

/**
 * The dataset's subdomains: questions per category and subcategory, by scenario (a
 * Cognitive Shortcut question counts once in each category its two risks fall in). What
 * can be sliced before any run is scored.
 *
 * @param dataset The dataset.
 * @returns One row per category and subcategory: `RO`, `CS`, `OS` and `questions`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "../dataset/load.ts";
 * import { subdomains } from "./slice.ts";
 * const t = subdomains(await loadDataset());
 * assert(t.columnNames().join() === "category,subcategory,RO,CS,OS,questions");
 * assert(t.numRows() > 9);
 * ```
 */
export function subdomains(dataset: Dataset): ColumnTable {
  const questions = dataset.risks.select("id", "scenario", "category", "subcategory").dedupe();
  // One count column per scenario (a pivot), named by its code, in SCENARIOS' order.
  const byScenario = questions.groupby("category", "subcategory").pivot("scenario", { n: aq.op.count() });
  const have = byScenario.columnNames();
  const counts = Object.fromEntries(SCENARIOS.map((s) => {
    const v = (have.includes(s.name) ? byScenario.array(s.name) : []) as ArrayLike<number | undefined>;
    return [s.code, Array.from({ length: byScenario.numRows() }, (_, i) => v[i] ?? 0)];
  }));
  const totals = questions.groupby("category", "subcategory").rollup({ questions: aq.op.distinct("id") });
  return byScenario.select("category", "subcategory").assign(counts)
    .join(totals)
    .orderby("category", "subcategory");
}

/**
 * The columns of a score table worth showing for one metric: the groups, `questions`, the
 * metric and its interval.
 *
 * @param scores A score table (see `scoreQuestionTable`).
 * @param metric The metric, e.g. `Think@1`.
 * @param by The group columns.
 * @returns The narrowed table, best group first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { metricView } from "./slice.ts";
 * const t = aq.from([{ category: "a", questions: 3, "Safe@1": 50, "Think@1": 10 }, { category: "b", questions: 2, "Safe@1": 90, "Think@1": 20 }]);
 * assert.deepEqual(metricView(t, "Think@1", ["category"]).columnNames(), ["category", "questions", "Think@1"]);
 * assert(metricView(t, "Think@1", ["category"]).get("category", 0) === "b");
 * ```
 */
export function metricView(scores: ColumnTable, metric: string, by: string[]): ColumnTable {
  const have = scores.columnNames();
  const keep = [...by, "questions", metric, `${metric}_lo`, `${metric}_hi`].filter((c) => have.includes(c));
  return scores.select([...new Set(keep)]).orderby(aq.desc(metric));
}
