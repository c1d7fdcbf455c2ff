import * as vega from "vega";
import * as vl from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { Resvg } from "@resvg/resvg-js";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import { Buffer } from "node:buffer";
import { FONT_FAMILY, fontBytes, fontFiles, useShippedFontMetrics } from "./font.ts";
import { fitToWidth, PRINT_WIDTH_PT, type PrintSize } from "./size.ts";
import { paperTheme } from "./theme.ts";

/** The spec with the paper theme under its own config. */
function _themed(spec: TopLevelSpec): TopLevelSpec {
  return { ...spec, config: { ...paperTheme(), ...(spec.config ?? {}) } };
}

/**
 * Lay out a Vega-Lite spec (paper theme, shipped font metrics) and return its Vega view, which the
 * caller must `finalize()`. Tests read the scenegraph from it.
 *
 * @param spec The Vega-Lite spec.
 * @returns The laid-out Vega view (call `finalize()` when done).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layoutView } from "./render.ts";
 * const view = await layoutView({ data: { values: [{ x: 1 }] }, mark: "point", encoding: { x: { field: "x", type: "quantitative" } } });
 * assert(view.width() > 0);
 * view.finalize();
 * ```
 */
export async function layoutView(spec: TopLevelSpec): Promise<vega.View> {
  useShippedFontMetrics();
  const view = new vega.View(vega.parse(vl.compile(_themed(spec)).spec), { renderer: "none" });
  await view.runAsync();
  return view;
}

