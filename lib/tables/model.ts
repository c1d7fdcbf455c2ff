/**
 * The one table model every printed or exported table goes through: columns with a kind (how
 * their values are formatted), optional intervals, optional "best" marking, and the rows. The
 * renderers beside this file (text, CSV, JSON, Markdown, LaTeX, HTML) read it; none formats a
 * number its own way, so the terminal, a paper's LaTeX and the report show the same digits.
 * @module
 */
import { roundHalfEven } from "../round.ts";

/**
 * How a column's values are formatted:
 * - `text`: as given (`–` when absent);
 * - `number`: {@linkcode DECIMALS} decimals (or the column's `decimals`), rounded half to even;
 * - `count`: an integer (a non-integer is shown with decimals rather than hidden);
 * - `p`: a p-value: three decimals, `<0.001` below that.
 */
export type ColumnKind = "text" | "number" | "count" | "p";

/** One column of a {@linkcode Table}. */
export interface TableColumn {
  /** The row field holding the value (also the CSV/JSON key). */
  key: string;
  /** The header shown (default: `key`). */
  label?: string;
  kind: ColumnKind;
  /** Decimals of a `number` column (default {@linkcode DECIMALS}). */
  decimals?: number;
  /** Row fields holding the interval's bounds: shown as `70.10 [68.30, 71.90]`, exported as columns of their own. */
  interval?: { lo: string; hi: string };
  /** Which value is best, for renderers that can mark it (LaTeX `--bold-best`). */
  best?: "max" | "min";
  /**
   * A row field naming the kind of this column's value in that row (`count` or `number`), for a
   * column whose rows hold different units (question counts beside percentages): counts whole,
   * percentages with their decimals.
   */
  kindBy?: string;
}

/** A table to print or export: columns and rows, with an optional title and notes under it. */
export interface Table {
  title?: string;
  columns: TableColumn[];
  rows: Record<string, unknown>[];
  /** Sentences printed under the table (in LaTeX as a comment, in Markdown as text). */
  notes?: string[];
}

/** Decimals of every number the toolkit prints (metrics, differences, intervals). */
export const DECIMALS = 2;

/** What every renderer prints for a value that is not given (null, undefined, NaN, ±Infinity). */
export const NOT_GIVEN = "–";

/**
 * Whether a value is "not given": null, undefined, or a number that is not finite.
 *
 * @param v The value.
 * @returns True when the value is not given.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isNotGiven } from "./model.ts";
 * assert(isNotGiven(null) && isNotGiven(NaN) && !isNotGiven(0) && !isNotGiven(""));
 * ```
 */
export function isNotGiven(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v));
}

/**
 * A number with a fixed number of decimals, rounded half to even (as the upstream script
 * rounds), `–` when not given. `-0.00` is printed `0.00`.
 *
 * @param v The value.
 * @param decimals Decimal places (default {@linkcode DECIMALS}).
 * @returns The formatted number, or {@linkcode NOT_GIVEN}.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNumber } from "./model.ts";
 * assert(formatNumber(60) === "60.00" && formatNumber(68.6) === "68.60" && formatNumber(NaN) === "–");
 * assert(formatNumber(0.125) === "0.12" && formatNumber(-0.001) === "0.00");
 * ```
 */
export function formatNumber(v: unknown, decimals: number = DECIMALS): string {
  if (isNotGiven(v) || typeof v !== "number") return NOT_GIVEN;
  const r = roundHalfEven(v, decimals);
  return (Object.is(r, -0) || r === 0 ? 0 : r).toFixed(decimals);
}

/**
 * The value of a column in a row, formatted by the column's kind (intervals not included: see
 * {@linkcode formatCell}).
 *
 * @param column The column.
 * @param v The raw value.
 * @returns The formatted text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatValue } from "./model.ts";
 * assert(formatValue({ key: "n", kind: "count" }, 1200) === "1200");
 * assert(formatValue({ key: "p", kind: "p" }, 0.00002) === "<0.001");
 * assert(formatValue({ key: "x", kind: "text" }, true) === "yes");
 * ```
 */
