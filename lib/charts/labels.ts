import { textWidth } from "./font.ts";

/** A point to label, in data units, with the radius of its marker in points. */
export interface LabelPoint {
  x: number;
  y: number;
  text: string;
  /** Marker radius in points (what the label must not cover). */
  r?: number;
  /** Put the label here (data units, vertical middle) instead of searching; placed before the others. */
  fixed?: { lx: number; ly: number; align: "left" | "right" | "center" };
}

/** Where a label goes: its anchor in data units, its alignment, and whether a leader line is drawn to it. */
export interface PlacedLabel {
  text: string;
  /** The labelled point, in data units. */
  x: number;
  y: number;
  /** The label's anchor (vertically its middle), in data units. */
  lx: number;
  ly: number;
  align: "left" | "right" | "center";
  leader: boolean;
  /** False when no free place was found (the label is then at its first candidate, overlapping). */
  placed: boolean;
  /** Where the leader line ends (the label's near side), in data units. */
  ex: number;
  ey: number;
}

/** The plot the labels live in: its size in points and the data domains of its axes. */
export interface LabelFrame {
  width: number;
  height: number;
  xDomain: [number, number];
  yDomain: [number, number];
  fontSize: number;
  /** Boxes (in points, y down) labels must stay out of, such as a legend drawn inside the plot. */
  avoid?: Box[];
}

