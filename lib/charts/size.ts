import type { TopLevelSpec } from "vega-lite";
import { textWidth } from "./font.ts";

/** The two print sizes of a paper figure: one column, or the full text width. */
export type PrintSize = "column" | "full";

/**
 * Width of each print size in points (1 figure unit = 1 pt): a single column is 3.3 in, the full
 * text width 7 in (the widest text block of the usual two-column templates).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRINT_WIDTH_PT } from "./size.ts";
 * assert(PRINT_WIDTH_PT.column === 3.3 * 72 && PRINT_WIDTH_PT.full === 7 * 72);
 * ```
 */
export const PRINT_WIDTH_PT: Record<PrintSize, number> = { column: 3.3 * 72, full: 7 * 72 };

/**
 * The smallest text a figure may print, in points.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MIN_TEXT_PT } from "./size.ts";
 * assert(MIN_TEXT_PT === 6);
 * ```
 */
export const MIN_TEXT_PT = 6;

/**
 * Parse a `--size` value.
 *
 * @param s The value given.
 * @returns True for `column` or `full`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPrintSize } from "./size.ts";
 * assert(isPrintSize("column") && !isPrintSize("a4"));
 * ```
 */
export function isPrintSize(s: unknown): s is PrintSize {
  return s === "column" || s === "full";
}

/**
 * Break `text` into lines no wider than `width` at `fontSize` in the shipped font.
 *
 * @param text The text to wrap.
 * @param width The widest a line may be, in points.
 * @param fontSize The font size in points.
 * @param bold Whether the text is bold (default false).
 * @returns The lines.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrapText } from "./size.ts";
 * assert.deepEqual(wrapText("a b", 100, 8), ["a b"]);
 * assert(wrapText("many words that will not fit on one short line", 60, 8).length > 2);
 * ```
 */
export function wrapText(text: string, width: number, fontSize: number, bold = false): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize, bold ? "bold" : "normal") > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
type _Obj = Record<string, unknown>;
function _isObj(x: unknown): x is _Obj {
  return x != null && typeof x === "object" && !Array.isArray(x);
}

/** Where a spec keeps the size of one view: the top level, or the facet's inner spec. */
function _view(s: _Obj): _Obj {
  return _isObj(s.spec) ? s.spec : s;
}

/**
 * Wrap the title and subtitle to the print width, so a long title adds lines, never width.
 * The theme's sizes are passed in so the wrapping measures what Vega draws.
 */
function _wrapTitle(s: _Obj, width: number, titleSize: number, subtitleSize: number): void {
  const t = s.title;
  if (typeof t === "string") s.title = { text: wrapText(t, width, titleSize, true) };
  else if (_isObj(t)) {
    const o = t;
    if (typeof o.text === "string") o.text = wrapText(o.text, width, titleSize, true);
    if (typeof o.subtitle === "string") o.subtitle = wrapText(o.subtitle, width, subtitleSize);
  }
}

/**
 * Return a copy of `spec` whose rendered width is `width` points: the title is wrapped to the
 * width, and the view (or each facet panel) is resized, its height in proportion, so that axes,
 * legends and panels together fill the width. `measure` renders a spec and returns its width;
 * trial layouts give how the total width grows with the view's (1 for one view, the number of
 * columns for a facet), and the view width is solved for (never wider than `width` when a
 * narrower trial fitted).
 *
 * @param spec The Vega-Lite spec.
 * @param width The target width in points.
 * @param measure Renders a spec and returns its width in points.
 * @param text The title and subtitle font sizes, for wrapping them.
 * @returns The fitted copy of `spec`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitToWidth } from "./size.ts";
 * // A fake layout: 40 pt of axis plus three panels.
 * const measure = (s: { spec: { width: number } }) => Promise.resolve(40 + 3 * s.spec.width);
 * const fitted = await fitToWidth({ facet: { field: "f" }, spec: { width: 100, height: 50, mark: "bar" } } as never, 340, measure as never);
 * assert.deepEqual([(fitted as any).spec.width, (fitted as any).spec.height], [100, 50]);
 * ```
 */
export async function fitToWidth(
  spec: TopLevelSpec,
  width: number,
  measure: (s: TopLevelSpec) => Promise<number>,
  text: { titleSize: number; subtitleSize: number } = { titleSize: 9, subtitleSize: 7.5 },
): Promise<TopLevelSpec> {
  const out: TopLevelSpec = structuredClone(spec);
  const s: unknown = out;
  if (!_isObj(s)) return out;
  // The figure's padding (4 pt a side in the theme) is inside the width.
  _wrapTitle(s, width - 10, text.titleSize, text.subtitleSize);
  const view = _view(s);
  if (typeof view.width !== "number") return out;
  const w0 = view.width, h0 = view.height;
  // Secant steps on total(view width) = width; the total is piecewise linear (axes, headers and
  // legends add a fixed margin, panels add their width), so a few steps settle on it.
  const at = async (w: number) => {
    view.width = w;
    if (typeof h0 === "number") view.height = Math.round((h0 * w) / w0);
    return await measure(out);
  };
  let wa = w0, ta = await at(wa);
  let wb = w0 + 20, tb = await at(wb);
  let best = tb <= width ? wb : ta <= width ? wa : Number.NaN;
  for (let i = 0; i < 6 && Math.abs(tb - width) > 0.5; i++) {
    const slope = Math.max((tb - ta) / (wb - wa), 0.5);
    const next = Math.max(10, Math.floor((wb + (width - tb) / slope) * 4) / 4);
    if (next === wb) break;
    [wa, ta] = [wb, tb];
    wb = next;
    tb = await at(wb);
    if (tb <= width && !(best >= wb)) best = wb;
  }
  if (tb > width && !Number.isNaN(best)) await at(best);
  return out;
}
