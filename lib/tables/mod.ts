/**
 * Tables: one model (columns with a kind, intervals, best values; rows) and one renderer per
 * format (aligned text, CSV, JSON, Markdown, LaTeX with booktabs, HTML), each escaping for its
 * own context. The CLI prints, `deno task reproduce` exports and the report shows tables
 * through these, so every path gives the same digits.
 * @module
 */
export {
  bestRows,
  cellParts,
  type ColumnKind,
  DECIMALS,
  formatCell,
  formatNumber,
  formatValue,
  type FromRowsOptions,
  type IntervalStyle,
  isNotGiven,
  isNumeric,
  NOT_GIVEN,
  type Table,
  type TableColumn,
  tableFromRows,
} from "./model.ts";
export { renderText } from "./text.ts";
export { flatColumns, renderCsv } from "./csv.ts";
export { jsonRows, renderJson } from "./json.ts";
export { escapeMarkdownCell, renderMarkdown } from "./markdown.ts";
export { escapeLatex, type LatexOptions, renderLatex } from "./latex.ts";
export { renderHtml } from "./html.ts";
export { type RenderOptions, renderTable, renderTables, TABLE_FORMATS, type TableFormat } from "./render.ts";
