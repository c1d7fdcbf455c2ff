import * as aq from "arquero";
import { stringifyCsv } from "../csv/stringify.ts";
import { cellParts, NOT_GIVEN, type Table } from "./model.ts";

/**
 * The flat columns of a table as CSV and JSON write them: each column, and for an interval
 * column its bounds as two columns of their own (`M_lo`, `M_hi`).
 *
 * @param table The table.
 * @returns Header and key of each flat column.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Table } from "./model.ts";
 * import { flatColumns } from "./csv.ts";
 * const t: Table = { columns: [{ key: "m", label: "Safe@1", kind: "number", interval: { lo: "m_lo", hi: "m_hi" } }], rows: [] };
 * assert.deepEqual(flatColumns(t).map((c) => c.header), ["Safe@1", "Safe@1_lo", "Safe@1_hi"]);
 * ```
 */
export function flatColumns(table: Table): { header: string; key: string; part: "value" | "lo" | "hi" }[] {
  return table.columns.flatMap((c) => {
    const header = c.label ?? c.key;
    const value = { header, key: c.key, part: "value" as const };
    return c.interval
      ? [value, { header: `${header}_lo`, key: c.interval.lo, part: "lo" as const }, {
        header: `${header}_hi`,
        key: c.interval.hi,
        part: "hi" as const,
      }]
      : [value];
  });
}

/**
 * A table as RFC 4180 CSV (the toolkit's one CSV writer): numbers formatted as the terminal
 * shows them (two decimals), an interval's bounds in columns of their own, a value not given
 * as an empty cell. The title and notes are not written: a CSV file holds one table.
 *
 * @param table The table.
 * @returns The CSV text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Table } from "./model.ts";
 * import { renderCsv } from "./csv.ts";
 * const t: Table = { columns: [{ key: "model", kind: "text" }, { key: "Safe@1", kind: "number" }], rows: [{ model: "a, b", "Safe@1": 60 }, { model: "c", "Safe@1": null }] };
 * assert(renderCsv(t) === 'model,Safe@1\n"a, b",60.00\nc,\n');
 * ```
 */
export function renderCsv(table: Table): string {
  const flat = flatColumns(table);
  const data: Record<string, string[]> = Object.fromEntries(flat.map((f) => [f.header, []]));
  for (const row of table.rows) {
    for (const col of table.columns) {
      const p = cellParts(col, row);
      const put = (header: string, v: string | undefined) =>
        data[header].push(v === undefined || v === NOT_GIVEN ? "" : v);
      put(col.label ?? col.key, p.value);
      if (col.interval) (put(`${col.label ?? col.key}_lo`, p.lo), put(`${col.label ?? col.key}_hi`, p.hi));
    }
  }
  const text = stringifyCsv(aq.table(data), flat.map((f) => f.header));
  return text.endsWith("\n") ? text : text + "\n";
}
