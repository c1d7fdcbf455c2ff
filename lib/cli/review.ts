import { UsageError } from "../errors.ts";
import { designPath, judgedSamples, planPath, planReview, writePlan } from "../review/mod.ts";
import { loadRunJudgments } from "../store/mod.ts";
import { LIMITS, numberFlag, parseFlags, subcommandName } from "./_flags.ts";
import { checkOutputFlag } from "./_output.ts";
import { formatRows, printWarnings } from "./_print.ts";

/**
 * The text `bsa review --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, reviewCommand } from "./review.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await reviewCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP =
  `bsa review plan --run DIR (--n N | --margin PTS [--expected-accuracy PCT] [--margin-rows every|overall])
                [--seed S] [--by-verdict] [--judge LABEL] [--level 0.95] [--out FILE] [--force] [--json]

Draw the samples people will label to validate the judge: stratified by scenario (and by
the judge's answer and reasoning verdicts with --by-verdict, so verdicts the judge gives
rarely are reviewed too), at least two per stratum, the rest in proportion to size. Size it
with --n, or with --margin: the half-width in points of the judge-accuracy intervals that
'bsa agreement' will report (Wilson at Kish's effective n) at --expected-accuracy (default
50, the widest); --margin-rows every (the default) sizes every row it reports (all samples,
and each scenario's answer-safety and reasoning rows), overall the all-samples row only.
Samples that failed or were truncated are counted, not drawn: no verdict of the judge's is
in them. The reviewer's file DIR/review-plan.json (or --out) lists the samples to label in
labelling order, with no stratum or verdict; the design (strata, population sizes, weights,
the seed, random unless given) is kept beside it in review-plan.design.json, which the
reviewer does not open. Label with
'bsa view --run DIR --review FILE'; then 'bsa agreement --run DIR --judges default --human DIR/labels-*.jsonl'.`;

/**
 * `bsa review plan`.
 *
 * @param args The subcommand `plan` and its flags.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), a run that cannot be read, or a plan file that exists (without `--force`).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { reviewCommand } from "./review.ts";
 * // A judged run folder (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, second = "True") => exampleRun({ model, safe, second });
 * const run = await judgedRun("m", 5);
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * const code = await reviewCommand(["plan", "--run", run, "--n", "6", "--seed", "1", "--json"]).finally(() => (console.log = log));
 * const plan = JSON.parse(printed[0]);
 * assert(code === 0 && plan.samples.length === 6 && plan.strata[0].population === 10 && plan.seed === 1);
 * assert(JSON.parse(await Deno.readTextFile(`${run}/review-plan.json`)).samples.length === 6); // saved beside the run
 * ```
 */
export async function reviewCommand(args: string[]): Promise<number> {
  const name = subcommandName("review", args, "plan");
  const { values, positionals } = parseFlags(name, args, {
    run: { type: "string" },
    n: { type: "string" },
    margin: { type: "string" },
    "expected-accuracy": { type: "string" },
    "margin-rows": { type: "string" },
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
  if (!run) throw new UsageError(`bsa ${name}: --run DIR is required`);
  const n = numberFlag(name, values, "n", { integer: true, min: 1, max: LIMITS.reviewItems });
  const margin = numberFlag(name, values, "margin", { min: 0.01, max: 50 });
  if ((n === undefined) === (margin === undefined)) {
    throw new UsageError(`bsa ${name}: give --n N or --margin PTS (one of them)`);
  }
  const expectedAccuracy = numberFlag(name, values, "expected-accuracy", { min: 0, max: 100 });
  if (expectedAccuracy !== undefined && margin === undefined) {
    throw new UsageError(`bsa ${name}: --expected-accuracy goes with --margin`);
  }
  const marginRows = values["margin-rows"] as string | undefined;
  if (marginRows !== undefined && !["every", "overall"].includes(marginRows)) {
    throw new UsageError(`bsa ${name}: --margin-rows takes every or overall, got '${marginRows}'`);
  }
  if (marginRows !== undefined && margin === undefined) {
    throw new UsageError(`bsa ${name}: --margin-rows goes with --margin`);
  }
  const seed = numberFlag(name, values, "seed", { integer: true, min: 0, max: 2 ** 32 - 1 }) ??
    crypto.getRandomValues(new Uint32Array(1))[0];
  const level = numberFlag(name, values, "level", { min: 0.5, max: 0.999 }) ?? 0.95;
  const judge = (values.judge as string | undefined) ?? "default";
  const plan = planReview(judgedSamples(await loadRunJudgments([run], judge)), {
    run,
    judge,
    n,
    margin,
    expectedAccuracy,
    marginRows: marginRows as "every" | "overall" | undefined,
    seed,
    level,
    byVerdict: values["by-verdict"] === true,
  });
  const out = (values.out as string | undefined) ?? planPath(run);
  // The run's own plan is the run store's; any other path goes through the output guard.
  if (out !== planPath(run)) await checkOutputFlag(name, "out", out, { force: values.force === true });
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
  if (values.json) console.log(JSON.stringify({ path: out, design: designPath(out), ...plan }, null, 2));
  else {
    console.log(formatRows(plan.strata.map((s) => ({ ...s, weight: Number(s.weight.toFixed(3)) }))));
    const size = "margin" in plan.target
      ? ` (for ±${plan.target.margin} points at ${plan.target.expected_accuracy}% accuracy: ±${
        plan.target.half_width.toFixed(2)
      })`
      : "";
    if ("rows" in plan.target && plan.target.rows) {
      console.log(
        `\nRows sized:\n${
          formatRows(plan.target.rows.map((r) => ({ ...r, half_width: Number(r.half_width.toFixed(2)) })))
        }`,
      );
    }
    console.log(
      `\n${plan.samples.length} samples${size}, seed ${plan.seed}; plan written to ${out} (design: ${designPath(out)})`,
    );
  }
  printWarnings(warnings);
  return 0;
}