export function formatValue(column: TableColumn, v: unknown): string {
  if (isNotGiven(v) || v === "") return NOT_GIVEN;
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v !== "number") return String(v);
  switch (column.kind) {
    case "number":
      return formatNumber(v, column.decimals ?? DECIMALS);
    case "count":
      return Number.isInteger(v) ? String(v) : formatNumber(v);
    case "p":
      return v < 0.001 ? "<0.001" : formatNumber(v, 3);
    default:
      return Number.isInteger(v) ? String(v) : formatNumber(v);
  }
}

/** How an interval is written in one cell: `70.10 [68.30, 71.90]` or `70.10 ± 1.80` (half the width). */
export type IntervalStyle = "brackets" | "pm";

/**
 * The parts of one cell: the value and, for an interval column, its bounds, each formatted.
 *
 * @param column The column.
 * @param row The row.
 * @returns `value`, and `lo`/`hi`/`half` (half the interval's width) when the column has an interval.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellParts } from "./model.ts";
 * const col = { key: "m", kind: "number", interval: { lo: "m_lo", hi: "m_hi" } } as const;
 * assert.deepEqual(cellParts(col, { m: 70.1, m_lo: 68.3, m_hi: 71.9 }), { value: "70.10", lo: "68.30", hi: "71.90", half: "1.80" });
 * ```
 */
export function cellParts(
  column: TableColumn,
  row: Record<string, unknown>,
): { value: string; lo?: string; hi?: string; half?: string } {
  const byRow = column.kindBy ? row[column.kindBy] : undefined;
  const cell = byRow === "count" || byRow === "number" ? { ...column, kind: byRow as ColumnKind } : column;
  const value = formatValue(cell, row[column.key]);
  if (!column.interval) return { value };
  const lo = row[column.interval.lo], hi = row[column.interval.hi];
  const d = column.decimals ?? DECIMALS;
  const half = typeof lo === "number" && typeof hi === "number" && !isNotGiven(lo) && !isNotGiven(hi)
    ? formatNumber((hi - lo) / 2, d)
    : NOT_GIVEN;
  return { value, lo: formatNumber(lo, d), hi: formatNumber(hi, d), half };
}

/**
 * One cell as text: the formatted value, with its interval when the column has one and the
 * value is given (`70.10 [68.30, 71.90]`, or `70.10 ± 1.80`).
 *
 * @param column The column.
 * @param row The row.
 * @param style How an interval is written (default `brackets`).
 * @returns The cell's text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCell } from "./model.ts";
 * const col = { key: "m", kind: "number", interval: { lo: "m_lo", hi: "m_hi" } } as const;
 * assert(formatCell(col, { m: 70.1, m_lo: 68.3, m_hi: 71.9 }) === "70.10 [68.30, 71.90]");
 * assert(formatCell(col, { m: 70.1, m_lo: 68.3, m_hi: 71.9 }, "pm") === "70.10 ± 1.80");
 * assert(formatCell(col, { m: null }) === "–");
 * ```
 */
export function formatCell(
  column: TableColumn,
  row: Record<string, unknown>,
  style: IntervalStyle = "brackets",
): string {
  const p = cellParts(column, row);
  if (!column.interval || p.value === NOT_GIVEN) return p.value;
  return style === "pm" ? `${p.value} ± ${p.half}` : `${p.value} [${p.lo}, ${p.hi}]`;
}

/**
 * Whether a column holds numbers (right-aligned in every renderer, "–" cells included).
 *
 * @param column The column.
 * @returns True for `number`, `count` and `p` columns.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isNumeric } from "./model.ts";
 * assert(isNumeric({ key: "n", kind: "count" }) && !isNumeric({ key: "model", kind: "text" }));
 * ```
 */
export function isNumeric(column: TableColumn): boolean {
  return column.kind !== "text";
}

