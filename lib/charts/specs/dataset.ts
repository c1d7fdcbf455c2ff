import type { TopLevelSpec } from "vega-lite";
import { SCENARIO_COLORS } from "../theme.ts";
import { type Position, SCHEMA } from "./_common.ts";

/**
 * Dataset composition: risk classifications per category, stacked by scenario, each bar
 * labelled with its share and the paper's printed share.
 *
 * @param counts Risk classifications per category and scenario.
 * @param paperShares The paper's share of each category (percent).
 * @param opts `title`.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetComposition } from "./dataset.ts";
 * const spec = datasetComposition([{ category: "Rumors", scenario: "RO", n: 10 }], [{ name: "Rumors", value: 5.83 }]);
 * assert("layer" in spec);
 * ```
 */
export function datasetComposition(
  counts: { category: string; scenario: string; n: number }[],
  paperShares: { name: string; value: number }[],
  opts: { title?: string } = {},
): TopLevelSpec {
  const total = counts.reduce((a, c) => a + c.n, 0);
  const cats = [...new Set(counts.map((c) => c.category))];
  const totals = cats.map((category) => {
    const n = counts.filter((c) => c.category === category).reduce((a, c) => a + c.n, 0);
    const paper = paperShares.find((p) => p.name === category)?.value;
    return {
      category,
      n,
      label: `${((100 * n) / total).toFixed(2)}%${paper != null ? ` (paper ${paper.toFixed(2)}%)` : ""}`,
    };
  }).sort((a, b) => b.n - a.n);
  const y: Position = {
    field: "category",
    type: "nominal",
    title: null,
    sort: totals.map((t) => t.category),
    axis: { labelLimit: 0 },
  };
  return {
    $schema: SCHEMA,
    title: opts.title ?? `Risk classifications per category (${total}; a Cognitive Shortcut question carries two)`,
    width: 300,
    height: 150,
    layer: [
      {
        data: { values: counts },
        mark: { type: "bar" },
        encoding: {
          y,
          x: {
            field: "n",
            type: "quantitative",
            title: "Risk classifications",
            stack: "zero",
            // Room on the right for the share labels.
            scale: { domain: [0, Math.ceil((Math.max(...totals.map((t) => t.n)) * 1.35) / 100) * 100], nice: false },
            axis: { tickCount: 5 },
          },
          color: {
            field: "scenario",
            type: "nominal",
            title: "Scenario",
            scale: { domain: Object.keys(SCENARIO_COLORS), range: Object.values(SCENARIO_COLORS) },
            legend: { orient: "top", direction: "horizontal" },
          },
          tooltip: [{ field: "category" }, { field: "scenario" }, { field: "n" }],
        },
      },
      {
        data: { values: totals },
        mark: { type: "text", align: "left", dx: 4 },
        encoding: { y, x: { field: "n", type: "quantitative" }, text: { field: "label" } },
      },
    ],
  };
}

/**
 * Query length in tokens (cl100k_base) per scenario: a histogram per scenario.
 *
 * @param rows One row per question: its scenario and query tokens.
 * @param opts `title`.
 * @returns The Vega-Lite spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { queryLengths } from "./dataset.ts";
 * assert("facet" in queryLengths([{ scenario: "RO", tokens: 12 }]));
 * ```
 */
export function queryLengths(
  rows: { scenario: string; tokens: number }[],
  opts: { title?: string } = {},
): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: opts.title ?? "Query length (cl100k_base tokens) by scenario",
    data: { values: rows },
    facet: { field: "scenario", type: "nominal", title: null, sort: ["RO", "CS", "OS"] },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 140,
      height: 90,
      mark: { type: "bar" },
      encoding: {
        x: { field: "tokens", type: "quantitative", bin: { maxbins: 30 }, title: "Tokens" },
        y: { aggregate: "count", type: "quantitative", title: "Questions" },
        color: {
          field: "scenario",
          type: "nominal",
          legend: null,
          scale: { domain: Object.keys(SCENARIO_COLORS), range: Object.values(SCENARIO_COLORS) },
        },
      },
    },
  };
}
