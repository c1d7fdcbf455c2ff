import { formatCell, type IntervalStyle, isNumeric, type Table } from "./model.ts";

/**
 * A table as aligned plain text for a terminal: headers, a rule, one line per row; numeric
 * columns right-aligned (cells showing "–" too), text left-aligned; the title above, notes under.
 *
 * @param table The table.
 * @param options `interval`: how interval cells are written (default `brackets`).
 * @returns The text (without a final newline), or `(no rows)` under the title.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Table } from "./model.ts";
 * import { renderText } from "./text.ts";
 * const t: Table = { columns: [{ key: "model", kind: "text" }, { key: "Think@1", kind: "number" }], rows: [{ model: "a", "Think@1": 60 }, { model: "bb", "Think@1": null }] };
 * assert.deepEqual(renderText(t).split("\n"), ["model  Think@1", "-----  -------", "a        60.00", "bb           –"]);
 * ```
 */
export function renderText(table: Table, options: { interval?: IntervalStyle } = {}): string {
  const head = table.title ? [table.title, ""] : [];
  const notes = table.notes?.length ? ["", ...table.notes] : [];
  if (!table.rows.length) return [...head, "(no rows)", ...notes].join("\n");
  const cols = table.columns;
  const headers = cols.map((c) => c.label ?? c.key);
  const body = table.rows.map((r) => cols.map((c) => formatCell(c, r, options.interval)));
  const widths = cols.map((_, i) => Math.max(_width(headers[i]), ...body.map((b) => _width(b[i]))));
  const line = (cells: string[]) => cells.map((s, i) => _pad(s, widths[i], isNumeric(cols[i]))).join("  ").trimEnd();
  return [...head, line(headers), line(widths.map((w) => "-".repeat(w))), ...body.map(line), ...notes].join("\n");
}

/** Width on a terminal: code points, so "–" and "±" take one column each. */
function _width(s: string): number {
  return [...s].length;
}

function _pad(s: string, width: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, width - _width(s)));
  return right ? fill + s : s + fill;
}
