import type { TopLevelSpec } from "vega-lite";
import { runLabels } from "../run_labels.ts";
import { RUN_COLORS } from "../theme.ts";
import { type Layer, type Position, SCHEMA } from "./_common.ts";

/** The field sliceChart adds: the run's label (what tells it apart from the other runs). */
const RUN = "run label";
const NOTE = "note";

/** Why a slice has no value of `metric`: what the metric needs that the slice lacks. */
function _whyEmpty(metric: string, questions: unknown): string {
  if (questions == null || questions === 0) return "no question judged in this slice";
  const scenario = /^(RO|CS|OS)@/.exec(metric)?.[1];
  if (scenario) {
    return `not given: no ${
      { RO: "Risk Omission", CS: "Cognitive Shortcut", OS: "Over Sensitivity" }[scenario]
    } question here`;
  }
  if (/^(Think|F-score)/.test(metric)) return "not given: a scenario has no question here (it weights all three)";
  return "not given";
}

/**
 * A metric by any grouping, one bar per run in each group: runs are coloured and offset side by
 * side (never stacked), labelled by what tells them apart (condition and tags, then model: see
 * {@linkcode runLabels}), with 95% interval whiskers when the rows carry `<metric>_lo` /
 * `<metric>_hi`. Groups are sorted by their mean value; a group where a run has no value says
 * why in its row ("no question judged", or which scenario the metric lacks), and `all` adds the
 * groups no run has a question in. The axis is 0–100%.
 *
 * @param rows One row per group and run, with the metric (and its `_lo` / `_hi`, `questions`).
 * @param opts The `metric`, the grouping column `by`, `runs`: the columns identifying a run
 *   (default: every other string column, e.g. `model` and the tags), `all`: every group to show,
 *   `title`.
 * @returns The Vega-Lite spec.
 * @throws {Error} Two rows of one run in one group (the rows are not one per group and run).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sliceChart } from "./slice.ts";
 * const spec = sliceChart([
 *   { model: "m", condition: "base", category: "Rumors", questions: 9, "Think@1": 30 },
 *   { model: "m", condition: "rules", category: "Rumors", questions: 9, "Think@1": 41 },
 * ], { metric: "Think@1", by: "category" });
 * assert(JSON.stringify(spec).includes('"rules"') && "layer" in spec);
 * ```
 */
