import { UsageError } from "../errors.ts";
import { roundHalfEven } from "../metrics/round.ts";
import { compareRuns } from "../analysis/compare_runs.ts";
import { LIMITS, numberFlag, parseFlags } from "./_flags.ts";
import { OUTPUT_FLAGS, OUTPUT_HELP, outputFormat, printTables, printWarnings } from "./_print.ts";
import { tableFromRows } from "../tables/model.ts";
import { METRIC_ORDER } from "../metrics/metric_table.ts";

/**
 * The text `bsa compare --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, compareCommand } from "./compare.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await compareCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP =
  `bsa compare --run A --run B [--judge NAME] [--seed S] [--bootstrap N] [--permutations N] [--format F]

Paired comparison of two judged runs on the questions both cover (rules vs base,
fine-tuned vs base, one decoding setting vs another): for every metric, B − A with a
95% paired-bootstrap interval and a p-value (exact McNemar for the @k metrics, a paired
permutation test for the others), Holm-adjusted across the metrics (p_adj). n is the
number of questions a metric reads (a scenario metric: that scenario's). Each run's
scoring warnings, questions judged by one run only and metrics not compared are printed
as warnings. Metrics in the paper's order; differences in points with two decimals, diff
as "B − A [lo, hi]"; p-values to three decimals ("<0.001" below).

${OUTPUT_HELP}`;

/**
 * `bsa compare`.
 *
 * @param args The flags after `bsa compare`.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), a run that cannot be read, or runs with no question in common.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { compareCommand } from "./compare.ts";
 * // A judged run folder (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, second = "True") => exampleRun({ model, safe, second });
 * const a = await judgedRun("a", 5), b = await judgedRun("b", 10);
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * const code = await compareCommand(["--run", a, "--run", b, "--json", "--seed", "1"]).finally(() => (console.log = log));
 * const safe1 = JSON.parse(printed[0]).find((r: { metric: string }) => r.metric === "Safe@1");
 * assert(code === 0 && safe1.A === 50 && safe1.B === 100 && safe1.diff === 50 && safe1.n === 10);
 * assert(safe1.diff_lo > 0 && safe1.p_adj >= safe1.p); // B − A, paired over the ten questions
 * ```
 */
export async function compareCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("compare", args, {
    run: { type: "string", multiple: true },
    judge: { type: "string" },
    seed: { type: "string" },
    bootstrap: { type: "string" },
    permutations: { type: "string" },
    ...OUTPUT_FLAGS,
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const output = outputFormat("compare", values);
  const runs = (values.run as string[] | undefined) ?? [];
  if (runs.length !== 2) throw new UsageError("bsa compare: give exactly two runs: --run A --run B");
  const seed = numberFlag("compare", values, "seed", {
    integer: true,
    min: -LIMITS.seed,
    max: LIMITS.seed,
    default: 0,
  })!;
  const { rows, warnings } = await compareRuns(runs[0], runs[1], {
    judge: values.judge as string | undefined,
    seed,
    replicates: numberFlag("compare", values, "bootstrap", {
      integer: true,
      min: 100,
      max: LIMITS.replicates,
      default: 2000,
    }),
    permutations: numberFlag("compare", values, "permutations", {
      integer: true,
      min: 100,
      max: LIMITS.replicates,
      default: 2000,
    }),
  });
  printWarnings(warnings, output.verbose);
  const out = rows.map((r) => ({
    metric: r.metric,
    n: r.n,
    A: roundHalfEven(r.a, 2),
    B: roundHalfEven(r.b, 2),
    diff: roundHalfEven(r.diff, 2),
    diff_lo: roundHalfEven(r.lo, 2),
    diff_hi: roundHalfEven(r.hi, 2),
    p: r.p,
    p_adj: r.p_adj,
    test: r.test,
    significant: r.significant,
  }));
  console.error(`A = ${runs[0]}, B = ${runs[1]}; seed ${seed}`);
  // JSON keeps every field at full precision for scripts; the other formats go through the table model.
  if (output.format === "json") console.log(JSON.stringify(out, null, 2));
  else {
    const order = METRIC_ORDER as readonly string[];
    const sorted = [...out].sort((x, y) => order.indexOf(x.metric) - order.indexOf(y.metric));
    const table = tableFromRows(sorted, {
      numbers: ["A", "B", "diff"],
      p: ["p", "p_adj"],
      labels: { diff: "B − A" },
      notes: [
        `A = ${runs[0]}, B = ${runs[1]}; seed ${seed}; B − A in points with its 95% paired-bootstrap interval; ` +
        "p Holm-adjusted across the metrics",
      ],
    });
    // The notes are for exported files; on a terminal they are already on stderr.
    if (output.format === "table") delete table.notes;
    printTables([table], output);
  }

  return 0;
}
