/**
 * Vega's scenegraph flattened for tests: every drawn item with its mark type, role, text and
 * bounding box in figure coordinates (group offsets added), from a laid-out view.
 */
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
  const walk = (mark: _Mark, ox: number, oy: number) => {
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
