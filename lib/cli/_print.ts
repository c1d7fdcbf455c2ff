/**
 * Format rows as an aligned plain-text table (numbers right-aligned, 2 decimals).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRows } from "./_print.ts";
 * const [header, , row] = formatRows([{ model: "m", "Safe@1": 93.5 }]).split("\n");
 * assert(header === "model  Safe@1" && row.endsWith(" 93.50"));
 * ```
 */
export function formatRows(rows: Record<string, unknown>[], columns?: string[]): string {
  if (!rows.length) return "(no rows)";
  const cols = columns ?? Object.keys(rows[0]);
  const cell = (v: unknown) =>
    v == null ? "-" : typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v);
  const body = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...body.map((b) => b[i].length)));
  const numeric = cols.map((c) => rows.every((r) => r[c] == null || typeof r[c] === "number"));
  const line = (cells: string[]) =>
    cells.map((s, i) => (numeric[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(cols), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/**
 * Print warnings to stderr, one per line, prefixed so they stand out from data on stdout.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printWarnings } from "./_print.ts";
 * const said: string[] = [];
 * const err = console.error;
 * console.error = (s: string) => said.push(s);
 * printWarnings(["partial run"]);
 * console.error = err;
 * assert.deepEqual(said, ["warning: partial run"]);
 * ```
 */
export function printWarnings(warnings: string[]): void {
  for (const w of warnings) console.error(`warning: ${w}`);
}
