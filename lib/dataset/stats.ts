import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { CATEGORIES } from "./categories.ts";
import type { Dataset } from "./load.ts";
import { SCENARIOS } from "./scenarios.ts";
import { countTokens } from "./tokens.ts";
import { rows } from "../table.ts";

/**
 * The dataset's composition in the shape of the paper's statistics table
 * (`kind, name, value, unit`): questions per scenario, each category's share of
 * all risk classifications (a Cognitive Shortcut question carries two), and
 * query token lengths (cl100k_base).
 *
 * @param ds The loaded dataset.
 * @returns One row per statistic: `kind, name, value, unit`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "./load.ts";
 * import { datasetStats } from "./stats.ts";
 * const stats = datasetStats(await loadDataset()); // BSA_DATASET
 * const value = (name: string) => stats.filter(`d => d.name === ${JSON.stringify(name)}`).get("value", 0);
 * assert(value("Cognitive Shortcut") === 1200 && value("max query tokens") === 312);
 * ```
 */
export function datasetStats(ds: Dataset): ColumnTable {
  const perScenario = rows<{ scenario: string; value: number }>(
    ds.questions.groupby("scenario").count({ as: "value" }),
  );
  const scenarioRows: { kind: string; name: string; value: number; unit: string }[] = [...SCENARIOS]
    .sort((a, b) => a.size - b.size)
    .map((s) => ({
      kind: "scenario",
      name: s.name,
      value: perScenario.find((r) => r.scenario === s.name)?.value ?? 0,
      unit: "questions",
    }));
  scenarioRows.push({ kind: "scenario", name: "Total", value: ds.questions.numRows(), unit: "questions" });

  const total = ds.risks.numRows();
  const perCategory = ds.risks
    .groupby("category")
    .count({ as: "n" })
    .params({ total })
    .derive({ value: (d: { n: number }, $: { total: number }) => aq.op.round((10000 * d.n) / $.total) / 100 })
    .objects() as { category: string; value: number }[];
  const categoryRows = CATEGORIES.map((c) => ({
    kind: "category",
    name: c.name,
    value: perCategory.find((r) => r.category === c.name)?.value ?? 0,
    unit: "percent of risk classifications",
  })).sort((a, b) => b.value - a.value);

  const tokens = (ds.questions.array("query") as string[]).map(countTokens);
  const mean = tokens.reduce((a, b) => a + b, 0) / tokens.length;
  const tokenRows = [
    { kind: "tokens", name: "max query tokens", value: Math.max(...tokens), unit: "tokens" },
    { kind: "tokens", name: "min query tokens", value: Math.min(...tokens), unit: "tokens" },
    { kind: "tokens", name: "average query tokens", value: Math.round(mean), unit: "tokens" },
  ];
  return aq.from([...scenarioRows, ...categoryRows, ...tokenRows]);
}

/**
 * Put the dataset's statistics beside the paper's: `kind, name, unit, value, paper, diff, agrees`.
 * Percentages agree within 0.05 points (the paper's shares are printed to two
 * decimals and three of them differ from the data in the second); counts must match exactly.
 *
 * @param ours The dataset's statistics ({@linkcode datasetStats}).
 * @param paper The paper's statistics table (same `kind, name`).
 * @returns `ours` with the paper's `value` beside it, their `diff`, and whether they `agree`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { compareDatasetStats } from "./stats.ts";
 * const unit = "percent of risk classifications";
 * const ours = aq.from([
 *   { kind: "scenario", name: "Over Sensitivity", value: 200, unit: "questions" },
 *   { kind: "category", name: "Rumors", value: 11.53, unit },
 * ]);
 * const paper = aq.from([
 *   { kind: "scenario", name: "Over Sensitivity", value: 200 },
 *   { kind: "category", name: "Rumors", value: 11.5 },
 * ]);
 * const [os, rumors] = compareDatasetStats(ours, paper).objects() as Record<string, unknown>[];
 * assert(os.agrees === true && rumors.agrees === true && rumors.diff === 0.03); // within 0.05 points
 * ```
 */
export function compareDatasetStats(ours: ColumnTable, paper: ColumnTable): ColumnTable {
  return ours
    .join_left(paper.select({ kind: "kind", name: "name", value: "paper" }), [["kind", "name"]], [aq.all(), ["paper"]])
    .derive({
      diff: (d: { value: number; paper: number }) => aq.op.round(100 * (d.value - d.paper)) / 100,
      agrees: (d: { value: number; paper: number; unit: string }) =>
        d.paper == null
          ? false
          : d.unit === "percent of risk classifications"
          ? aq.op.abs(d.value - d.paper) <= 0.05 + 1e-9
          : d.value === d.paper,
    })
    .select("kind", "name", "unit", "value", "paper", "diff", "agrees");
}
