/**
 * Charts of a researcher's own runs tell the runs apart: two judged runs of one model, base and
 * with safety rules, tagged as studies tag them (`condition`, then `paper_model`), drawn by every
 * chart that can show several runs, checked in Vega's scenegraph.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { fitSpec, layoutView, sliceChart } from "../../lib/charts/mod.ts";
import { scoreQuestionTable, scoreRuns } from "../../lib/analysis/mod.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { metricView } from "../../lib/notebook/mod.ts";
import { rows } from "../../lib/table.ts";
import { DATASET_CSV } from "../helpers/paths.ts";
import { captureConsole, overlaps, type SceneItem, sceneItems } from "../helpers/scene.ts";
import { taggedRuns } from "../helpers/tagged_runs.ts";
import type { TopLevelSpec } from "vega-lite";

const dataset = await loadDataset({ path: DATASET_CSV });

/** Lay out a spec at full width, returning its items and whatever Vega printed. */
async function draw(spec: TopLevelSpec): Promise<{ items: SceneItem[]; printed: string[] }> {
  const { value, printed } = await captureConsole(async () => {
    const view = await layoutView(await fitSpec(spec, "full"));
    try {
      return sceneItems(view);
    } finally {
      view.finalize();
    }
  });
  return { items: value, printed };
}

/** Titles a reader sees on the axes: never a field name (`_lo`, a list of fields). */
function assertAxisTitles(items: SceneItem[], expected: string[]) {
  const titles = items.filter((i) => i.role === "axis-title").map((i) => i.text!);
  assertEquals(titles.sort(), [...expected].sort());
  for (const t of titles) assert(!/_lo|_hi|, /.test(t), `axis title "${t}" names fields`);
}

Deno.test("the slice chart of two tagged runs: one colour and bar per run, never stacked, empty rows say why", async () => {
  await using r = await taggedRuns();
  const scored = await scoreRuns(r.dirs, { dataset });
  const t = scoreQuestionTable(scored.perQuestion, {
    by: [...scored.by, "category"],
    dataset,
    ci: { replicates: 200 },
  });
  const view = rows(metricView(t.table, "Think@1", t.by));
  const categories = [...new Set(rows<{ category: string }>(dataset.risks).map((d) => d.category))];
  const { items, printed } = await draw(sliceChart(view, { metric: "Think@1", by: "category", all: categories }));
  assertEquals(printed, [], "Vega printed warnings");
  // The legend names the runs by what tells them apart (the condition), not the shared tag.
  const legend = items.filter((i) => i.role === "legend-label").map((i) => i.text);
  assertEquals(legend, ["base", "rules"]);
  assertAxisTitles(items, ["Think@1 (%)"]);
  const bars = items.filter((i) => i.marktype === "rect" && i.role === "mark");
  const axis = items.find((i) => i.role === "axis-domain" && i.y2 - i.y1 < 1)!; // the x axis line
  const plotRight = Math.max(...items.filter((i) => i.role === "axis-tick").map((i) => i.x2));
  assertEquals(bars.length, view.filter((d) => typeof d["Think@1"] === "number").length);
  for (const b of bars) {
    assert(b.x2 <= plotRight + 0.5, `a bar reaches past the axis (${b.x2} > ${plotRight})`);
    assert(b.x1 >= axis.x1 - 0.5, "a bar starts left of the axis");
    // Each bar is its run's value: from the axis start, in its run's colour.
    assert(b.datum!["Think@1"] as number <= 100);
  }
  for (let i = 0; i < bars.length; i++) {
    for (let j = i + 1; j < bars.length; j++) assert(!overlaps(bars[i], bars[j]), "two runs' bars overlap (stacked)");
  }
  const colours = new Map<string, string>();
  for (const b of bars) colours.set(String(b.datum!["run label"]), b.fill!);
  assertEquals(colours.size, 2);
  assert(new Set(colours.values()).size === 2, "the runs share a colour");
  // Empty rows: categories with no question, and ones missing a scenario Think needs, say why.
  const notes = items.filter((i) => i.marktype === "text" && i.role === "mark").map((i) => i.text!);
  assert(notes.includes("no question judged in this slice"), notes.join(" | "));
  assert(notes.some((n) => n.startsWith("not given: a scenario has no question here")), notes.join(" | "));
  const labels = items.filter((i) => i.role === "axis-label");
  const noteItems = items.filter((i) => i.marktype === "text" && i.role === "mark");
  for (const c of categories) {
    const label = labels.find((l) => l.text === c);
    assert(label, `${c} has no row`);
    if (view.some((d) => d.category === c && typeof d["Think@1"] === "number")) continue;
    // An empty row carries its reason, in the row.
    const mid = (label.y1 + label.y2) / 2;
    assert(noteItems.some((n) => n.y1 <= mid && mid <= n.y2), `${c}: an empty row with no note`);
  }
});

Deno.test("the slice chart rejects two rows of one run in one group instead of stacking them", () => {
  const row = { model: "m", condition: "base", category: "Rumors", questions: 3, "Think@1": 50 };
  let err: unknown;
  try {
    sliceChart([row, { ...row }], { metric: "Think@1", by: "category" });
  } catch (e) {
    err = e;
  }
  assert(err instanceof Error && err.message.includes('two rows of run "base · m" for category "Rumors"'), String(err));
});
