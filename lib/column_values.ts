/**
 * A column's values without a copy, for the column loops of scoring.
 * @module
 */
import type { ColumnTable } from "arquero";

/**
 * The values of column `name` in row order: the column itself when the table is neither
 * filtered nor ordered and the column is an array, else `table.array(name)`. Why: `array()`
 * copies through a per-row callback, which was a third of reducing 46,000 question rows
 * (bench/RESULTS.md, scoring). Read-only: the column is the table's own.
 *
 * @param table The table.
 * @param name A column of it.
 * @returns Its values, one per row.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { columnValues } from "./column_values.ts";
 * const t = aq.table({ n: [3, 1, 2] });
 * assert.deepEqual(Array.from(columnValues(t, "n")), [3, 1, 2]);
 * assert.deepEqual(Array.from(columnValues(t.orderby("n"), "n")), [1, 2, 3]);
 * ```
 */
export function columnValues<T = unknown>(table: ColumnTable, name: string): ArrayLike<T> {
  const column = table.column(name);
  if (!table.isFiltered() && !table.isOrdered() && (Array.isArray(column) || ArrayBuffer.isView(column))) {
    return column as unknown as ArrayLike<T>;
  }
  return table.array(name) as ArrayLike<T>;
}
