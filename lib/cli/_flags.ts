import { parseArgs } from "node:util";
import { CATEGORIES } from "../dataset/categories.ts";
import { scenarioInfo, SCENARIOS } from "../dataset/scenarios.ts";
import type { QuestionSelection } from "../dataset/select.ts";
import { expectedNumber, UsageError } from "../errors.ts";

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
 * // A negative number is the flag's value (checked by numberFlag), not an unknown option.
 * assert(parseFlags("x", ["--k", "-3"], { k: { type: "string" } }).values.k === "-3");
 * assert.throws(() => parseFlags("x", ["--out", "--k"], { out: { type: "string" }, k: { type: "string" } }), /--out needs a value/);
 * ```
 */
export function parseFlags<T extends FlagSpec>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = false,
): { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: _negativeValues(args, options),
      options,
      strict: true,
      allowPositionals,
    });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (err) {
    const message = (err as Error).message;
    // "Option '--out' argument is ambiguous. Did you forget...": the flag got no value, the
    // next argument (starting with a dash) was taken for another flag.
    const ambiguous = /^Option '(--[^']+)' argument is ambiguous/.exec(message);
    throw new UsageError(
      `bsa ${command}: ${
        ambiguous
          ? `${ambiguous[1]} needs a value (for a value starting with a dash write ${ambiguous[1]}=VALUE)`
          : message.replace(/\. To specify.*$/s, "")
      }`,
    );
  }
}

/**
 * The name a command's messages use: `paper audit` when the arguments hold the subcommand
 * `audit`, else `paper`, so every error of a subcommand (flag parsing included) is prefixed
 * `bsa paper audit:` alike.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { subcommandName } from "./_flags.ts";
 * assert(subcommandName("paper", ["audit", "--json"], "audit") === "paper audit");
 * assert(subcommandName("paper", ["--json"], "audit") === "paper");
 * ```
 */
export function subcommandName(command: string, args: string[], sub: string): string {
  return args.includes(sub) ? `${command} ${sub}` : command;
}

// `--k -3`: node's parseArgs takes "-3" for an option and refuses it as ambiguous. No flag
// is spelled like a negative number, so such a value is joined to its flag (`--k=-3`), and
// the flag's own check then says what it must be.
function _negativeValues(args: string[], options: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    if (name && options[name]?.type === "string" && /^-\.?\d/.test(args[i + 1] ?? "")) {
      out.push(`${args[i]}=${args[++i]}`);
    } else out.push(args[i]);
    if (args[i] === "--") {
      out.push(...args.slice(i + 1));
      break;
    }
  }
  return out;
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
 * The upper bounds of numeric flags shared by several commands, stated once: each keeps the work
 * finite and sits well above what a study uses (the paper: k = 5, 2,000 questions).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LIMITS } from "./_flags.ts";
 * assert(LIMITS.k === 1000 && LIMITS.concurrency === 1024);
 * ```
 */
export const LIMITS = {
  /** `--k`: samples per question. */
  k: 1000,
  /** `--concurrency`: requests in flight. */
  concurrency: 1024,
  /** `--limit`: questions. */
  questions: 100_000,
  /** `--retries`: attempts after the first. */
  retries: 100,
  /** `--backoff`: ms before the first retry of a reply that was not a completion (10 minutes). */
  backoffMs: 600_000,
  /** `--max-tokens`, `--completion-tokens`: tokens of one reply. */
  tokens: 10_000_000,
  /** `--top-k`. */
  topK: 1_000_000,
  /** `--temperature` (the OpenAI API's range is 0 to 2). */
  temperature: 2,
  /** `--seed` (the largest integer a number holds exactly). */
  seed: Number.MAX_SAFE_INTEGER,
  /** `--bootstrap`, `--permutations`: replicates. */
  replicates: 100_000,
  /** `--n`: items of a review sample. */
  reviewItems: 100_000,
  /** `--batch-poll`: seconds between batch polls (an hour). */
  pollSeconds: 3600,
  /** `--batch-rounds`. */
  rounds: 100,
} as const;

/**
 * Bounds of a numeric flag: every one states its range (an upper bound included, so that no
 * value can make the work endless: k, concurrency, limits, retries, timeouts, batch sizes).
 */
export interface NumberBounds {
  /** A decimal integer (digits only: no `1e1`, no `0x10`, no `5.0`). */
  integer?: boolean;
  min: number;
  max: number;
  default?: number;
}

/**
 * The one parser of numeric flags, for every command: a decimal integer where an integer is
 * meant (digits with an optional sign: `1e1`, `0x10`, `5.0`, `1_000` are refused, never read as
 * 10, 16 or 5), else a plain decimal number (`0.7`, `-1`, `.5`; no exponent, no hex), within
 * `[min, max]`; refused with the flag, the value and the range.
 *
 * @param command The command (in the message).
 * @param values The parsed flags.
 * @param name The flag's name (without `--`).
 * @param opts Integer or not, the range, the default (returned when the flag is not given).
 * @returns The number, or the default.
 * @throws {UsageError} The value is not such a number, or out of range: `bsa run: --k must be an integer from 1 to 1000, got "1e1"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numberFlag } from "./_flags.ts";
 * assert(numberFlag("run", { k: "5" }, "k", { integer: true, min: 1, max: 1000 }) === 5);
 * assert.throws(() => numberFlag("run", { k: "0" }, "k", { integer: true, min: 1, max: 1000 }), /--k must be an integer from 1 to 1000, got "0"/);
 * assert.throws(() => numberFlag("run", { k: "1e1" }, "k", { integer: true, min: 1, max: 1000 }), /got "1e1"/);
 * assert.throws(() => numberFlag("run", { k: "0x10" }, "k", { integer: true, min: 1, max: 1000 }), /got "0x10"/);
 * assert.throws(() => numberFlag("run", { k: "99999999999999999999" }, "k", { integer: true, min: 1, max: 1000 }), /from 1 to 1000/);
 * assert.throws(() => numberFlag("run", { p: "2" }, "p", { min: 0, max: 1 }), /--p must be a number from 0 to 1, got "2"/);
 * assert(numberFlag("run", { p: ".5" }, "p", { min: 0, max: 1 }) === 0.5);
 * ```
 */
export function numberFlag(
  command: string,
  values: Record<string, unknown>,
  name: string,
  opts: NumberBounds,
): number | undefined {
  const v = values[name];
  if (v === undefined) return opts.default;
  const text = typeof v === "string" ? v.trim() : "";
  const shape = opts.integer ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  const x = Number(text);
  if (!shape.test(text) || !Number.isFinite(x) || x < opts.min || x > opts.max) {
    throw new UsageError(`bsa ${command}: --${name} must be ${expectedNumber(opts)}, got ${JSON.stringify(v)}`);
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

/**
 * A repeatable flag's raw values (category names contain commas-free text but may hold '&').
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listFlagRaw } from "./_flags.ts";
 * assert.deepEqual(listFlagRaw({ category: ["Offense & Prejudice"] }, "category"), ["Offense & Prejudice"]);
 * ```
 */
