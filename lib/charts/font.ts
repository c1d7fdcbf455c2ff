import { createRequire } from "node:module";
import { Buffer } from "node:buffer";
import * as fontkit from "fontkit";
import * as vega from "vega";
// Importing the package's manifest makes Deno fetch the package, so its font files are on disk.
import fontPackage from "dejavu-fonts-ttf/package.json" with { type: "json" };

/**
 * The one font of every figure: DejaVu Sans, from the npm package `dejavu-fonts-ttf` (pinned in
 * deno.json). SVG names it, PNG rendering loads its files (no system fonts) and PDFs embed a
 * subset of it, so a figure looks the same in every format and on every machine, and every glyph
 * the figures use (− → ◇ ○ ↓ ±) exists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FONT_FAMILY } from "./font.ts";
 * assert(FONT_FAMILY === "DejaVu Sans");
 * ```
 */
export const FONT_FAMILY = "DejaVu Sans";

/**
 * Where the font comes from, as `package@version` (printed in the README and `bsa figures --help`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FONT_SOURCE } from "./font.ts";
 * assert(FONT_SOURCE.startsWith("dejavu-fonts-ttf@2."));
 * ```
 */
export const FONT_SOURCE = `dejavu-fonts-ttf@${(fontPackage as { version: string }).version}`;

/** The two weights the figures use. */
export type FontWeight = "normal" | "bold";

/**
 * Paths of the shipped TTF files, by weight.
 *
 * @returns The TTF path of each weight.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fontFiles } from "./font.ts";
 * assert(fontFiles().bold.endsWith("DejaVuSans-Bold.ttf"));
 * ```
 */
export function fontFiles(): Record<FontWeight, string> {
  const require = createRequire(import.meta.url);
  return {
    normal: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
    bold: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
  };
}

interface _Font {
  unitsPerEm: number;
  layout(text: string): { advanceWidth: number };
}

let _fonts: Record<FontWeight, _Font> | undefined;
let _bytes: Record<FontWeight, Uint8Array> | undefined;

/**
 * The TTF bytes of each weight (read once).
 *
 * @returns The TTF bytes of each weight.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fontBytes } from "./font.ts";
 * assert(fontBytes().normal.length > 100_000);
 * ```
 */
export function fontBytes(): Record<FontWeight, Uint8Array> {
  if (!_bytes) {
    const f = fontFiles();
    _bytes = { normal: Deno.readFileSync(f.normal), bold: Deno.readFileSync(f.bold) };
  }
  return _bytes;
}

function _font(weight: FontWeight): _Font {
  if (!_fonts) {
    const b = fontBytes();
    _fonts = {
      normal: fontkit.create(Buffer.from(b.normal)) as unknown as _Font,
      bold: fontkit.create(Buffer.from(b.bold)) as unknown as _Font,
    };
  }
  return _fonts[weight];
}

const _widths = new Map<string, number>();

/**
 * Width of `text` in the shipped font at `fontSize` (kerning applied, as the renderers do).
 *
 * @param text The text.
 * @param fontSize The font size in points.
 * @param weight `normal` (default) or `bold`.
 * @returns The width in points.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textWidth } from "./font.ts";
 * assert(textWidth("Safe@1", 10, "bold") > textWidth("Safe@1", 10) && textWidth("", 10) === 0);
 * ```
 */
export function textWidth(text: string, fontSize: number, weight: FontWeight = "normal"): number {
  const key = `${weight}|${text}`;
  let em = _widths.get(key);
  if (em === undefined) {
    const f = _font(weight);
    em = f.layout(text).advanceWidth / f.unitsPerEm;
    _widths.set(key, em);
  }
  return em * fontSize;
}

/** Whether a Vega text item is drawn bold (Vega accepts names and numeric weights). */
function _isBold(weight: unknown): boolean {
  return weight === "bold" || weight === "bolder" || (Number(weight) >= 600);
}

let _installed = false;

/**
 * Make Vega measure text with the shipped font. Vega lays out labels, legends and titles from
 * text widths; headless it would guess 0.8 em per character, so labels would be cut or collide.
 * Called by the renderer before any figure is laid out; idempotent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as vega from "vega";
 * import { useShippedFontMetrics, textWidth } from "./font.ts";
 * useShippedFontMetrics();
 * const metrics = (vega as unknown as { textMetrics: { width(item: object, text: string): number } }).textMetrics;
 * assert(metrics.width({ fontSize: 10 }, "Think@1") === textWidth("Think@1", 10));
 * ```
 */
export function useShippedFontMetrics(): void {
  if (_installed) return;
  _installed = true;
  // vega-typings does not declare textMetrics, Vega's documented hook for text measurement.
  const metrics = (vega as unknown as { textMetrics: { width: (item: unknown, text: unknown) => number } })
    .textMetrics;
  metrics.width = (item: unknown, text: unknown): number => {
    const it = item as { fontSize?: number; fontWeight?: unknown };
    const size = it.fontSize != null ? Number(it.fontSize) || 0 : 11;
    const s = text == null ? "" : String(text).trim();
    return size <= 0 || !s ? 0 : textWidth(s, size, _isBold(it.fontWeight) ? "bold" : "normal");
  };
}
