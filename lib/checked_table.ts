/**
 * Tables handed to researchers (the per-question table of a run, the samples of a slice)
 * whose verbs answer a wrong column name with the table's columns, not with Arquero's bare
 * "Invalid column reference" and a stack trace into its parser.
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { BsaError } from "./errors.ts";

/**
 * A column name or expression names no column of the table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ColumnReferenceError } from "./checked_table.ts";
 * const e = new ColumnReferenceError("categry", ["id", "category"]);
 * assert(e.message === "no column 'categry' (columns: id, category)");
 * ```
 */
export class ColumnReferenceError extends BsaError {
  constructor(readonly column: string, readonly available: string[]) {
    super(`no column '${column}' (columns: ${available.join(", ")})`);
    this.name = "ColumnReferenceError";
  }
}

// Every verb and accessor that takes column names or expressions.
const _VERBS = [
  "filter",
  "derive",
  "groupby",
  "orderby",
  "rollup",
  "count",
  "select",
  "relocate",
  "rename",
  "dedupe",
  "impute",
  "fold",
  "pivot",
  "spread",
  "unroll",
  "sample",
  "join",
  "join_left",
  "join_right",
  "join_full",
  "semijoin",
  "antijoin",
  "lookup",
  "array",
  "column",
  "get",
  "getter",
] as const;

// A subclass: Arquero builds every derived table with `new this.constructor`, so the check
// carries over to every table made from a checked one.
class _CheckedTable extends aq.ColumnTable {}
for (const verb of _VERBS) {
  const base = (aq.ColumnTable.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[verb];
  Object.defineProperty(_CheckedTable.prototype, verb, {
    value: function (this: ColumnTable, ...args: unknown[]) {
      if (["array", "column", "get", "getter"].includes(verb) && typeof args[0] === "string") {
        if (!this.columnNames().includes(args[0])) throw new ColumnReferenceError(args[0], this.columnNames());
      }
      try {
        return base.apply(this, args);
      } catch (err) {
        const m = /^(?:Invalid column reference|Unrecognized column):\s*"?(?:d\.)?([^"]*)"?/.exec(
          (err as Error).message ?? "",
        );
        if (m) throw new ColumnReferenceError(m[1], this.columnNames());
        throw err;
      }
    },
    writable: true,
    configurable: true,
  });
}

/**
 * The same table, whose verbs (`filter`, `groupby`, `select`...) and accessors (`array`,
 * `get`) throw a {@linkcode ColumnReferenceError} listing the columns when an expression or
 * name refers to a column the table lacks; every table derived from it checks too.
 *
 * @param table Any Arquero table.
 * @returns A table with the same rows, columns, groups and order.
 * @throws {ColumnReferenceError} (from its verbs) a name or expression refers to a missing column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { checkedColumns } from "./checked_table.ts";
 * const t = checkedColumns(aq.from([{ id: "q", category: "Rumors" }]));
 * assert(t.filter((d: { category: string }) => d.category === "Rumors").numRows() === 1);
 * assert.throws(() => t.filter((d: { categry: string }) => d.categry === "Rumors"), /no column 'categry' \(columns: id, category\)/);
 * assert.throws(() => t.groupby("nope").count(), /no column 'nope'/);
 * assert.throws(() => t.array("nope"), /columns: id, category/);
 * ```
 */
export function checkedColumns(table: ColumnTable): ColumnTable {
  if (table instanceof _CheckedTable) return table;
  // The table's own parts (columns, filter, groups, order, params) under the checked class.
  const t = table as unknown as {
    data(): never;
    mask(): never;
    groups(): never;
    comparator(): never;
    params(): never;
  };
  return new _CheckedTable(
    t.data(),
    table.columnNames() as never,
    t.mask(),
    t.groups(),
    t.comparator(),
    t.params(),
  ) as unknown as ColumnTable;
}
