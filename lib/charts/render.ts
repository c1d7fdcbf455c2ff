import * as vega from "vega";
import * as vl from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { Resvg } from "@resvg/resvg-js";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import { paperTheme } from "./theme.ts";

/**
 * Compile a Vega-Lite spec with the paper theme and render it to SVG text.
 * Rendering is headless (no canvas, no randomness), so the same spec gives
 * byte-identical SVG every time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "./render.ts";
 * const spec = { data: { values: [{ x: 1, y: 2 }] }, mark: "point", encoding: { x: { field: "x", type: "quantitative" } } };
 * const svg = await renderSvg(spec as never);
 * assert(svg.startsWith("<svg") && svg === await renderSvg(spec as never));
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const themed = { ...spec, config: { ...paperTheme(), ...(spec.config ?? {}) } } as TopLevelSpec;
  const view = new vega.View(vega.parse(vl.compile(themed).spec), { renderer: "none" });
  try {
    return _renumberIds(await view.toSVG());
  } finally {
    view.finalize();
  }
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
 * Rasterise SVG to PNG at `scale` × its size (2 by default, for print and retina screens).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPng } from "./render.ts";
 * const png = renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
 * assert(png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47); // "PNG"
 * ```
 */
export function renderPng(svg: string, scale = 2): Uint8Array {
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    background: "white",
  });
  return r.render().asPng();
}

/**
 * Convert SVG to a one-page vector PDF of the same size (fonts mapped to Helvetica),
 * with a fixed creation date so the file depends only on the figure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPdf } from "./render.ts";
 * const pdf = await renderPdf('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
 * assert(new TextDecoder().decode(pdf.slice(0, 5)) === "%PDF-");
 * ```
 */
export async function renderPdf(svg: string): Promise<Uint8Array> {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  const size: [number, number] = m ? [Number(m[1]), Number(m[2])] : [600, 400];
  const doc = new PDFDocument({ size, margin: 0, info: { CreationDate: new Date(0), Producer: "bsa-lab" } });
  const chunks: Uint8Array[] = [];
  doc.on("data", (c: Uint8Array) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on("end", () => resolve()));
  SVGtoPDF(doc, svg, 0, 0, {
    assumePt: true,
    fontCallback: (_family: string, bold: boolean) => (bold ? "Helvetica-Bold" : "Helvetica"),
  });
  doc.end();
  await done;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) (out.set(c, o), o += c.length);
  return out;
}
