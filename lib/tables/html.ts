import { escapeHtml } from "../escape.ts";
import { bestRows, formatCell, type IntervalStyle, isNumeric, type Table } from "./model.ts";

/**
 * A table as an HTML `<table>` (for the report): numeric cells with class `num` (right-aligned
 * by the page's style), the title as `<caption>`, notes in a paragraph under it, every text escaped.
 *
 * @param table The table.
 * @param options `interval`: how interval cells are written; `boldBest`: best values in `<strong>`.
 * @returns The HTML fragment.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderHtml } from "./html.ts";
 * const html = renderHtml({ title: "T", columns: [{ key: "model", kind: "text" }, { key: "x", kind: "number" }], rows: [{ model: "<b>", x: NaN }] });
 * assert(html.includes("<caption>T</caption>") && html.includes("<td>&lt;b&gt;</td>") && html.includes('<td class="num">–</td>'));
 * ```
 */
export function renderHtml(table: Table, options: { interval?: IntervalStyle; boldBest?: boolean } = {}): string {
  const cols = table.columns;
  const best = cols.map((c) => (options.boldBest ? bestRows(table, c) : new Set<number>()));
  const cls = (i: number) => (isNumeric(cols[i]) ? ' class="num"' : "");
  const head = cols.map((c, i) => `<th${cls(i)}>${escapeHtml(c.label ?? c.key)}</th>`).join("");
  const body = table.rows.map((r, ri) =>
    `<tr>${
      cols.map((c, i) => {
        const text = escapeHtml(formatCell(c, r, options.interval));
        return `<td${cls(i)}>${best[i].has(ri) ? `<strong>${text}</strong>` : text}</td>`;
      }).join("")
    }</tr>`
  ).join("\n");
  const caption = table.title ? `<caption>${escapeHtml(table.title)}</caption>` : "";
  const notes = table.notes?.length ? `\n<p class="notes">${table.notes.map(escapeHtml).join(" ")}</p>` : "";
  return `<table class="bsa-table">${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${notes}`;
}
