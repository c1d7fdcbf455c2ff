export { formatRows } from "../table.ts";
import type { ProgressSink } from "../pipeline/progress.ts";

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

/**
 * The progress sink of the command line: stderr, a redrawn bar when stderr is a terminal.
 * Library code takes a sink and writes nowhere without one; only the CLI chooses stderr.
 *
 * @param quiet True for `--quiet`: no display at all.
 * @returns The sink, or null when quiet.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stderrProgress } from "./_print.ts";
 * assert.equal(stderrProgress(true), null);
 * const sink = stderrProgress(false);
 * assert(sink !== null && sink.tty === Deno.stderr.isTerminal());
 * ```
 */
export function stderrProgress(quiet: boolean): ProgressSink | null {
  if (quiet) return null;
  const enc = new TextEncoder();
  return { tty: Deno.stderr.isTerminal(), write: (s) => void Deno.stderr.writeSync(enc.encode(s)) };
}
