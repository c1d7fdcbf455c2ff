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
  /** Lines (in points, y down: x1, y1, x2, y2) no label may lie on, such as a fitted line; leaders may cross them. */
  lines?: [number, number, number, number][];
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

/**
 * Whether the segment p–q passes through box b (Liang–Barsky clipping): a label placed there
 * would be crossed by the line.
 *
 * @param px The segment's first end, x.
 * @param py The segment's first end, y.
 * @param qx The segment's other end, x.
 * @param qy The segment's other end, y.
 * @param b The box.
 * @returns True when some part of the segment lies in the box.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { segmentCrossesBox } from "./labels.ts";
 * const box = { x1: 0, y1: 0, x2: 10, y2: 10 };
 * assert(segmentCrossesBox(-5, 5, 15, 5, box) && !segmentCrossesBox(-5, 20, 15, 20, box));
 * ```
 */
export function segmentCrossesBox(px: number, py: number, qx: number, qy: number, b: Box): boolean {
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

/** Leader directions in degrees, every 7.5°, nearest the horizontal first (right before left). */
const _ANGLES: number[] = [0, 180].concat(
  Array.from({ length: 12 }, (_, i) => (i + 1) * 7.5).flatMap((a) => [a, -a, 180 - a, a - 180]),
);

/** Whether segments p1–p2 and q1–q2 cross (touching ends do not count). */
function _segmentsCross(a: [number, number, number, number], b: [number, number, number, number]): boolean {
  const [ax, ay, bx, by] = a, [cx, cy, dx, dy] = b;
  const d = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx);
  if (Math.abs(d) < 1e-9) return false;
  const t = ((cx - ax) * (dy - cy) - (cy - ay) * (dx - cx)) / d;
  const u = ((cx - ax) * (by - ay) - (cy - ay) * (bx - ax)) / d;
  return t > 1e-6 && t < 1 - 1e-6 && u > 1e-6 && u < 1 - 1e-6;
}

/**
 * Place one label per point so that no two labels overlap, no label covers a marker, lies on a
 * line of `frame.lines` or leaves the plot, leader lines cross no label and no other leader: each label takes the first free position of a
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
  const h = fontSize;
  const crowd = (i: number) =>
    pts.filter((q, j) => j !== i && Math.hypot(q.px - pts[i].px, q.py - pts[i].py) < 40).length;
  const byCrowd = pts.map((_, i) => i).sort((a, b) =>
    Number(!!pts[b].fixed) - Number(!!pts[a].fixed) || crowd(b) - crowd(a) || a - b
  );
  // A dense cluster can leave a label no place in one order and fit in another: try crowded
  // first, then top to bottom and bottom to top (fixed labels first in each), and keep the
  // order that names the most points, then the one with the shortest leaders.
  const fixedFirst = (a: number, b: number) => Number(!!pts[b].fixed) - Number(!!pts[a].fixed);
  const orders = [
    byCrowd,
    [...byCrowd].sort((a, b) => fixedFirst(a, b) || pts[a].py - pts[b].py || a - b),
    [...byCrowd].sort((a, b) => fixedFirst(a, b) || pts[b].py - pts[a].py || a - b),
  ];
  const score = (o: PlacedLabel[]) => [
    o.filter((l) => !l.placed).length,
    o.reduce((n, l) => n + (l.leader ? Math.hypot(toPx(l.ex) - toPx(l.x), toPy(l.ey) - toPy(l.y)) : 0), 0),
  ];
  let best: PlacedLabel[] | undefined, bestScore = [Infinity, Infinity], bestOrder: number[] = byCrowd;
  const tryOrder = (order: number[]) => {
    const o = _placeInOrder(order);
    const sc = score(o);
    if (sc[0] < bestScore[0] || (sc[0] === bestScore[0] && sc[1] < bestScore[1] - 1e-9)) {
      [best, bestScore, bestOrder] = [o, sc, order];
    }
  };
  for (const order of orders) tryOrder(order);
  // Then, while a point is left unnamed, let each point in turn have the first pick (fixed labels
  // still first): a dense cluster often fits whole once the right label goes first.
  for (const k of byCrowd) {
    if (bestScore[0] === 0 || pts[k].fixed) continue;
    const fixed = byCrowd.filter((j) => pts[j].fixed);
    tryOrder([...fixed, k, ...bestOrder.filter((j) => j !== k && !pts[j].fixed)]);
  }
  return best!;

  function _placeInOrder(order: number[]): PlacedLabel[] {
    const taken: Box[] = [...(frame.avoid ?? [])];
    const leaders: [number, number, number, number][] = [];
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
        for (const deg of _ANGLES) {
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
        if (leaders.some(([ax, ay, bx, by]) => segmentCrossesBox(ax, ay, bx, by, b))) continue;
        const padded = { x1: b.x1 - 1, y1: b.y1 - 1, x2: b.x2 + 1, y2: b.y2 + 1 };
        if ((frame.lines ?? []).some(([ax, ay, bx, by]) => segmentCrossesBox(ax, ay, bx, by, padded))) continue;
        if (c.leader) {
          // The leader runs from the marker's edge to the label's nearest side.
          const ex = c.align === "left" ? b.x1 : c.align === "right" ? b.x2 : c.ax;
          const ey = c.align === "center" ? (c.ay < p.py ? b.y2 : b.y1) : c.ay;
          // A leader may pass over a marker (points sit on top of each other in a dense cluster), never over a label.
          const blocked = taken.some((t) => segmentCrossesBox(p.px, p.py, ex, ey, t)) ||
            leaders.some((l) => _segmentsCross(l, [p.px, p.py, ex, ey]));
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
}