/**
 * The rows of a column holding its best value (as printed: ties at the printed precision all
 * count), for a column with `best`; empty otherwise.
 *
 * @param table The table.
 * @param column The column.
 * @returns The indices of the best rows.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bestRows } from "./model.ts";
 * const col = { key: "m", kind: "number", best: "max" } as const;
 * assert.deepEqual([...bestRows({ columns: [col], rows: [{ m: 1 }, { m: 3.001 }, { m: 2.999 }] }, col)], [1, 2]);
 * ```
 */
export function bestRows(table: Table, column: TableColumn): Set<number> {
  if (!column.best || !isNumeric(column)) return new Set();
  const shown = table.rows.map((r) => {
    const v = r[column.key];
    return typeof v === "number" && Number.isFinite(v) ? Number(formatNumber(v, column.decimals ?? DECIMALS)) : null;
  });
  const given = shown.filter((v): v is number => v !== null);
  if (!given.length) return new Set();
  const best = column.best === "max" ? Math.max(...given) : Math.min(...given);
  return new Set(shown.flatMap((v, i) => (v === best ? [i] : [])));
}

/** Options of {@linkcode tableFromRows}. */
export interface FromRowsOptions {
  /** The columns to show, in order (default: the first row's keys, bounds of intervals folded in). */
  columns?: string[];
  /** Columns formatted as numbers with decimals even when every value is an integer (metrics). */
  numbers?: readonly string[];
  /** Columns whose highest value is best (marked by `--bold-best`). */
  best?: readonly string[];
  /** Headers other than the keys. */
  labels?: Record<string, string>;
  /** Decimals of some `number` columns. */
  decimals?: Record<string, number>;
  /** p-value columns. */
  p?: readonly string[];
  title?: string;
  notes?: string[];
}

/**
 * A {@linkcode Table} from plain rows, each column's kind read from its values: text, `count`
 * when every value is an integer, else `number` (and `number` for the columns in `numbers`,
 * whatever their values: a metric of 60 prints 60.00 beside 68.60). A column `M` with `M_lo`
 * and `M_hi` beside it becomes one interval column.
 *
 * @param rows The rows.
 * @param options Columns to show and how (see {@linkcode FromRowsOptions}).
 * @returns The table.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tableFromRows } from "./model.ts";
 * const t = tableFromRows([{ model: "m", n: 3, "Safe@1": 60, "Safe@1_lo": 50, "Safe@1_hi": 70 }], { numbers: ["Safe@1"] });
 * assert.deepEqual(t.columns.map((c) => [c.key, c.kind, !!c.interval]), [["model", "text", false], ["n", "count", false], ["Safe@1", "number", true]]);
 * ```
 */
export function tableFromRows(rows: Record<string, unknown>[], options: FromRowsOptions = {}): Table {
  const keys = options.columns ?? Object.keys(rows[0] ?? {});
  const present = new Set(rows.flatMap((r) => Object.keys(r)));
  const bounds = new Set(
    keys.flatMap((k) => (present.has(`${k}_lo`) && present.has(`${k}_hi`) ? [`${k}_lo`, `${k}_hi`] : [])),
  );
  const columns: TableColumn[] = keys.filter((k) => !bounds.has(k)).map((key) => {
    const values = rows.map((r) => r[key]).filter((v) => !isNotGiven(v));
    const kind: ColumnKind = options.p?.includes(key)
      ? "p"
      : options.numbers?.includes(key)
      ? "number"
      : values.length && values.every((v) => typeof v === "number")
      ? (values.every((v) => Number.isInteger(v)) ? "count" : "number")
      : !values.length && rows.every((r) => r[key] === null || typeof r[key] === "number")
      ? "number"
      : "text";
    const col: TableColumn = { key, kind };
    if (options.labels?.[key]) col.label = options.labels[key];
    if (options.decimals?.[key] !== undefined) col.decimals = options.decimals[key];
    if (bounds.has(`${key}_lo`)) col.interval = { lo: `${key}_lo`, hi: `${key}_hi` };
    if (options.best?.includes(key)) col.best = "max";
    return col;
  });
  const table: Table = { columns, rows };
  if (options.title) table.title = options.title;
  if (options.notes?.length) table.notes = options.notes;
  return table;
}
