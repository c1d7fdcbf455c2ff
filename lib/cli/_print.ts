export { formatRows } from "../table.ts";

/**
 * Print warnings to stderr, one per line, prefixed so they stand out from data on stdout.
 *
 * @param warnings The warnings, one per line.
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
