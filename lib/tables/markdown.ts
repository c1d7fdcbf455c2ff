import { formatCell, type IntervalStyle, isNumeric, type Table } from "./model.ts";

/**
 * Text made safe for one Markdown table cell: `|` and `\` escaped, line breaks turned into
 * spaces, and characters Markdown reads as emphasis, links or HTML escaped.
 *
 * @param s The text.
 * @returns The escaped text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeMarkdownCell } from "./markdown.ts";
 * assert(escapeMarkdownCell("a|b\n*c*") === "a\\|b \\*c\\*");
 * ```
 */
export function escapeMarkdownCell(s: string): string {
  return s.replace(/[\\|*_`[\]<>#]/g, (c) => `\\${c}`).replace(/\r?\n|\r/g, " ");
}

/**
 * A table as a GitHub-flavoured Markdown table (numeric columns right-aligned with `---:`),
 * the title as a bold line above and the notes as text under it.
 *
 * @param table The table.
 * @param options `interval`: how interval cells are written (default `brackets`).
 * @returns The Markdown text (no final newline).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderMarkdown } from "./markdown.ts";
 * const md = renderMarkdown({ columns: [{ key: "model", kind: "text" }, { key: "Safe@1", kind: "number" }], rows: [{ model: "a|b", "Safe@1": 60 }] });
 * assert.deepEqual(md.split("\n"), ["| model | Safe@1 |", "| :--- | ---: |", "| a\\|b | 60.00 |"]);
 * ```
 */
export function renderMarkdown(table: Table, options: { interval?: IntervalStyle } = {}): string {
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const lines = [
    ...(table.title ? [`**${escapeMarkdownCell(table.title)}**`, ""] : []),
    row(table.columns.map((c) => escapeMarkdownCell(c.label ?? c.key))),
    row(table.columns.map((c) => (isNumeric(c) ? "---:" : ":---"))),
    ...table.rows.map((r) => row(table.columns.map((c) => escapeMarkdownCell(formatCell(c, r, options.interval))))),
    ...(table.notes?.length ? ["", ...table.notes.map(escapeMarkdownCell)] : []),
  ];
  return lines.join("\n");
}
