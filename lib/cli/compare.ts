import { UsageError } from "../errors.ts";
import { roundHalfEven } from "../metrics/round.ts";
import { compareRuns } from "../analysis/compare_runs.ts";
import { adjustHolm } from "../stats/holm.ts";
import { numberFlag, parseFlags } from "./_flags.ts";
import { formatRows } from "./_print.ts";

/**
 * The text `bsa compare --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP } from "./compare.ts";
 * assert(HELP.startsWith("bsa compare"));
 * ```
 */
export const HELP = `bsa compare --run A --run B [--judge NAME] [--seed S] [--json]

Paired comparison of two judged runs on the questions both cover (rules vs base,
fine-tuned vs base, one decoding setting vs another): for every metric, B − A with a
95% paired-bootstrap interval and a p-value (exact McNemar for the @k metrics, a paired
permutation test for the others), Holm-adjusted across the metrics.`;

/**
 * `bsa compare`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareCommand } from "./compare.ts";
 * assert(await compareCommand(["--help"]) === 0);
 * ```
 */
export async function compareCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("compare", args, {
    run: { type: "string", multiple: true },
    judge: { type: "string" },
    seed: { type: "string" },
    bootstrap: { type: "string" },
    permutations: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const runs = (values.run as string[] | undefined) ?? [];
  if (runs.length !== 2) throw new UsageError("bsa compare: give exactly two runs: --run A --run B");
  const seed = numberFlag("compare", values, "seed", { integer: true, default: 0 })!;
  const { rows, leftOut, compared } = await compareRuns(runs[0], runs[1], {
    judge: values.judge as string | undefined,
    seed,
    replicates: numberFlag("compare", values, "bootstrap", { integer: true, min: 100, default: 2000 }),
    permutations: numberFlag("compare", values, "permutations", { integer: true, min: 100, default: 2000 }),
  });
  if (leftOut) {
    console.error(`warning: ${leftOut} question(s) judged in only one run are left out; ${compared} compared`);
  }
  const out = adjustHolm(rows).map((r) => ({
    metric: r.metric,
    n: r.n,
    A: roundHalfEven(r.a, 2),
    B: roundHalfEven(r.b, 2),
    diff: roundHalfEven(r.diff, 2),
    diff_lo: roundHalfEven(r.lo, 2),
    diff_hi: roundHalfEven(r.hi, 2),
    p: r.p,
    p_holm: r.p_holm,
    test: r.test,
    significant: r.significant,
  }));
  console.error(`A = ${runs[0]}, B = ${runs[1]}; seed ${seed}`);
  if (values.json) console.log(JSON.stringify(out, null, 2));
  else {
    console.log(
      formatRows(
        out.map((r) => ({
          ...r,
          p: r.p.toPrecision(3),
          p_holm: r.p_holm.toPrecision(3),
          significant: r.significant ? "*" : "",
        })),
      ),
    );
  }

  return 0;
}
