/**
 * The figure details a reader sees at print size, checked in Vega's scenegraph: leader lines cross
 * no other leader, the fitted line runs through no label, ...
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { FIGURES, fitSpec, layoutView } from "../../lib/charts/mod.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { loadPaper } from "../../lib/paper/mod.ts";
import { DATASET_CSV } from "../helpers/paths.ts";
import { captureConsole, lineSegments, type SceneItem, sceneItems, segmentHitsBox } from "../helpers/scene.ts";

const ctx = { paper: await loadPaper(), dataset: await loadDataset({ path: DATASET_CSV }) };

async function scene(name: string): Promise<SceneItem[]> {
  const f = FIGURES[name];
  const view = await layoutView(await fitSpec(f.build(ctx, f.size)!, f.size));
  try {
    return sceneItems(view);
  } finally {
    view.finalize();
  }
}

type Seg = [number, number, number, number];
function cross(a: Seg, b: Seg): boolean {
  const [ax, ay, bx, by] = a, [cx, cy, dx, dy] = b;
  const d = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx);
  if (Math.abs(d) < 1e-9) return false;
  const t = ((cx - ax) * (dy - cy) - (cy - ay) * (dx - cx)) / d;
  const u = ((cx - ax) * (by - ay) - (cy - ay) * (bx - ax)) / d;
  return t > 0.001 && t < 0.999 && u > 0.001 && u < 0.999;
}
function segThroughBox(s: Seg, b: SceneItem): boolean {
  const edges: Seg[] = [[b.x1, b.y1, b.x2, b.y1], [b.x2, b.y1, b.x2, b.y2], [b.x1, b.y2, b.x2, b.y2], [
    b.x1,
    b.y1,
    b.x1,
    b.y2,
  ]];
  const inside = (x: number, y: number) => x > b.x1 && x < b.x2 && y > b.y1 && y < b.y2;
  return inside(s[0], s[1]) || inside(s[2], s[3]) || edges.some((e) => cross(s, e));
}

Deno.test("leaderboard: no leader line crosses another, and the least-squares line runs through no label", async () => {
  const items = await scene("leaderboard_scatter");
  // Leader lines: rules drawn from a point to its label (their data carry the label's end, ex/ey).
  const leaders = items.filter((i) => i.marktype === "rule" && i.datum && "ex" in i.datum);
  assert(leaders.length >= 5, `only ${leaders.length} leader lines`);
  // Crossing is kept by the plot's linear scales, so the rules' own data ends tell it exactly.
  const segOf = (r: SceneItem): Seg => {
    const d = r.datum as { x: number; y: number; ex: number; ey: number };
    return [d.x, d.y, d.ex, d.ey];
  };
  for (let i = 0; i < leaders.length; i++) {
    for (let j = i + 1; j < leaders.length; j++) {
      assert(
        !cross(segOf(leaders[i]), segOf(leaders[j])),
        `the leaders of "${leaders[i].datum!.text}" and "${leaders[j].datum!.text}" cross`,
      );
    }
  }
  // The fitted line: the line mark whose points are the regression's (a, b).
  const pts = items.filter((i) => i.marktype === "line" && i.datum && "a" in i.datum);
  assert(pts.length >= 2);
  const xs = pts.map((p) => (p.x1 + p.x2) / 2), ys = pts.map((p) => (p.y1 + p.y2) / 2);
  const line: Seg = [
    Math.min(...xs),
    ys[xs.indexOf(Math.min(...xs))],
    Math.max(...xs),
    ys[xs.indexOf(Math.max(...xs))],
  ];
  const labels = items.filter((i) => i.marktype === "text" && i.role === "mark");
  for (const l of labels) assert(!segThroughBox(line, l), `the least-squares line runs through "${l.text}"`);
});

Deno.test("radar: no data line or spoke runs through a ring label, in any panel", async () => {
  const items = await scene("safety_rules_radar");
  const rings = items.filter((i) => i.marktype === "text" && (i.text === "50" || i.text === "100"));
  assertEquals(rings.length, 10); // 50 and 100 in each of the five panels
  const series = lineSegments(items, (i) => i.datum?.kind === "series" || i.datum?.kind === "spoke");
  assert(series.length >= 5 * 5 * 3, `only ${series.length} segments`);
  for (const r of rings) {
    for (const s of series) {
      assert(
        !segmentHitsBox(s, r),
        `a line runs through the ring label "${r.text}" at (${r.x1.toFixed(0)}, ${r.y1.toFixed(0)})`,
      );
    }
  }
});

Deno.test("panel titles of one row sit at one height (scaling, STAR-1, radar, dataset)", async () => {
  for (const name of ["scaling_metrics", "scaling_scenarios", "star1_absolute", "star1_change", "safety_rules_radar"]) {
    const f = FIGURES[name];
    const spec = await fitSpec(f.build(ctx, f.size)!, f.size);
    const main = new Set([(spec.title as { text: string[] }).text].flat());
    const view = await layoutView(spec);
    let titles: SceneItem[];
    try {
      titles = sceneItems(view).filter((i) => i.role === "title-text" && !main.has(i.text!));
    } finally {
      view.finalize();
    }
    assert(titles.length >= 3, `${name}: ${titles.length} panel titles`);
    // Rows of panels are far apart; within a row every title has the same top.
    const rows: SceneItem[][] = [];
    for (const t of [...titles].sort((a, b) => a.y1 - b.y1)) {
      const row = rows.find((r) => Math.abs(r[0].y1 - t.y1) < 10);
      if (row) row.push(t);
      else rows.push([t]);
    }
    for (const row of rows) {
      const ys = row.map((t) => t.y1);
      assert(
        Math.max(...ys) - Math.min(...ys) < 0.5,
        `${name}: titles ${row.map((t) => `${t.text}@${t.y1.toFixed(1)}`).join(", ")}`,
      );
    }
  }
});

Deno.test("decoding heatmaps mark the settings not compared in the grid; the sensitivity figure says why F-score has no noise bar", async () => {
  const items = await scene("decoding_QwQ-32B");
  const rowLabels = items.filter((i) => i.role === "axis-label" && /^k=/.test(i.text ?? "")).map((i) => i.text!);
  assertEquals(rowLabels.length, 9);
  // Only the recommended row is without †: the greedy k=1 row's printed values fit every k from 2
  // to 10, so the audit cannot say it has the recommended row's 5 samples (issue 23.6).
  assertEquals(rowLabels.filter((l) => l.endsWith(" †")).length, 8, rowLabels.join(" | "));
  assert(rowLabels[0].endsWith("(rec.)") && !rowLabels[0].endsWith("†"));
  const subtitle = items.filter((i) => i.role === "title-subtitle").map((i) => i.text).join(" ");
  assert(
    subtitle.includes("† not compared: 8 settings: 6 have 3 samples per question, 2 a number not determined (not 5)"),
    subtitle,
  );
  assert(!subtitle.includes("?"), subtitle);

  const sens = await scene("decoding_sensitivity");
  const note = sens.find((i) => i.text === "no noise bar: derived");
  assert(note, "the F-score group has no note");
  const fLabel = sens.find((i) => i.role === "axis-label" && i.text === "F-score")!;
  assert(note.x1 < fLabel.x2 && note.x2 > fLabel.x1, "the note is not over the F-score group");
  const legend = sens.filter((i) => i.role === "legend-label").map((i) => i.text!);
  assert(legend.every((l) => !/k=\d/.test(l)) && legend.some((l) => l.includes("3 samples each")), legend.join(" | "));
});

Deno.test("no figure makes Vega or Vega-Lite print a warning", async () => {
  for (const [name, f] of Object.entries(FIGURES)) {
    const { printed } = await captureConsole(async () => {
      const view = await layoutView(await fitSpec(f.build(ctx, f.size)!, f.size));
      view.finalize();
    });
    assertEquals(printed, [], name);
  }
});

Deno.test("leaderboard: every published model is named", async () => {
  const items = await scene("leaderboard_scatter");
  const texts = new Set(items.filter((i) => i.marktype === "text").map((i) => i.text));
  const missing = (ctx.paper.main.array("model") as string[]).filter((m) => !texts.has(m));
  assertEquals(missing, []);
  assert(![...texts].some((t) => t?.includes("unnamed")));
});