export function sliceChart(
  rows: Record<string, unknown>[],
  opts: { metric: string; by: string; runs?: string[]; all?: string[]; title?: string },
): TopLevelSpec {
  const { metric, by } = opts;
  const lo = `${metric}_lo`, hi = `${metric}_hi`;
  const identity = opts.runs ??
    [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) =>
      c !== by && c !== "questions" && rows.every((r) => r[c] == null || typeof r[c] === "string")
    );
  // One label per distinct run (not per row), so a run keeps its label in every group.
  const key = (r: Record<string, unknown>) => JSON.stringify(identity.map((c) => r[c] ?? null));
  const runs = [...new Map(rows.map((r) => [key(r), r])).values()];
  const labelOf = new Map(runs.map((r, i) => [key(r), runLabels(runs, { columns: identity })[i]]));
  const labels = [...labelOf.values()].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const data: Record<string, unknown>[] = rows.map((r) => ({ ...r, [RUN]: labelOf.get(key(r))! }));
  const seen = new Set<string>();
  for (const r of data) {
    const k = `${r[by]}\u0000${r[RUN]}`;
    if (seen.has(k)) {
      throw new Error(
        `sliceChart: two rows of run "${r[RUN]}" for ${by} "${r[by]}" (one row per group and run expected)`,
      );
    }
    seen.add(k);
  }
  for (const g of opts.all ?? []) {
    for (const l of labels) {
      if (!seen.has(`${g}\u0000${l}`)) data.push({ [by]: g, [RUN]: l, questions: 0, [metric]: null });
    }
  }
  const groups = [...new Set(data.map((r) => String(r[by])))];
  const mean = (g: string) => {
    const v = data.filter((r) => String(r[by]) === g && typeof r[metric] === "number").map((r) => r[metric] as number);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : -Infinity;
  };
  // An explicit order: a sort by field would be dropped (with a warning) by the interval layer.
  const order = groups.sort((a, b) => mean(b) - mean(a) || a.localeCompare(b));
  const empty: Record<string, unknown>[] = data.filter((r) => typeof r[metric] !== "number").map((r) => ({
    ...r,
    [NOTE]: _whyEmpty(metric, r.questions),
  }));
  // A group where every run is empty for the same reason says it once, across the row; otherwise
  // each empty run says it in its own place.
  const whole = new Set(
    order.filter((g) => {
      const inG = data.filter((r) => String(r[by]) === g);
      const notes = new Set(empty.filter((r) => String(r[by]) === g).map((r) => r[NOTE]));
      return inG.length === labels.length && notes.size === 1 &&
        empty.filter((r) => String(r[by]) === g).length === labels.length;
    }),
  );
  const groupNotes = order.filter((g) => whole.has(g)).map((g) => ({
    [by]: g,
    [NOTE]: empty.find((r) => String(r[by]) === g)![NOTE],
  }));
  const runNotes = empty.filter((r) => !whole.has(String(r[by])));
  const hasCi = data.some((r) => r[lo] != null);
  const title = `${metric} (%)`;
  const several = labels.length > 1;
  const y: Position = { field: by, type: "nominal", title: null, sort: order, axis: { labelLimit: 200 } };
  const x: Position = { field: metric, type: "quantitative", title, scale: { domain: [0, 100] }, stack: null };
  const yOffset = several ? { yOffset: { field: RUN, type: "nominal" as const, sort: labels } } : {};
  const color = several
    ? {
      field: RUN,
      type: "nominal" as const,
      title: "Run",
      sort: labels,
      scale: { domain: labels, range: labels.map((_, i) => RUN_COLORS[i % RUN_COLORS.length]) },
      legend: { orient: "right" as const },
    }
    : { value: "#0072B2" };
  const tooltip = [
    { field: RUN, title: "run" },
    { field: by },
    { field: metric },
    ...(hasCi ? [{ field: lo }, { field: hi }] : []),
    { field: "questions" },
  ];
  const layers: Layer[] = [
    {
      data: { values: data.filter((r) => typeof r[metric] === "number") },
      mark: { type: "bar" },
      encoding: { y, x, color, ...yOffset, tooltip },
    },
  ];
  if (hasCi) {
    layers.push({
      data: { values: data.filter((r) => r[lo] != null && r[hi] != null) },
      mark: { type: "rule", color: "#333333", strokeWidth: 0.75 },
      encoding: {
        y,
        ...yOffset,
        x: { field: lo, type: "quantitative", title, scale: { domain: [0, 100] } },
        x2: { field: hi },
      },
    });
  }
  for (const [values, offset] of [[groupNotes, {}], [runNotes, yOffset]] as const) {
    if (!values.length) continue;
    layers.push({
      data: { values: [...values] },
      mark: { type: "text", align: "left", baseline: "middle", dx: 2, color: "#666666", fontStyle: "italic" },
      encoding: {
        y,
        ...offset,
        x: { datum: 0, type: "quantitative", title, scale: { domain: [0, 100] } },
        text: { field: NOTE },
      },
    });
  }
  return {
    $schema: SCHEMA,
    title: opts.title ??
      `${metric} by ${by}${several ? `, one bar per run (${labels.length} runs)` : ""}${
        hasCi ? ", 95% intervals" : ""
      }`,
    width: 420,
    // A fixed height (not a step): every layer, offset by run or not, then shares the row scale.
    height: order.length * (several ? 9 * labels.length + 5 : 14),
    layer: layers,
  };
}
