import { renderCsv } from "./csv.ts";
import { renderHtml } from "./html.ts";
import { renderJson } from "./json.ts";
import { type LatexOptions, renderLatex } from "./latex.ts";
import { renderMarkdown } from "./markdown.ts";
import type { Table } from "./model.ts";
import { renderText } from "./text.ts";

/** The formats a table is rendered in: `table` is aligned text for a terminal. */
export const TABLE_FORMATS = ["table", "csv", "json", "markdown", "latex", "html"] as const;

/** One of {@linkcode TABLE_FORMATS}. */
export type TableFormat = typeof TABLE_FORMATS[number];

/** Options of {@linkcode renderTable}: the interval style of every format that writes one cell per interval, and LaTeX's. */
export type RenderOptions = LatexOptions;

/**
 * A table in one format, through that format's renderer (each escaping for its own context).
 *
 * @param table The table.
 * @param format The format.
 * @param options Interval style; LaTeX's bold best values, caption and label.
 * @returns The rendered text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderTable } from "./render.ts";
 * const t = { columns: [{ key: "x", kind: "number" }], rows: [{ x: 1 }] } as const;
 * const table = { columns: [...t.columns], rows: [...t.rows] };
 * assert(renderTable(table, "csv") === "x\n1.00\n" && renderTable(table, "markdown").endsWith("| 1.00 |"));
 * ```
 */
export function renderTable(table: Table, format: TableFormat, options: RenderOptions = {}): string {
  switch (format) {
    case "csv":
      return renderCsv(table);
    case "json":
      return renderJson(table);
    case "markdown":
      return renderMarkdown(table, options);
    case "latex":
      return renderLatex(table, options);
    case "html":
      return renderHtml(table, options);
    default:
      return renderText(table, options);
  }
}

/**
 * Several tables in one format, one after another: separated by a blank line; in CSV each is
 * preceded by its title as a one-field line; in JSON an array of `{ title, rows }`.
 *
 * @param tables The tables.
 * @param format The format.
 * @param options As for {@linkcode renderTable}.
 * @returns The rendered text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderTables } from "./render.ts";
 * const t = (title: string) => ({ title, columns: [{ key: "x", kind: "count" as const }], rows: [{ x: 1 }] });
 * assert(renderTables([t("A"), t("B")], "csv") === "A\nx\n1\n\nB\nx\n1\n");
 * assert.deepEqual(JSON.parse(renderTables([t("A")], "json")), [{ title: "A", rows: [{ x: 1 }] }]);
 * ```
 */
export function renderTables(tables: Table[], format: TableFormat, options: RenderOptions = {}): string {
  if (format === "json") {
    return JSON.stringify(tables.map((t) => ({ title: t.title ?? null, rows: JSON.parse(renderJson(t)) })), null, 2);
  }
  if (format === "csv") {
    return tables.map((t) =>
      (t.title ? renderCsv({ columns: [{ key: "t", label: t.title, kind: "text" }], rows: [] }) : "") + renderCsv(t)
    )
      .join("\n");
  }
  return tables.map((t) => renderTable(t, format, options).replace(/\n$/, "")).join("\n\n") +
    (format === "latex" ? "\n" : "");
}