export function listFlagRaw(values: Record<string, unknown>, name: string): string[] {
  const v = values[name];
  return (Array.isArray(v) ? v : typeof v === "string" ? [v] : []).map(String);
}

/**
 * `NAME=VALUE` tags; numbers and booleans are typed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTags } from "./_flags.ts";
 * assert.deepEqual(parseTags("run", ["condition=rules", "params_b=8", "rules=true"]), { condition: "rules", params_b: 8, rules: true });
 * ```
 */
export function parseTags(command: string, items: string[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const item of items) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(item);
    if (!m) throw new UsageError(`bsa ${command}: --tag ${JSON.stringify(item)} must be NAME=VALUE`);
    const v = m[2];
    out[m[1]] = v === "true" ? true : v === "false" ? false : v !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

/**
 * The question selection flags (`--ids FILE`, `--scenario S` (name or RO/CS/OS), `--category C`,
 * `--limit N`), checked here so a bad value is a usage error naming its flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectionFlags } from "./_flags.ts";
 * assert.deepEqual(selectionFlags("run", { scenario: ["OS"], limit: "3" }), { idsFile: undefined, scenarios: ["Over Sensitivity"], categories: [], limit: 3 });
 * ```
 */
export function selectionFlags(command: string, values: Record<string, unknown>): QuestionSelection {
  const scenarios = listFlag(values, "scenario").map((s) => {
    const info = scenarioInfo(s);
    if (!info) {
      throw new UsageError(
        `bsa ${command}: --scenario ${s}: expected ${SCENARIOS.map((x) => x.name).join(", ")} (or ${
          SCENARIOS.map((x) => x.code).join(", ")
        })`,
      );
    }
    return info.name;
  });
  const categories = listFlagRaw(values, "category");
  for (const c of categories) {
    if (!CATEGORIES.some((x) => x.name === c)) {
      throw new UsageError(
        `bsa ${command}: --category ${c}: expected one of ${CATEGORIES.map((x) => x.name).join("; ")}`,
      );
    }
  }
  return {
    idsFile: values.ids as string | undefined,
    scenarios,
    categories,
    limit: numberFlag(command, values, "limit", { integer: true, min: 1, max: LIMITS.questions }),
  };
}

/**
 * An optional flag holding a JSON object, e.g. `--extra-body '{"repetition_penalty":1.05}'`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonObjectFlag } from "./_flags.ts";
 * assert.deepEqual(jsonObjectFlag("run", { "extra-body": '{"a":1}' }, "extra-body"), { a: 1 });
 * assert.throws(() => jsonObjectFlag("run", { "extra-body": '"str"' }, "extra-body"), /must be a JSON object/);
 * ```
 */
export function jsonObjectFlag(
  command: string,
  values: Record<string, unknown>,
  name: string,
): Record<string, unknown> | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  try {
    const obj = JSON.parse(v as string);
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new Error("not a JSON object");
    return obj;
  } catch (err) {
    throw new UsageError(`bsa ${command}: --${name} must be a JSON object: ${(err as Error).message}`);
  }
}
