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
