/**
 * Every figure, laid out by Vega at its print size: no two texts overlap, none is cut, ellipsised
 * or outside the picture, none is smaller than 6 pt. Boxes are the texts' rotated rectangles from
 * Vega's scenegraph, measured with the shipped font.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { FIGURES, fitSpec, layoutView, MIN_TEXT_PT, textWidth } from "../../lib/charts/mod.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { loadPaper } from "../../lib/paper/mod.ts";
import { DATASET_CSV } from "../helpers/paths.ts";
import type { TopLevelSpec } from "vega-lite";

const paper = await loadPaper();
const dataset = await loadDataset({ path: DATASET_CSV });

type Pt = [number, number];
/** A drawn text: its string, size, and the four corners of its box in figure coordinates. */
interface DrawnText {
  text: string;
  fontSize: number;
  corners: Pt[];
  limit: number;
}

interface _Item {
  x?: number;
  y?: number;
  dx?: number;
  dy?: number;
  angle?: number;
  align?: string;
  baseline?: string;
  text?: unknown;
  fontSize?: number;
  fontWeight?: unknown;
  lineHeight?: number;
  limit?: number;
  opacity?: number;
  fillOpacity?: number;
  items?: _Mark[];
}
interface _Mark {
  marktype: string;
  items: _Item[];
}

/** Vega's own baseline offset (vega-scenegraph `offset`). */
function _baselineOffset(baseline: string | undefined, h: number, lineHeight: number): number {
  return Math.round(
    baseline === "top"
      ? 0.79 * h
      : baseline === "middle"
      ? 0.30 * h
      : baseline === "bottom"
      ? -0.21 * h
      : baseline === "line-top"
      ? 0.29 * h + 0.5 * lineHeight
      : baseline === "line-bottom"
      ? 0.29 * h - 0.5 * lineHeight
      : 0,
  );
}

/** Every visible text item of a laid-out view, with its rotated box. */
function drawnTexts(root: _Mark, origin: Pt): DrawnText[] {
  const out: DrawnText[] = [];
  const walk = (mark: _Mark, ox: number, oy: number) => {
    for (const item of mark.items ?? []) {
      if (mark.marktype === "group") {
        for (const m of item.items ?? []) walk(m, ox + (item.x ?? 0), oy + (item.y ?? 0));
        continue;
      }
      if (mark.marktype !== "text") continue;
      if (item.opacity === 0 || item.fillOpacity === 0) continue;
      const lines = (Array.isArray(item.text) ? item.text : [item.text]).map((t) => (t == null ? "" : String(t)));
      if (lines.every((l) => l.trim() === "")) continue;
      const h = item.fontSize ?? 11;
      const lh = item.lineHeight ?? h + 2;
      const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
      const w = Math.max(...lines.map((l) => textWidth(l.trim(), h, bold ? "bold" : "normal")));
      const left = (item.dx ?? 0) + (item.align === "center" ? -w / 2 : item.align === "right" ? -w : 0);
      const top = (item.dy ?? 0) + _baselineOffset(item.baseline, h, lh) - Math.round(0.8 * h);
      const height = h + lh * (lines.length - 1);
      const a = ((item.angle ?? 0) * Math.PI) / 180;
      const x = ox + (item.x ?? 0), y = oy + (item.y ?? 0);
      const corners: Pt[] = ([[left, top], [left + w, top], [left + w, top + height], [left, top + height]] as Pt[])
        .map(([u, v]) => [x + u * Math.cos(a) - v * Math.sin(a), y + u * Math.sin(a) + v * Math.cos(a)]);
      out.push({ text: lines.join(" / "), fontSize: h, corners, limit: item.limit ?? 0 });
    }
  };
  walk(root, origin[0], origin[1]);
  return out;
}

/** Whether two convex polygons overlap by more than `tol` (separating axis theorem). */
function _overlap(a: Pt[], b: Pt[], tol: number): boolean {
  for (const poly of [a, b]) {
    for (let i = 0; i < poly.length; i++) {
      const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % poly.length];
      const nx = y1 - y2, ny = x2 - x1, len = Math.hypot(nx, ny) || 1;
      const proj = (p: Pt[]) => p.map(([x, y]) => (x * nx + y * ny) / len);
      const pa = proj(a), pb = proj(b);
      if (Math.max(...pa) - tol <= Math.min(...pb) || Math.max(...pb) - tol <= Math.min(...pa)) return false;
    }
  }
  return true;
}

/** What is wrong with the texts of one figure (empty when nothing is). */
async function textProblems(spec: TopLevelSpec): Promise<string[]> {
  const view = await layoutView(spec);
  try {
    const svg = await view.toSVG();
    const [, w, h] = /width="([\d.]+)" height="([\d.]+)"/.exec(svg)!;
    const root = (view.scenegraph() as unknown as { root: _Mark }).root;
    const texts = drawnTexts(root, view.origin() as Pt);
    const problems: string[] = [];
    for (const t of texts) {
      if (t.fontSize < MIN_TEXT_PT) problems.push(`"${t.text}" is ${t.fontSize} pt`);
      if (t.text.includes("…")) problems.push(`"${t.text}" is ellipsised`);
      if (t.limit > 0 && textWidth(t.text, t.fontSize) >= t.limit) problems.push(`"${t.text}" is cut at ${t.limit}`);
      const out = t.corners.some(([x, y]) => x < -0.5 || y < -0.5 || x > Number(w) + 0.5 || y > Number(h) + 0.5);
      if (out) problems.push(`"${t.text}" runs outside the figure`);
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        if (_overlap(texts[i].corners, texts[j].corners, 0.3)) {
          problems.push(`"${texts[i].text}" overlaps "${texts[j].text}"`);
        }
      }
    }
    return problems;
  } finally {
    view.finalize();
  }
}

for (const [name, fig] of Object.entries(FIGURES)) {
  Deno.test(`${name}: no text overlaps another, is cut or is below 6 pt at ${fig.size} size`, async () => {
    const spec = fig.build({ paper, dataset }, fig.size);
    assert(spec !== null);
    assertEquals(await textProblems(await fitSpec(spec, fig.size)), []);
  });
}

Deno.test("the layout check finds overlapping, cut and tiny text", async () => {
  const spec: TopLevelSpec = {
    width: 100,
    height: 50,
    data: { values: [{ x: 1, t: "first label" }, { x: 1.05, t: "second label" }] },
    layer: [
      {
        mark: { type: "text", fontSize: 7 },
        encoding: { x: { field: "x", type: "quantitative" }, text: { field: "t" } },
      },
      { mark: { type: "text", fontSize: 4, limit: 20, dy: 20 }, encoding: { text: { value: "a long cut label" } } },
    ],
  };
  const problems = await textProblems(spec);
  assert(problems.some((p) => p.includes('"first label" overlaps "second label"')), problems.join("\n"));
  assert(problems.some((p) => p.includes("is 4 pt")) && problems.some((p) => p.includes("cut")), problems.join("\n"));
});
