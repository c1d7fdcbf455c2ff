/**
 * Vega's scenegraph flattened for tests: every drawn item with its mark type, role, text and
 * bounding box in figure coordinates (group offsets added), from a laid-out view.
 */
import { segmentCrossesBox } from "../../lib/charts/labels.ts";
import type * as vega from "vega";

/** One drawn item. */
export interface SceneItem {
  marktype: string;
  /** The mark's role ("mark", "axis-title", "legend-label", …) and name (Vega-Lite's `layer_1_marks` …). */
  role: string;
  name: string;
  text?: string;
  fill?: string;
  shape?: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** The item's own datum (for marks drawn from data). */
  datum?: Record<string, unknown>;
  /** Which mark instance it belongs to (items of one line mark in a group are one path, in order). */
  mark: number;
  /** Its anchor (x, y) in figure coordinates, where it has one (a line's vertex, a text's anchor). */
  x?: number;
  y?: number;
}

interface _Item {
  x?: number;
  y?: number;
  text?: unknown;
  fill?: string;
  shape?: string;
  bounds?: { x1: number; y1: number; x2: number; y2: number };
  items?: _Mark[];
  datum?: Record<string, unknown>;
}
interface _Mark {
  marktype: string;
  role?: string;
  name?: string;
  items: _Item[];
}

/** Every item of a view's scenegraph (groups included), boxes in figure coordinates. */
export function sceneItems(view: vega.View): SceneItem[] {
  const out: SceneItem[] = [];
  let marks = 0;
  const walk = (mark: _Mark, ox: number, oy: number) => {
    const id = marks++;
    for (const it of mark.items ?? []) {
      const b = it.bounds;
      if (b && Number.isFinite(b.x1)) {
        out.push({
          marktype: mark.marktype,
          role: mark.role ?? "",
          name: mark.name ?? "",
          text: it.text == null ? undefined : Array.isArray(it.text) ? it.text.join(" ") : String(it.text),
          fill: it.fill,
          shape: it.shape,
          x1: b.x1 + ox,
          y1: b.y1 + oy,
          x2: b.x2 + ox,
          y2: b.y2 + oy,
          datum: it.datum,
          mark: id,
          ...(it.x != null && { x: it.x + ox }),
          ...(it.y != null && { y: it.y + oy }),
        });
      }
      if (mark.marktype === "group") {
        for (const m of it.items ?? []) walk(m, ox + (it.x ?? 0), oy + (it.y ?? 0));
      }
    }
  };
  walk((view.scenegraph() as unknown as { root: _Mark }).root, 0, 0);
  return out;
}

/** The segments of every line mark (consecutive vertices of one path), in figure coordinates. */
export function lineSegments(
  items: SceneItem[],
  keep: (i: SceneItem) => boolean = () => true,
): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  const lines = items.filter((i) => i.marktype === "line" && i.x != null && keep(i));
  for (let k = 1; k < lines.length; k++) {
    const a = lines[k - 1], b = lines[k];
    if (a.mark === b.mark) out.push([a.x!, a.y!, b.x!, b.y!]);
  }
  return out;
}

/** Whether segment (ax, ay)–(bx, by) passes through a box: the one test the label placer uses. */
export function segmentHitsBox(
  s: [number, number, number, number],
  b: { x1: number; y1: number; x2: number; y2: number },
): boolean {
  return segmentCrossesBox(s[0], s[1], s[2], s[3], b);
}

/** Whether two boxes overlap by more than `tol` points each way. */
export function overlaps(a: SceneItem, b: SceneItem, tol = 0.5): boolean {
  return a.x1 < b.x2 - tol && b.x1 < a.x2 - tol && a.y1 < b.y2 - tol && b.y1 < a.y2 - tol;
}

/** Run `fn` and return it with every console.warn / console.error / console.log line it printed. */
export async function captureConsole<T>(fn: () => Promise<T>): Promise<{ value: T; printed: string[] }> {
  const printed: string[] = [];
  const saved = { warn: console.warn, error: console.error, log: console.log };
  for (const k of ["warn", "error", "log"] as const) console[k] = (...a: unknown[]) => printed.push(a.join(" "));
  try {
    return { value: await fn(), printed };
  } finally {
    Object.assign(console, saved);
  }
}