/** Rendered SVG of a spec, with Vega's units as in Vega's own output. */
async function _svg(spec: TopLevelSpec): Promise<string> {
  const view = await layoutView(spec);
  try {
    return _renumberIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

function _size(svg: string): [number, number] {
  const m = /^<svg[^>]*?\swidth="([\d.]+)(?:pt)?"[^>]*?\sheight="([\d.]+)(?:pt)?"/.exec(svg);
  return m ? [Number(m[1]), Number(m[2])] : [600, 400];
}

/**
 * Fit a spec to a print size (see {@linkcode fitToWidth}): the spec that `renderSvg` then draws at
 * exactly that width (what the view's steps leave over goes into the right padding; a figure whose
 * text cannot be that narrow stays as narrow as it can be, and `exportFigures` says so). Notebooks and `bsa figures` both draw the fitted spec, so they agree.
 *
 * @param spec The Vega-Lite spec.
 * @param size `column`, `full`, or a width in points.
 * @returns The fitted spec.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitSpec, renderSvg } from "./render.ts";
 * const spec = { width: 300, height: 200, data: { values: [{ x: 1, y: 2 }] }, mark: "point" as const,
 *   encoding: { x: { field: "x", type: "quantitative" as const }, y: { field: "y", type: "quantitative" as const } } };
 * const svg = await renderSvg(await fitSpec(spec, "column"));
 * assert(svg.includes('width="237.6pt"')); // exactly one column, 3.3 in
 * ```
 */
export async function fitSpec(spec: TopLevelSpec, size: PrintSize | number): Promise<TopLevelSpec> {
  const width = typeof size === "number" ? size : PRINT_WIDTH_PT[size];
  const theme = paperTheme();
  const title = theme.title ?? {};
  const measure = async (s: TopLevelSpec) => _size(await _svg(s))[0];
  const fitted = await fitToWidth(spec, width, measure, {
    titleSize: typeof title.fontSize === "number" ? title.fontSize : 9,
    subtitleSize: typeof title.subtitleFontSize === "number" ? title.subtitleFontSize : 7.5,
  });
  return await _padToWidth(fitted, width, measure);
}

/**
 * The view grows in steps (a facet's panels, whole-point layout), so the fitted figure can fall
 * short of the print width by a few points: add the rest to the right padding, so the figure is
 * exactly as wide as its print size (a paper's `width=\linewidth` then prints it at 1:1).
 */
async function _padToWidth(
  spec: TopLevelSpec,
  width: number,
  measure: (s: TopLevelSpec) => Promise<number>,
): Promise<TopLevelSpec> {
  const base = spec.padding ?? paperTheme().padding ?? 0;
  if (typeof base !== "number" && ("expr" in base || "signal" in base)) return spec; // computed: left alone
  const pad = typeof base === "number" ? { left: base, right: base, top: base, bottom: base } : { ...base };
  let out = spec;
  let got = await measure(out);
  // A little too wide (the fit stops within half a point): narrow the view until it fits.
  const viewOf = (s: TopLevelSpec) => {
    const o = s as unknown as Record<string, unknown>;
    return (_isObject(o.spec) ? o.spec : o) as { width?: unknown };
  };
  for (let i = 0; i < 4 && got > width && typeof viewOf(out).width === "number"; i++) {
    out = structuredClone(out);
    const v = viewOf(out) as { width: number };
    if (v.width <= 20) break;
    v.width = Math.floor(v.width - Math.max(0.5, got - width));
    const narrower = await measure(out);
    if (narrower >= got) return spec; // the width is not the view's to give: left as is
    got = narrower;
  }
  if (got > width) return out; // wider than asked even at its narrowest: the caller tells (figure width)
  for (let i = 0; i < 3 && Math.abs(got - width) >= 0.01; i++) {
    pad.right = (pad.right ?? 0) + (width - got);
    out = { ...out, padding: { ...pad } };
    got = await measure(out);
  }
  return out;
}

function _isObject(x: unknown): x is Record<string, unknown> {
  return x != null && typeof x === "object" && !Array.isArray(x);
}

/**
 * Compile a Vega-Lite spec with the paper theme and render it to SVG text in the shipped font
 * ({@linkcode FONT_FAMILY}), sized in points (`width="…pt"`) so it prints at its figure size.
 * Rendering is headless (no canvas, no randomness), so the same spec gives byte-identical SVG.
 *
 * @param spec The Vega-Lite spec.
 * @returns The SVG text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "./render.ts";
 * const spec = { data: { values: [{ x: 1, y: 2 }] }, mark: "point" as const, encoding: { x: { field: "x", type: "quantitative" as const } } };
 * const svg = await renderSvg(spec);
 * assert(svg.startsWith("<svg") && svg === await renderSvg(spec) && svg.includes("DejaVu Sans"));
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const svg = await _svg(spec);
  return svg.replace(/^(<svg[^>]*?\swidth="[\d.]+)("[^>]*?\sheight="[\d.]+)"/, '$1pt$2pt"');
}

/**
 * Vega numbers clip paths and gradients with a process-wide counter, so the second figure
 * of a process would get other ids than a fresh one. Renumber them per SVG, in order of
 * appearance, so the same spec always gives the same bytes.
 */
function _renumberIds(svg: string): string {
  const map = new Map<string, string>();
  const counters = new Map<string, number>();
  return svg.replace(/\b(clip|gradient_?|pattern_?)(\d+)\b/g, (whole, prefix: string) => {
    if (!map.has(whole)) {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      map.set(whole, `${prefix}${n}`);
    }
    return map.get(whole)!;
  });
}

/**
 * Rasterise SVG to PNG at `dpi` dots per inch of its print size (300 by default), with the
 * shipped font only (system fonts are not loaded, so every machine draws the same pixels). The
 * PNG records its resolution (a pHYs chunk), so a word processor inserts it at its print size.
 *
 * @param svg The SVG text (sized in points).
 * @param dpi Dots per inch (default 300).
 * @returns The PNG bytes.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPng } from "./render.ts";
 * const png = renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="72pt" height="72pt" viewBox="0 0 72 72"><rect width="72" height="72"/></svg>', 150);
 * assert(png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47); // "PNG"
 * assert(new DataView(png.buffer).getUint32(16) === 150); // one inch wide at 150 dpi
 * const phys = new TextDecoder("latin1").decode(png).indexOf("pHYs");
 * assert(new DataView(png.buffer).getUint32(phys + 4) === Math.round(150 / 0.0254)); // 150 dpi, in pixels per metre
 * ```
 */
export function renderPng(svg: string, dpi = 300): Uint8Array {
  const f = fontFiles();
  const r = new Resvg(svg, {
    // resvg reads pt as 96/72 px: zoom from CSS pixels (96 per inch) to `dpi`.
    fitTo: { mode: "zoom", value: dpi / 96 },
    font: {
      loadSystemFonts: false,
      fontFiles: [f.normal, f.bold],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    background: "white",
  });
  return _withDpi(r.render().asPng(), dpi);
}

let _crcTable: Uint32Array | undefined;
function _crc32(bytes: Uint8Array): number {
  if (!_crcTable) {
    _crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      _crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = _crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Add a pHYs chunk (the resolution, in pixels per metre) after the header, so Word, Pages and
 * LaTeX place the PNG at its print size rather than at an assumed 72 or 96 dpi.
 */
function _withDpi(png: Uint8Array, dpi: number): Uint8Array {
  const ppm = Math.round(dpi / 0.0254);
  const chunk = new Uint8Array(4 + 4 + 9 + 4);
  const v = new DataView(chunk.buffer);
  v.setUint32(0, 9);
  chunk.set([0x70, 0x48, 0x59, 0x73], 4); // "pHYs"
  v.setUint32(8, ppm);
  v.setUint32(12, ppm);
  chunk[16] = 1; // unit: metre
  v.setUint32(17, _crc32(chunk.subarray(4, 17)));
  const ihdrEnd = 8 + 4 + 4 + 13 + 4;
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, ihdrEnd));
  out.set(chunk, ihdrEnd);
  out.set(png.subarray(ihdrEnd), ihdrEnd + chunk.length);
  return out;
}

/**
 * Convert SVG to a one-page vector PDF of its print size, with the shipped font embedded (as a
 * subset of the glyphs used) so every character survives, and a fixed creation date so the file
 * depends only on the figure.
 *
 * @param svg The SVG text (sized in points).
 * @returns The PDF bytes.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPdf } from "./render.ts";
 * const pdf = await renderPdf('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text y="8" font-family="DejaVu Sans">−→</text></svg>');
 * const text = new TextDecoder("latin1").decode(pdf);
 * assert(text.startsWith("%PDF-") && text.includes("/FontFile2") && text.includes("DejaVuSans"));
 * ```
 */
export async function renderPdf(svg: string): Promise<Uint8Array> {
  const [width, height] = _size(svg);
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    autoFirstPage: true,
    info: { CreationDate: new Date(0), Producer: "bsa-lab" },
  });
  const bytes = fontBytes();
  doc.registerFont("shipped", Buffer.from(bytes.normal));
  doc.registerFont("shipped-bold", Buffer.from(bytes.bold));
  const chunks: Uint8Array[] = [];
  doc.on("data", (c: Uint8Array) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on("end", () => resolve()));
  // svg-to-pdfkit reads "pt" as 96/72 of its unit while `assumePt` makes its unit one point:
  // give it the unitless size, so one SVG unit is one point as in the PNG.
  SVGtoPDF(doc, svg.replace(/^(<svg[^>]*?\swidth="[\d.]+)pt("[^>]*?\sheight="[\d.]+)pt"/, '$1$2"'), 0, 0, {
    width,
    height,
    assumePt: true,
    fontCallback: (_family: string, bold: boolean) => (bold ? "shipped-bold" : "shipped"),
  });
  doc.end();
  await done;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) (out.set(c, o), o += c.length);
  return out;
}

/**
 * Fit a spec to a print size and render it: the fitted spec and its SVG.
 *
 * @param spec The Vega-Lite spec.
 * @param size `column`, `full`, or a width in points.
 * @returns The fitted spec and its SVG.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderFigure } from "./render.ts";
 * const { svg } = await renderFigure({ width: 100, height: 60, data: { values: [{ x: 1 }] }, mark: "point", encoding: { x: { field: "x", type: "quantitative" } } }, "full");
 * assert(svg.includes('pt"'));
 * ```
 */
export async function renderFigure(
  spec: TopLevelSpec,
  size: PrintSize | number,
): Promise<{ spec: TopLevelSpec; svg: string }> {
  const fitted = await fitSpec(spec, size);
  return { spec: fitted, svg: await renderSvg(fitted) };
}
