import * as aq from "arquero";
import type { ColumnTable } from "arquero";

/**
 * Format an Arquero table as RFC 4180 CSV text (header row first, `\n` line ends).
 *
 * A thin wrapper over `aq.toCSV` so every writer in the toolkit quotes the same way.
 *
 * @param table The table to write.
 * @param columns The columns to write, in order. Default: all.
 * @returns The CSV text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { stringifyCsv } from "./stringify.ts";
 * const text = stringifyCsv(aq.table({ id: ["a"], note: ["x, y"] }));
 * assert(text === 'id,note\na,"x, y"\n');
 * ```
 */
export function stringifyCsv(table: ColumnTable, columns?: string[]): string {
  return aq.toCSV(table, columns ? { columns } : {});
}
