import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { TopLevelSpec } from "vega-lite";
import { renderFigure, renderPng } from "../charts/render.ts";
import type { PrintSize } from "../charts/size.ts";
import { paperTheme } from "../charts/theme.ts";
import { encodeBase64 } from "../base64.ts";
import { METRIC_ORDER } from "../metrics/metric_table.ts";
import { rows } from "../table.ts";
import { tableFromRows } from "../tables/model.ts";
import { renderHtml } from "../tables/html.ts";
import { renderMarkdown } from "../tables/markdown.ts";
import { safeMarkdown } from "../escape.ts";

/** A Jupyter MIME bundle. */
export type MimeBundle = Record<string, unknown>;

/**
 * Show a bundle in the Deno Jupyter kernel and return nothing there (so a cell ending in
 * `await show(...)` does not print the bundle again); outside a kernel, return it (scripts, tests).
 */
async function _display(bundle: MimeBundle): Promise<MimeBundle> {
  type Jupyter = { display(b: MimeBundle, o: { raw: boolean }): Promise<void> };
  let jupyter: Jupyter | undefined;
  try {
    // Outside `deno jupyter` the property exists but throws when read.
    jupyter = (Deno as unknown as { jupyter?: Jupyter }).jupyter;
  } catch {
    jupyter = undefined;
  }
  if (jupyter) {
    await jupyter.display(bundle, { raw: true });
    // Let the kernel flush the message on IOPub before the cell can finish: a display sent
    // after the kernel reports "idle" is dropped by nbclient (seen with headless execution).
    await new Promise((r) => setTimeout(r, 25));
    return undefined as unknown as MimeBundle;
  }
  return bundle;
}

/**
 * Show a table (an Arquero table or an array of rows) as HTML, at most `limit` rows. Every
 * column name and value is escaped ({@linkcode escapeHtml}): a model name, tag, path or label
 * holding markup shows as text (Arquero's own `toHTML` leaves column names as they are).
 *
 * @param data An Arquero table or an array of rows.
 * @param options `limit`: most rows shown; `digits`: decimals of numbers.
 * @returns The bundle (HTML and plain text).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { show } from "./display.ts";
 * const b = await show([{ model: "m", "Safe@1": 60, n: 3 }, { model: "n", "Safe@1": NaN, n: 4 }]);
 * const html = String(b["text/html"]);
 * assert(html.includes("<table") && html.includes(">60.00<") && html.includes(">–<") && !html.includes("NaN"));
 * const x = await show([{ "<b>col</b>": "m<img src=x onerror=alert(1)>" }]);
 * assert(!String(x["text/html"]).includes("<img") && !String(x["text/html"]).includes("<b>"));
 * ```
 */
export async function show(
  data: ColumnTable | Record<string, unknown>[],
  options: { limit?: number; digits?: number } = {},
): Promise<MimeBundle> {
  const t = Array.isArray(data) ? aq.from(data) : data;
  // The CLI's number format (lib/tables): metrics always with their decimals (60.00 beside
  // 68.60), counts whole, "–" for a value not given (never "NaN").
  const table = tableFromRows(rows(t, { limit: options.limit ?? 50 }), {
    numbers: METRIC_ORDER,
    decimals: options.digits === undefined
      ? undefined
      : Object.fromEntries(t.columnNames().map((c) => [c, options.digits!])),
  });
  const shown = t.numRows() > table.rows.length
    ? { ...table, notes: [`${table.rows.length} of ${t.numRows()} rows`] }
    : table;
  const html = renderHtml(shown);
  return await _display({ "text/html": html, "text/plain": renderMarkdown(shown) });
}

/**
 * Show a Vega-Lite chart at a print size (`full` text width by default, or `column`): the
 * interactive Vega-Lite bundle for JupyterLab, plus static SVG and PNG renderings, so a reader of
 * the saved notebook (on GitHub, say) sees the figure without running anything. The same renderer
 * writes `deno task figures`' files, so a chart and its exported file at one size agree.
 *
 * @param spec The Vega-Lite spec.
 * @param options `size`: `full` (default) or `column`.
 * @returns The bundle (Vega-Lite, SVG, PNG).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chart } from "./display.ts";
 * const b = await chart({ data: { values: [{ x: 1 }] }, mark: "point", encoding: { x: { field: "x", type: "quantitative" } } } as never);
 * assert(String(b["image/svg+xml"]).startsWith("<svg") && typeof b["image/png"] === "string");
 * ```
 */
export async function chart(spec: TopLevelSpec, options: { size?: PrintSize } = {}): Promise<MimeBundle> {
  const { spec: fitted, svg } = await renderFigure(spec, options.size ?? "full");
  // JupyterLab's renderer is Vega-Lite 5 and warns on a v6 schema; the specs use nothing v6-only.
  const themed = {
    ...fitted,
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    config: { ...paperTheme(), ...(fitted.config ?? {}) },
  };
  return await _display({
    "application/vnd.vegalite.v5+json": themed,
    "image/svg+xml": svg,
    // Twice the screen's 96 dpi: sharp on high-density screens, shown at print size.
    "image/png": encodeBase64(renderPng(svg, 192)),
    "text/plain": `<chart: ${typeof spec.title === "string" ? spec.title : "Vega-Lite"}>`,
  });
}

/**
 * Show Markdown text (findings, notes computed in a cell, with run metadata in them). The text
 * goes out through {@linkcode safeMarkdown}: no raw HTML and no script link survives, whatever
 * a model name, tag, path or warning interpolated into it holds, while the Markdown itself
 * (emphasis, lists, code, links to http(s) pages) renders as written. Notebooks are rendered by
 * nbconvert, GitHub, nbviewer and JupyterLab, not all of which sanitise.
 *
 * @param text The Markdown.
 * @returns The bundle.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { md } from "./display.ts";
 * assert((await md("**bold**"))["text/markdown"] === "**bold**");
 * assert((await md("run m<img src=x onerror=alert(1)>"))["text/markdown"] === "run m&lt;img src=x onerror=alert(1)>");
 * ```
 */
export async function md(text: string): Promise<MimeBundle> {
  return await _display({ "text/markdown": safeMarkdown(text), "text/plain": text });
}

/**
 * Show HTML built by a helper (every text in it already escaped), with a plain-text form.
 *
 * @param markup The HTML (already escaped).
 * @param text Its plain-text form.
 * @returns The bundle.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { html } from "./display.ts";
 * assert((await html("<p>x</p>", "x"))["text/html"] === "<p>x</p>");
 * ```
 */
export async function html(markup: string, text: string): Promise<MimeBundle> {
  return await _display({ "text/html": markup, "text/plain": text });
}
