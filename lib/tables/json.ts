import { roundHalfEven } from "../round.ts";
import { DECIMALS, isNotGiven, type Table, type TableColumn } from "./model.ts";

/**
 * A table's rows as JSON values for scripts: one object per row keyed by the column keys (an
 * interval's bounds under their own keys), `number` columns rounded as the terminal shows them,
 * counts and p-values unrounded, a value not given as `null`.
 *
 * @param table The table.
 * @returns One plain object per row.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonRows } from "./json.ts";
 * const t = { columns: [{ key: "m", kind: "number", interval: { lo: "m_lo", hi: "m_hi" } }], rows: [{ m: 70.123, m_lo: NaN, m_hi: 71.9 }] } as const;
 * assert.deepEqual(jsonRows({ columns: [...t.columns], rows: [...t.rows] }), [{ m: 70.12, m_lo: null, m_hi: 71.9 }]);
 * ```
 */
export function jsonRows(table: Table): Record<string, unknown>[] {
  return table.rows.map((row) => {
    const o: Record<string, unknown> = {};
    for (const c of table.columns) {
      o[c.key] = _value(c, row[c.key]);
      if (c.interval) {
        (o[c.interval.lo] = _value(c, row[c.interval.lo]), o[c.interval.hi] = _value(c, row[c.interval.hi]));
      }
    }
    return o;
  });
}

/**
 * A table as JSON text: the array of {@linkcode jsonRows}, indented by two spaces.
 *
 * @param table The table.
 * @returns The JSON text (no final newline).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderJson } from "./json.ts";
 * assert.deepEqual(JSON.parse(renderJson({ columns: [{ key: "n", kind: "count" }], rows: [{ n: 3 }] })), [{ n: 3 }]);
 * ```
 */
export function renderJson(table: Table): string {
  return JSON.stringify(jsonRows(table), null, 2);
}

function _value(c: TableColumn, v: unknown): unknown {
  if (isNotGiven(v)) return null;
  if (typeof v === "number" && c.kind === "number") return roundHalfEven(v, c.decimals ?? DECIMALS);
  return v;
}
