import { BENCHMARK_SIZE, SCENARIOS } from "../dataset/scenarios.ts";
import { runIcc } from "../analysis/run_icc.ts";
import { powerTable, PUBLISHED_ICC } from "../stats/power.ts";
import { UsageError } from "../errors.ts";
import { LIMITS, numberFlag, parseFlags } from "./_flags.ts";
import { OUTPUT_FLAGS, OUTPUT_HELP, outputFormat, printTables, printWarnings } from "./_print.ts";
import { tableFromRows } from "../tables/model.ts";

// The sizes the help names, from the scenario table so the text cannot drift from it.
const _FULL_SET = BENCHMARK_SIZE.toLocaleString("en-US");
const _SUBSETS = SCENARIOS.map((s) => `${s.size.toLocaleString("en-US")} ${s.code}`).join(", ");

/**
 * The text `bsa power --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, powerCommand } from "./power.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await powerCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa power --baseline PCT --k K [--icc R | --run DIR] [--alpha A] [--power P] [--format F]

The smallest difference (points) between two conditions that a two-sided test detects
with 80% power, for @1 and @k metrics, on the full set (${_FULL_SET}) and on each scenario's
subset (${_SUBSETS}).

  --icc R     the correlation between samples of one question (@1 metrics). Default
              ${PUBLISHED_ICC}: the largest the paper's Safe@1/Safe@k pairs imply (its 23
              models range 0.26-0.74, median 0.51), so no published model is overstated
  --run DIR   estimate the ICC from a judged run (Safe verdicts per question; one-way
              ANOVA estimator) instead
${OUTPUT_HELP}`;

/**
 * `bsa power`.
 *
 * @param args The flags after `bsa power`.
 * @returns The exit code (0).
 * @throws {UsageError} A missing `--baseline`, a value out of range, `--icc` with `--run`, or a run whose ICC cannot be estimated.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { powerCommand } from "./power.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * const code = await powerCommand(["--baseline", "50", "--k", "5", "--icc", "0.5", "--json"]).finally(() => (console.log = log));
 * const rows = JSON.parse(printed[0]) as { set: string; kind: string; mdd_points: number }[];
 * const mdd = (set: string, kind: string) => rows.find((r) => r.set === set && r.kind === kind)!.mdd_points;
 * assert(code === 0 && mdd("full set", "@1") === 3.43 && mdd("full set", "@k") === 4.42);
 * assert(mdd("Over Sensitivity", "@1") > mdd("Risk Omission", "@1")); // 200 questions detect less than 600
 * ```
 */
export async function powerCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("power", args, {
    baseline: { type: "string" },
    k: { type: "string" },
    icc: { type: "string" },
    run: { type: "string" },
    alpha: { type: "string" },
    power: { type: "string" },
    ...OUTPUT_FLAGS,
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const output = outputFormat("power", values);
  const baseline = numberFlag("power", values, "baseline", { min: 0, max: 100 });
  if (baseline === undefined) throw new UsageError("bsa power: --baseline PCT is required");
  const k = numberFlag("power", values, "k", { integer: true, min: 1, max: LIMITS.k, default: 5 })!;
  if (values.icc !== undefined && values.run !== undefined) {
    throw new UsageError("bsa power: give --icc or --run, not both");
  }
  let icc = numberFlag("power", values, "icc", { min: 0, max: 1 });
  let source = icc === undefined ? `default (largest implied by the paper's Safe@1/Safe@k pairs)` : "--icc";
  if (values.run !== undefined) {
    const est = await runIcc(values.run as string);
    printWarnings(est.warnings, output.verbose);
    if (est.icc === null) {
      throw new UsageError(
        `bsa power: ${values.run}: cannot estimate the ICC (k=${est.k}, ${est.questions} questions)`,
      );
    }
    icc = est.icc;
    source = `estimated from ${values.run} (${est.questions} questions, k=${est.k}, Safe verdicts)`;
  }
  icc ??= PUBLISHED_ICC;
  console.error(`ICC ${icc.toFixed(3)}: ${source}`);
  const rows = powerTable({
    baseline: baseline / 100,
    k,
    icc,
    alpha: numberFlag("power", values, "alpha", { min: 0.0001, max: 0.5, default: 0.05 }),
    power: numberFlag("power", values, "power", { min: 0.5, max: 0.999, default: 0.8 }),
  });
  if (output.format === "json") console.log(JSON.stringify(rows, null, 2));
  else {
    // Points and percentages with two decimals; question and sample counts as integers.
    const numbers = Object.keys(rows[0] ?? {}).filter((c) => !/^(n|k|questions|samples|set|kind)$/.test(c));
    printTables([tableFromRows(rows as unknown as Record<string, unknown>[], { numbers })], output);
  }
  return 0;
}
