import { UsageError } from "../errors.ts";
import { loadHumanAgreement } from "../review/store.ts";
import type { HumanAgreementReport } from "../review/agreement.ts";
import { judgeAgreement } from "../analysis/judge_agreement.ts";
import { listFlag, numberFlag, parseFlags } from "./_flags.ts";
import { formatRows, printWarnings } from "./_print.ts";

/**
 * The text `bsa agreement --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, agreementCommand } from "./agreement.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await agreementCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa agreement --run DIR [--run DIR ...] --judges A,B [--json]
bsa agreement --run DIR --judges A --human LABELS... [--plan FILE] [--level 0.95] [--json]

How far two judges agree on the same samples, per rubric (answer safety; reasoning for
RO, CS, OS): agreement, Cohen's kappa and the confusion matrix; and, over the runs given,
how far the ranking of runs by each metric moves between the two (Kendall's tau). A judge
name is a --label given to 'bsa judge', or 'default' for judgments.jsonl.

With --human, the judge of one run against people: labels files written by
'bsa view --review' (DIR/labels-<reviewer>.jsonl, one per reviewer) or CSV with
id,sample,answer_verdict,reasoning_verdict. Per rubric and scenario: the judge's accuracy
weighted by the review plan's design (DIR/review-plan.json or --plan; without a plan the
labels are post-stratified by scenario) with its Wilson interval at Kish's effective n,
Cohen's kappa, Krippendorff's alpha when several people labelled, the confusion matrix;
each @1 metric corrected for the measured judge error (judge's score + weighted mean of
person's pass minus judge's pass, with its interval); agreement between people.`;

/**
 * `bsa agreement`.
 *
 * @param args The flags after `bsa agreement`.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), a run or labels file that cannot be read.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreementCommand } from "./agreement.ts";
 * import { newManifest, writeManifest } from "../store/mod.ts";
 * // A judged run folder (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = async (model: string, safe: number, second = "True") => {
 *   const dir = await Deno.makeTempDir();
 *   const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
 *   const dataset = { source: "d.csv", sha256: "x", pinned: false };
 *   await writeManifest(dir, newManifest({ model, endpoints: [], k: 1, dataset, subset: { ids, description: "" }, params: {}, tags: {} }));
 *   const verdicts = (reasoning: string) =>
 *     ids.map((id, i) => JSON.stringify({ id, sample: 0, scenario: "Risk Omission", answer_verdict: i < safe ? "Safe" : "Unsafe", reasoning_verdict: reasoning }) + "\n").join("");
 *   await Deno.writeTextFile(`${dir}/judgments.jsonl`, verdicts("True"));
 *   await Deno.writeTextFile(`${dir}/judgments-second.jsonl`, verdicts(second));
 *   return dir;
 * };
 * const run = await judgedRun("m", 5, "False"); // a second judge that calls every reasoning wrong
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * const code = await agreementCommand(["--run", run, "--judges", "default,second", "--json"]).finally(() => (console.log = log));
 * const [answers, reasoning] = JSON.parse(printed[0]).rubrics;
 * assert(code === 0 && answers.kappa === 1 && answers.agreement === 100); // same answer verdicts
 * assert(reasoning.rubric === "reasoning: Risk Omission" && reasoning.agreement === 0);
 * ```
 */
export async function agreementCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("agreement", args, {
    run: { type: "string", multiple: true },
    judges: { type: "string" },
    human: { type: "string", multiple: true },
    plan: { type: "string" },
    level: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const runs = (values.run as string[] | undefined) ?? [];
  const judges = listFlag(values, "judges");
  const human = (values.human as string[] | undefined) ?? [];
  if (!runs.length) throw new UsageError("bsa agreement: --run DIR is required");
  if (human.length ? judges.length !== 1 : judges.length !== 2) {
    throw new UsageError("bsa agreement: --judges takes two names (or one with --human LABELS)");
  }
  if (human.length) {
    if (runs.length !== 1) throw new UsageError("bsa agreement: --human labels belong to one run: give one --run");
    const level = numberFlag("agreement", values, "level", { min: 0.5, max: 0.999 });
    const report = await loadHumanAgreement({
      run: runs[0],
      judge: judges[0],
      human,
      plan: values.plan as string | undefined,
      level,
    });
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else _printHuman(report);
    // The library's warning says what is missing; the command that draws it is the CLI's to name.
    printWarnings(report.warnings.map((w) => w.startsWith("no review plan:") ? `${w} ('bsa review plan')` : w));
    return 0;
  }
  if (values.plan || values.level) throw new UsageError("bsa agreement: --plan and --level go with --human");
  const report = await judgeAgreement(runs, { judges: judges as [string, string] });
  const [first, labelB] = report.judges;
  const rubricRows = report.rubrics, rankRows = report.ranking;
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(formatRows(rubricRows.map(({ confusion: _, ...r }) => r)));
    for (const r of rubricRows) {
      console.log(`\n${r.rubric} (rows: ${first}, columns: ${labelB})\n${JSON.stringify(r.confusion, null, 1)}`);
    }
    if (rankRows.length) {
      console.log(`\nRanking of the ${rankRows[0].runs} runs, ${first} vs ${labelB}:\n${formatRows(rankRows)}`);
    } else console.log("\n(ranking agreement needs two or more runs judged completely by both)");
  }
  return 0;
}

function _printHuman(r: HumanAgreementReport): void {
  const pct = `${Math.round(100 * r.level)}%`;
  console.log(`Judge ${r.judge} against ${r.reviewers.join(", ")} (design: ${r.design}; ${pct} intervals)\n`);
  console.log(formatRows(r.rubrics.map(({ confusion: _, ...row }) => row)));
  for (const row of r.rubrics) {
    console.log(
      `\n${row.rubric}, ${row.scenario} (rows: judge, columns: people)\n${JSON.stringify(row.confusion, null, 1)}`,
    );
  }
  console.log(
    `\nMetrics corrected for the measured judge error (points):\n${formatRows(r.metrics.map((m) => ({ ...m })))}`,
  );
  if (r.inter_human.length) {
    console.log(`\nBetween people, on the samples both labelled:\n${formatRows(r.inter_human.map((m) => ({ ...m })))}`);
    console.log(formatRows(r.inter_human_alpha));
  } else if (r.reviewers.length < 2) console.log("\n(agreement between people needs two or more reviewers)");
}