/** An axis-aligned box in points, y pointing down. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function _hits(a: Box, b: Box, pad: number): boolean {
  return a.x1 < b.x2 + pad && b.x1 < a.x2 + pad && a.y1 < b.y2 + pad && b.y1 < a.y2 + pad;
}

/** Whether the segment p–q passes through box b (Liang–Barsky clipping). */
function _crosses(px: number, py: number, qx: number, qy: number, b: Box): boolean {
  let t0 = 0, t1 = 1;
  const dx = qx - px, dy = qy - py;
  const edges: [number, number][] = [[-dx, px - b.x1], [dx, b.x2 - px], [-dy, py - b.y1], [dy, b.y2 - py]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

/**
 * Place one label per point so that no two labels overlap, no label covers a marker or leaves
 * the plot, and leader lines cross no label: each label takes the first free position of a
 * fixed list, next to its point (right, left, above, below, diagonals) and then further out
 * every 15° with a leader line. Crowded points are placed first. Deterministic.
 *
 * @param points The points, in plot coordinates, with their labels and marker sizes.
 * @param frame The plot's size and the label font.
 * @returns Each label's position, anchor and leader line (if any).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeLabels } from "./labels.ts";
 * const frame = { width: 200, height: 100, xDomain: [0, 100] as [number, number], yDomain: [0, 50] as [number, number], fontSize: 7 };
 * const placed = placeLabels([{ x: 50, y: 25, text: "A" }, { x: 51, y: 25, text: "B" }], frame);
 * assert(placed.length === 2 && (placed[0].lx !== placed[1].lx || placed[0].ly !== placed[1].ly));
 * ```
 */
export function placeLabels(points: LabelPoint[], frame: LabelFrame): PlacedLabel[] {
  const { width: W, height: H, xDomain: [x0, x1], yDomain: [y0, y1], fontSize } = frame;
  const toPx = (x: number) => ((x - x0) / (x1 - x0)) * W;
  const toPy = (y: number) => H - ((y - y0) / (y1 - y0)) * H;
  const fromPx = (px: number) => x0 + (px / W) * (x1 - x0);
  const fromPy = (py: number) => y0 + ((H - py) / H) * (y1 - y0);
  const pts = points.map((p) => ({ ...p, px: toPx(p.x), py: toPy(p.y), r: p.r ?? 3 }));
  const markers: Box[] = pts.map((p) => ({ x1: p.px - p.r, y1: p.py - p.r, x2: p.px + p.r, y2: p.py + p.r }));
  const taken: Box[] = [...(frame.avoid ?? [])];
  const leaders: [number, number, number, number][] = [];
  const h = fontSize;
  const crowd = (i: number) =>
    pts.filter((q, j) => j !== i && Math.hypot(q.px - pts[i].px, q.py - pts[i].py) < 40).length;
  const order = pts.map((_, i) => i).sort((a, b) =>
    Number(!!pts[b].fixed) - Number(!!pts[a].fixed) || crowd(b) - crowd(a) || a - b
  );
  const out: PlacedLabel[] = new Array(pts.length);
  for (const i of order) {
    const p = pts[i];
    const w = textWidth(p.text, fontSize);
    const d = p.r + 1.5;
    type Cand = { ax: number; ay: number; align: PlacedLabel["align"]; leader: boolean; ex?: number; ey?: number };
    const cands: Cand[] = p.fixed
      ? [{ ax: toPx(p.fixed.lx), ay: toPy(p.fixed.ly), align: p.fixed.align, leader: false }]
      : [
        { ax: p.px + d, ay: p.py, align: "left", leader: false },
        { ax: p.px - d, ay: p.py, align: "right", leader: false },
        { ax: p.px, ay: p.py - d - h / 2, align: "center", leader: false },
        { ax: p.px, ay: p.py + d + h / 2, align: "center", leader: false },
        { ax: p.px + d * 0.7, ay: p.py - d * 0.7 - h / 2, align: "left", leader: false },
        { ax: p.px + d * 0.7, ay: p.py + d * 0.7 + h / 2, align: "left", leader: false },
        { ax: p.px - d * 0.7, ay: p.py - d * 0.7 - h / 2, align: "right", leader: false },
        { ax: p.px - d * 0.7, ay: p.py + d * 0.7 + h / 2, align: "right", leader: false },
      ];
    for (const dist of p.fixed ? [] : [12, 18, 26, 34, 44, 56, 70, 86, 104, 124, 146, 170, 200, 230]) {
      for (
        const deg of [
          0,
          180,
          15,
          -15,
          165,
          -165,
          30,
          -30,
          150,
          -150,
          45,
          -45,
          135,
          -135,
          60,
          -60,
          120,
          -120,
          75,
          -75,
          105,
          -105,
          90,
          -90,
        ]
      ) {
        const c = Math.cos((deg * Math.PI) / 180), s = Math.sin((deg * Math.PI) / 180);
        const align = c > 0.2 ? "left" : c < -0.2 ? "right" : "center";
        const ay = p.py - (p.r + dist) * s - (align === "center" ? Math.sign(s) * h / 2 : 0);
        cands.push({ ax: p.px + (p.r + dist) * c, ay, align, leader: true });
      }
    }
    const boxOf = (c: Cand): Box => {
      const left = c.align === "left" ? c.ax : c.align === "right" ? c.ax - w : c.ax - w / 2;
      return { x1: left, y1: c.ay - h / 2, x2: left + w, y2: c.ay + h / 2 };
    };
    let chosen: Cand | undefined;
    for (const c of cands) {
      const b = boxOf(c);
      if (b.x1 < 1 || b.y1 < 1 || b.x2 > W - 1 || b.y2 > H - 1) continue;
      if (taken.some((t) => _hits(b, t, 1.5))) continue;
      if (!p.fixed && markers.some((m, j) => _hits(b, m, j === i ? 0.5 : 1))) continue;
      if (leaders.some(([ax, ay, bx, by]) => _crosses(ax, ay, bx, by, b))) continue;
      if (c.leader) {
        // The leader runs from the marker's edge to the label's nearest side.
        const ex = c.align === "left" ? b.x1 : c.align === "right" ? b.x2 : c.ax;
        const ey = c.align === "center" ? (c.ay < p.py ? b.y2 : b.y1) : c.ay;
        // A leader may pass over a marker (points sit on top of each other in a dense cluster), never over a label.
        const blocked = taken.some((t) => _crosses(p.px, p.py, ex, ey, t));
        if (blocked) continue;
        leaders.push([p.px, p.py, ex, ey]);
        c.ex = ex;
        c.ey = ey;
      }
      chosen = c;
      taken.push(b);
      break;
    }
    const c = chosen ?? cands[0];
    out[i] = {
      text: p.text,
      x: p.x,
      y: p.y,
      lx: fromPx(c.ax),
      ly: fromPy(c.ay),
      align: c.align,
      leader: c.leader,
      placed: chosen !== undefined,
      ex: fromPx(c.ex ?? c.ax),
      ey: fromPy(c.ey ?? c.ay),
    };
  }
  return out;
}
