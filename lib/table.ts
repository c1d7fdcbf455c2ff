import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { tableFromRows } from "./tables/model.ts";
import { renderText } from "./tables/text.ts";

/** A table row as a plain object. */
// deno-lint-ignore no-explicit-any
export type Row = Record<string, any>;

/**
 * A table's rows as typed plain objects (Arquero types them as `object`).
 *
 * @param table The table to read.
 * @param options `limit`: at most this many rows.
 * @returns One plain object per row, typed as `T`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { rows } from "./table.ts";
 * const [first] = rows<{ a: number }>(aq.table({ a: [1, 2] }));
 * assert(first.a === 1);
 * ```
 */
export function rows<T extends object = Row>(table: ColumnTable, options?: { limit?: number }): T[] {
  return table.objects(options) as T[];
}

/**
 * Sort a table by a column, highest first, and number the rows from 1 (`rank`).
 *
 * @param table The table to rank.
 * @param column The column to sort by.
 * @param order `"desc"` (default: highest first) or `"asc"`.
 * @returns The sorted table with a `rank` column first: 1, 2, ...; values equal at 2 decimals
 *   (the precision tables print) share the rank of the first of them (1, 2, 2, 4); a row with
 *   no value has no rank.
 * @throws {Error} `column` is not a column of `table` (the message lists the columns).
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import assert from "node:assert/strict";
 * import { rankBy } from "./table.ts";
 * const t = rankBy(aq.table({ model: ["a", "b"], "Think@1": [20, 30] }), "Think@1");
 * assert(t.get("model", 0) === "b" && t.get("rank", 0) === 1);
 * const tied = rankBy(aq.table({ m: ["a", "b", "c"], x: [37.300000000000040, 37.300000000000047, 12] }), "x");
 * assert.deepEqual(tied.array("rank"), [1, 1, 3]);
 * ```
 */
export function rankBy(table: ColumnTable, column: string, order: "desc" | "asc" = "desc"): ColumnTable {
  if (!table.columnNames().includes(column)) {
    throw new Error(`no column '${column}'; columns: ${table.columnNames().join(", ")}`);
  }
  const sorted = table.orderby(order === "desc" ? aq.desc(column) : column);
  // Values alike at the printed precision (2 decimals) share a rank (1, 2, 2, 4); no value, no rank.
  const values = (sorted.array(column) as (number | null | undefined)[]).map((v) =>
    typeof v === "number" && Number.isFinite(v) ? v.toFixed(2) : null
  );
  const rank = values.map((v, i) => (v === null ? null : values.indexOf(v) === i ? i + 1 : values.indexOf(v) + 1));
  return sorted.assign({ rank }).relocate("rank", { before: 0 as never });
}

/**
 * Format rows as an aligned plain-text table through the table model (lib/tables): numbers
 * right-aligned, a column holding any fraction printed with 2 decimals throughout (75.00
 * beside 48.70), whole-number columns as integers, `–` for a value not given.
 *
 * @param rows The rows to print.
 * @param columns The columns to show, in order. Default: the first row's keys.
 * @returns The aligned table as text, or `(no rows)`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRows } from "./table.ts";
 * const [header, , row, next] = formatRows([{ model: "m", "Safe@1": 93.5 }, { model: "n", "Safe@1": 75 }]).split("\n");
 * assert(header === "model  Safe@1" && row.endsWith(" 93.50") && next.endsWith(" 75.00"));
 * ```
 */
export function formatRows(rows: Record<string, unknown>[], columns?: string[]): string {
  return renderText(tableFromRows(rows, { columns }));
}
