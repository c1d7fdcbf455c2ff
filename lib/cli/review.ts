import { UsageError } from "../errors.ts";
import { loadJudged, planPath, planReview, writePlan } from "../review/mod.ts";
import { numberFlag, parseFlags } from "./_flags.ts";
import { formatRows, printWarnings } from "./_print.ts";

/**
 * The text `bsa review --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP } from "./review.ts";
 * assert(HELP.startsWith("bsa review plan"));
 * ```
 */
export const HELP = `bsa review plan --run DIR (--n N | --margin PTS [--expected-accuracy PCT]) [--seed S]
                [--by-verdict] [--judge LABEL] [--level 0.95] [--out FILE] [--force] [--json]

Draw the samples people will label to validate the judge: stratified by scenario (and by
the judge's answer and reasoning verdicts with --by-verdict, so verdicts the judge gives
rarely are reviewed too), at least two per stratum, the rest in proportion to size. Size it
with --n, or with --margin: the half-width in points of the judge-accuracy interval that
'bsa agreement' will report (Wilson at Kish's effective n) at --expected-accuracy (default
50, the widest). Samples that failed or were truncated are counted, not drawn: no verdict of
the judge's is in them. The plan records strata, population sizes, weights and the seed
(random unless given) in DIR/review-plan.json (or --out). Label with
'bsa view --run DIR --review FILE'; then 'bsa agreement --run DIR --judges default --human DIR/labels-*.jsonl'.`;

/**
 * `bsa review plan`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reviewCommand } from "./review.ts";
 * assert(await reviewCommand(["--help"]) === 0);
 * ```
 */
export async function reviewCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags("review", args, {
    run: { type: "string" },
    n: { type: "string" },
    margin: { type: "string" },
    "expected-accuracy": { type: "string" },
    seed: { type: "string" },
    "by-verdict": { type: "boolean" },
    judge: { type: "string" },
    level: { type: "string" },
    out: { type: "string" },
    force: { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) return (console.log(HELP), 0);
  if (positionals[0] !== "plan" || positionals.length > 1) {
    throw new UsageError(`bsa review: expected 'bsa review plan', got '${positionals.join(" ")}'\n\n${HELP}`);
  }
  const run = values.run as string | undefined;
  if (!run) throw new UsageError("bsa review plan: --run DIR is required");
  const n = numberFlag("review plan", values, "n", { integer: true, min: 1 });
  const margin = numberFlag("review plan", values, "margin", { min: 0.01, max: 50 });
  if ((n === undefined) === (margin === undefined)) {
    throw new UsageError("bsa review plan: give --n N or --margin PTS (one of them)");
  }
  const expectedAccuracy = numberFlag("review plan", values, "expected-accuracy", { min: 0, max: 100 });
  if (expectedAccuracy !== undefined && margin === undefined) {
    throw new UsageError("bsa review plan: --expected-accuracy goes with --margin");
  }
  const seed = numberFlag("review plan", values, "seed", { integer: true, min: 0, max: 2 ** 32 - 1 }) ??
    crypto.getRandomValues(new Uint32Array(1))[0];
  const level = numberFlag("review plan", values, "level", { min: 0.5, max: 0.999 }) ?? 0.95;
  const judge = (values.judge as string | undefined) ?? "default";
  const plan = planReview(await loadJudged(run, judge), {
    run,
    judge,
    n,
    margin,
    expectedAccuracy,
    seed,
    level,
    byVerdict: values["by-verdict"] === true,
  });
  const out = (values.out as string | undefined) ?? planPath(run);
  await writePlan(out, plan, values.force === true);
  const warnings: string[] = [];
  if ("reached" in plan.target && !plan.target.reached) {
    warnings.push(
      `even every sample of the run gives a half-width of ${plan.target.half_width.toFixed(2)} points, ` +
        `more than the ${plan.target.margin} asked: the plan reviews them all`,
    );
  }
  const excluded = plan.excluded.reduce((a, e) => a + e.count, 0);
  if (excluded) warnings.push(`${excluded} sample(s) failed or were truncated: counted in the weights, not drawn`);
  if (values.json) console.log(JSON.stringify({ path: out, ...plan }, null, 2));
  else {
    console.log(formatRows(plan.strata.map((s) => ({ ...s, weight: Number(s.weight.toFixed(3)) }))));
    const size = "margin" in plan.target
      ? ` (for ±${plan.target.margin} points at ${plan.target.expected_accuracy}% accuracy: ±${
        plan.target.half_width.toFixed(2)
      })`
      : "";
    console.log(`\n${plan.samples.length} samples${size}, seed ${plan.seed}; plan written to ${out}`);
  }
  printWarnings(warnings);
  return 0;
}
