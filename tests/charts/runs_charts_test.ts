/**
 * Charts of a researcher's own runs tell the runs apart: two judged runs of one model, base and
 * with safety rules, tagged as studies tag them (`condition`, then `paper_model`), drawn by every
 * chart that can show several runs, checked in Vega's scenegraph.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import {
  decodingHeatmap,
  FAMILY_COLORS,
  FIGURES,
  fitSpec,
  layoutView,
  type LeaderboardRow,
  leaderboardScatter,
  sliceChart,
} from "../../lib/charts/mod.ts";
import { loadUserRuns, scoreQuestionTable, scoreRuns } from "../../lib/analysis/mod.ts";
import { loadPaper } from "../../lib/paper/mod.ts";
import { linearRegression } from "simple-statistics";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { metricView } from "../../lib/notebook/mod.ts";
import { rows } from "../../lib/table.ts";
import { DATASET_CSV } from "../helpers/paths.ts";
import { captureConsole, overlaps, type SceneItem, sceneItems } from "../helpers/scene.ts";
import { taggedRuns } from "../helpers/tagged_runs.ts";
import type { TopLevelSpec } from "vega-lite";

const dataset = await loadDataset({ path: DATASET_CSV });
const paper = await loadPaper();

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
  const t = scoreQuestionTable(scored.questionTable, {
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

/** The plot area of a single-view chart: the extent of its two axis domain lines. */
function plotArea(items: SceneItem[]) {
  const domains = items.filter((i) => i.role === "axis-domain");
  return {
    x1: Math.min(...domains.map((d) => d.x1)),
    x2: Math.max(...domains.map((d) => d.x2)),
    y1: Math.min(...domains.map((d) => d.y1)),
    y2: Math.max(...domains.map((d) => d.y2)),
  };
}

Deno.test("the leaderboard with two tagged runs: own marker and legend, distinct labels clear of each other, nothing past the axes", async () => {
  await using r = await taggedRuns();
  const runs = await loadUserRuns(r.dirs, { replicates: 200 });
  const spec = FIGURES.leaderboard_scatter.build({ paper, runs }, "full")!;
  const { items, printed } = await draw(spec);
  assertEquals(printed, [], "Vega printed warnings");
  assertAxisTitles(items, ["Safe@1 (%)", "Think@1 (%)"]);
  const legendTitles = items.filter((i) => i.role === "legend-title").map((i) => i.text);
  assert(legendTitles.includes("Your runs"), legendTitles.join());
  const runNames = ["base · gen-model", "rules · gen-model"];
  const legend = items.filter((i) => i.role === "legend-label").map((i) => i.text);
  for (const n of runNames) assert(legend.includes(n), `no legend entry ${n}`);
  // The run markers: their own shapes and a colour no family has.
  const markers = items.filter((i) => i.role === "mark" && i.datum?.source === "your run" && i.marktype === "symbol");
  assertEquals(markers.map((m) => m.shape).sort(), ["cross", "diamond"]);
  assert(markers.every((m) => !Object.values(FAMILY_COLORS).includes(m.fill!)), "a run takes a family's colour");
  // Labels: each run named once, and no text overlaps another or a run's interval.
  const texts = items.filter((i) => i.marktype === "text" && i.role === "mark");
  for (const n of runNames) assertEquals(texts.filter((t) => t.text === n).length, 1, n);
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      assert(!overlaps(texts[i], texts[j]), `"${texts[i].text}" overlaps "${texts[j].text}"`);
    }
  }
  const intervals = items.filter((i) => i.marktype === "rule" && i.role === "mark" && i.datum?.source === "your run");
  assertEquals(intervals.length, 4);
  for (const t of texts.filter((t) => runNames.includes(t.text!))) {
    for (const b of intervals) assert(!overlaps(t, b), `"${t.text}" lies on an interval`);
  }
  const area = plotArea(items);
  for (const m of items.filter((i) => i.role === "mark" && i.marktype !== "text")) {
    assert(
      m.x1 >= area.x1 - 6 && m.x2 <= area.x2 + 6 && m.y1 >= area.y1 - 6 && m.y2 <= area.y2 + 6,
      `a mark past the axes`,
    );
  }
});

