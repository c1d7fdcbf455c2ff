import { powerTable } from "../stats/power.ts";
import { UsageError } from "../errors.ts";
import { numberFlag, parseFlags } from "./_flags.ts";
import { formatRows } from "./_print.ts";

/**
 * The text `bsa power --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP } from "./power.ts";
 * assert(HELP.startsWith("bsa power"));
 * ```
 */
export const HELP = `bsa power --baseline PCT --k K [--icc R] [--alpha A] [--power P] [--json]

The smallest difference (points) between two conditions that a two-sided test detects
with 80% power, for @1 and @k metrics, on the full set (2,000) and on each scenario's
subset (600 RO, 1,200 CS, 200 OS). --icc is the correlation between samples of one
question for @1 metrics (default 0.5).`;

/**
 * `bsa power`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { powerCommand } from "./power.ts";
 * assert(await powerCommand(["--help"]) === 0);
 * ```
 */
export function powerCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("power", args, {
    baseline: { type: "string" },
    k: { type: "string" },
    icc: { type: "string" },
    alpha: { type: "string" },
    power: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), Promise.resolve(0));
  const baseline = numberFlag("power", values, "baseline", { min: 0, max: 100 });
  if (baseline === undefined) throw new UsageError("bsa power: --baseline PCT is required");
  const k = numberFlag("power", values, "k", { integer: true, min: 1, default: 5 })!;
  const rows = powerTable({
    baseline: baseline / 100,
    k,
    icc: numberFlag("power", values, "icc", { min: 0, max: 1, default: 0.5 }),
    alpha: numberFlag("power", values, "alpha", { min: 0.0001, max: 0.5, default: 0.05 }),
    power: numberFlag("power", values, "power", { min: 0.5, max: 0.999, default: 0.8 }),
  });
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else console.log(formatRows(rows));
  return Promise.resolve(0);
}
