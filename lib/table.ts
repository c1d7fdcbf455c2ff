import * as aq from "arquero";
import type { ColumnTable } from "arquero";

/** A table row as a plain object. */
// deno-lint-ignore no-explicit-any
export type Row = Record<string, any>;

/**
 * A table's rows as typed plain objects (Arquero types them as `object`).
 *
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
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import assert from "node:assert/strict";
 * import { rankBy } from "./table.ts";
 * const t = rankBy(aq.table({ model: ["a", "b"], "Think@1": [20, 30] }), "Think@1");
 * assert(t.get("model", 0) === "b" && t.get("rank", 0) === 1);
 * ```
 */
export function rankBy(table: ColumnTable, column: string, order: "desc" | "asc" = "desc"): ColumnTable {
  if (!table.columnNames().includes(column)) {
    throw new Error(`no column '${column}'; columns: ${table.columnNames().join(", ")}`);
  }
  const sorted = table.orderby(order === "desc" ? aq.desc(column) : column);
  return sorted.assign({ rank: Array.from({ length: sorted.numRows() }, (_, i) => i + 1) }).relocate("rank", {
    before: 0 as never,
  });
}