Deno.test("a run's interval past the axis is cut there, with an arrowhead", async () => {
  const rows0 = rows<LeaderboardRow>(paper.main);
  const run = {
    model: "m",
    condition: "base",
    "Safe@1": 37,
    "Safe@1_lo": 28,
    "Safe@1_hi": 46,
    "Think@1": 10,
    "Think@1_lo": 4,
    "Think@1_hi": 16,
  };
  const { items, printed } = await draw(leaderboardScatter(rows0, { yours: [run] }));
  assertEquals(printed, []);
  const area = plotArea(items);
  const bars = items.filter((i) => i.marktype === "rule" && i.datum?.source === "your run");
  for (const b of bars) assert(b.x1 >= area.x1 - 1, `an interval reaches past the axis (${b.x1} < ${area.x1})`);
  const heads = items.filter((i) => i.marktype === "symbol" && i.shape === "triangle-left");
  assertEquals(heads.length, 1);
  assert(Math.abs((heads[0].x1 + heads[0].x2) / 2 - area.x1) < 1, "the arrowhead is not at the axis");
});

Deno.test("the least-squares line is Vega-Lite's regression transform, and today's fit", async () => {
  const main = rows<LeaderboardRow>(paper.main);
  const spec = leaderboardScatter(main);
  assert(JSON.stringify(spec).includes('"regression":"b"'), "the line is not a regression transform");
  const fit = linearRegression(main.map((r) => [r["Safe@1"], r["Think@1"]]));
  const view = await layoutView(spec);
  try {
    const line = sceneItems(view).filter((i) => i.marktype === "line" && i.role === "mark");
    // Items of a line mark are its points; find the fitted one by its data.
    const pts = line.filter((i) => i.datum && "a" in i.datum).map((i) => i.datum as { a: number; b: number });
    assert(pts.length >= 2, "no fitted line drawn");
    for (const p of pts) assert(Math.abs(p.b - (fit.m * p.a + fit.b)) < 1e-9, `(${p.a}, ${p.b}) is off the fit`);
    assert(Math.abs(Math.max(...pts.map((p) => p.a)) - 100) < 1e-9);
  } finally {
    view.finalize();
  }
});

Deno.test("scaling with two tagged runs: each run its own marker and legend entry, placed by its params_b tag", async () => {
  await using r = await taggedRuns({ tags: { params_b: "8" } });
  const runs = await loadUserRuns(r.dirs, { replicates: 200 });
  const { items, printed } = await draw(FIGURES.scaling_metrics.build({ paper, runs }, "full")!);
  assertEquals(printed, [], "Vega printed warnings");
  for (const t of items.filter((i) => i.role === "axis-title")) assert(!/lo|hi|, /.test(t.text!), t.text);
  const legend = items.filter((i) => i.role === "legend-label").map((i) => i.text);
  for (const n of ["base · gen-model", "rules · gen-model"]) assert(legend.includes(n), `no legend entry ${n}`);
  const markers = items.filter((i) => i.marktype === "symbol" && i.role === "mark" && i.datum?.kind === "your run");
  assertEquals(markers.length, 2 * 5); // two runs in five panels
  assertEquals(new Set(markers.map((m) => m.shape)).size, 2);
  assert(markers.every((m) => m.datum!.params_b === 8));
  // Two runs of one size side by side, not on top of each other.
  const safe = markers.filter((m) => m.datum!.metric === "Safe@1");
  assert(
    Math.abs((safe[0].x1 + safe[0].x2) / 2 - (safe[1].x1 + safe[1].x2) / 2) >= 3,
    "the runs are drawn on top of each other",
  );
});

Deno.test("notebook 05's heatmap of your decoding runs: two runs at one setting get a row each", async () => {
  await using r = await taggedRuns({ tags: { top_k: "40", top_p: "0.95", temperature: "0.6" } });
  const runs = await loadUserRuns(r.dirs, { replicates: 200 });
  // As notebook 05 draws it.
  const tagged = runs!.scores.filter((s) => s.top_k != null && s.top_p != null && s.temperature != null);
  const spec = decodingHeatmap(tagged.map((s) => ({ ...s, recommended: !!s.recommended })) as never, {
    title: "Your decoding runs",
  });
  const { items, printed } = await draw(spec);
  assertEquals(printed, []);
  const rowsDrawn = items.filter((i) => i.role === "axis-label" && i.text?.startsWith("k=")).map((i) => i.text);
  assertEquals(rowsDrawn.sort(), ["k=40, p=0.95, t=0.6 · base", "k=40, p=0.95, t=0.6 · rules"]);
  const cells = items.filter((i) => i.marktype === "rect" && i.role === "mark");
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) assert(!overlaps(cells[i], cells[j], 1.5), "two cells in one place");
  }
});
