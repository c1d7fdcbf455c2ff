import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";

/** Flag spec in node:util parseArgs form. */
export type FlagSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

/**
 * Parse flags strictly; an unknown flag or a missing value is a UsageError naming it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags } from "./_flags.ts";
 * assert(parseFlags("x", ["--k", "5"], { k: { type: "string" } }).values.k === "5");
 * assert.throws(() => parseFlags("x", ["--nope"], {}), /bsa x: Unknown option '--nope'/);
 * ```
 */
export function parseFlags<T extends FlagSpec>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = false,
): { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (err) {
    throw new UsageError(`bsa ${command}: ${(err as Error).message.replace(/\. To specify.*$/s, "")}`);
  }
}

/**
 * A required string flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requireString } from "./_flags.ts";
 * assert.throws(() => requireString("run", {}, "model"), /--model is required/);
 * ```
 */
export function requireString(command: string, values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`bsa ${command}: --${name} is required`);
  return v;
}

/**
 * An optional number flag, checked against bounds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberFlag } from "./_flags.ts";
 * assert(numberFlag("run", { k: "5" }, "k", { integer: true, min: 1 }) === 5);
 * assert.throws(() => numberFlag("run", { k: "0" }, "k", { integer: true, min: 1 }), /--k must be an integer >= 1/);
 * ```
 */
export function numberFlag(
  command: string,
  values: Record<string, unknown>,
  name: string,
  opts: { integer?: boolean; min?: number; max?: number; default?: number } = {},
): number | undefined {
  const v = values[name];
  if (v === undefined) return opts.default;
  const x = Number(v);
  const bad = typeof v !== "string" || v.trim() === "" || !Number.isFinite(x) ||
    (opts.integer && !Number.isInteger(x)) || (opts.min !== undefined && x < opts.min) ||
    (opts.max !== undefined && x > opts.max);
  if (bad) {
    const range = [
      opts.integer ? "an integer" : "a number",
      opts.min !== undefined ? `>= ${opts.min}` : "",
      opts.max !== undefined ? `<= ${opts.max}` : "",
    ].filter(Boolean).join(" ");
    throw new UsageError(`bsa ${command}: --${name} must be ${range}, got ${JSON.stringify(v)}`);
  }
  return x;
}

/**
 * A comma-separated list flag (repeatable), flattened.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listFlag } from "./_flags.ts";
 * assert.deepEqual(listFlag({ by: ["model,category", "scenario"] }, "by"), ["model", "category", "scenario"]);
 * ```
 */
export function listFlag(values: Record<string, unknown>, name: string): string[] {
  const v = values[name];
  const items = Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  return items.flatMap((s) => String(s).split(",")).map((s) => s.trim()).filter(Boolean);
}
