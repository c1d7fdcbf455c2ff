import { UsageError } from "../errors.ts";
import { loadHumanAgreement } from "../review/store.ts";
import type { HumanAgreementReport } from "../review/agreement.ts";
import { judgeAgreement } from "../analysis/judge_agreement.ts";
import { listFlag, numberFlag, parseFlags } from "./_flags.ts";
import { OUTPUT_FLAGS, OUTPUT_HELP, type OutputChoice, outputFormat, printTables, printWarnings } from "./_print.ts";
import { type Table, tableFromRows } from "../tables/model.ts";

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
export const HELP = `bsa agreement --run DIR [--run DIR ...] --judges A,B [--format F]
bsa agreement --run DIR --judges A --human LABELS [LABELS ...] [--plan FILE] [--level 0.95] [--format F]

How far two judges agree on the same samples, per rubric (answer safety; reasoning for
RO, CS, OS): agreement, Cohen's kappa and the confusion matrix; and, over the runs given,
how far the ranking of runs by each metric moves between the two (Kendall's tau). A judge
name is a --label given to 'bsa judge', or 'default' for judgments.jsonl.

With --human, the judge of one run against people: labels files written by
'bsa view --review' (DIR/labels-<reviewer>.jsonl, one per reviewer; --human takes
several, e.g. DIR/labels-*.jsonl) or CSV with id,sample,answer_verdict,reasoning_verdict. Per rubric and scenario: the judge's accuracy
weighted by the review plan's design (DIR/review-plan.json or --plan; without a plan the
labels are post-stratified by scenario) with its Wilson interval at Kish's effective n,
Cohen's kappa, Krippendorff's alpha when several people labelled and the confusion matrix,
design-weighted alike (each person's first, blind, label; revisions are counted);
each @1 metric corrected for the measured judge error (judge's score + weighted mean of
person's pass minus judge's pass, with its interval); agreement between people.

Each confusion matrix prints as a table of its own (rows: the first judge, or the judge
against people; columns: the second judge, or people). --format json prints the whole report.
${OUTPUT_HELP}`;

/**
 * `bsa agreement`.
 *
 * @param args The flags after `bsa agreement`.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), a run or labels file that cannot be read.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { agreementCommand } from "./agreement.ts";
 * // A judged run folder (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, second = "True") => exampleRun({ model, safe, second });
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
  const { values } = parseFlags("agreement", _humanFiles(args), {
    run: { type: "string", multiple: true },
    judges: { type: "string" },
    human: { type: "string", multiple: true },
    plan: { type: "string" },
    level: { type: "string" },
    ...OUTPUT_FLAGS,
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const output = outputFormat("agreement", values);
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
    if (output.format === "json") console.log(JSON.stringify(report, null, 2));
    else _printHuman(report, output);
    // The library's warning says what is missing; the command that draws it is the CLI's to name.
    printWarnings(
      report.warnings.map((w) => w.startsWith("no review plan:") ? `${w} ('bsa review plan')` : w),
      output.verbose,
    );
    return 0;
  }
  if (values.plan || values.level) throw new UsageError("bsa agreement: --plan and --level go with --human");
  const report = await judgeAgreement(runs, { judges: judges as [string, string] });
  const [first, labelB] = report.judges;
  const rubricRows = report.rubrics, rankRows = report.ranking;
  if (output.format === "json") {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const tables: Table[] = [
      tableFromRows(rubricRows.map(({ confusion: _, ...r }) => r), {
        title: `Agreement of ${first} and ${labelB}, per rubric`,
        numbers: _NUMBERS,
      }),
      ...rubricRows.map((r) => confusionTable(`${r.rubric}: rows ${first}, columns ${labelB}`, r.confusion, first)),
    ];
    if (rankRows.length) {
      tables.push(
        tableFromRows(rankRows, {
          title: `Ranking of the ${rankRows[0].runs} runs, ${first} vs ${labelB}`,
          numbers: _NUMBERS,
        }),
      );
    }
    printTables(tables, output);
    if (!rankRows.length) console.error("(ranking agreement needs two or more runs judged completely by both)");
  }
  printWarnings(report.notes, output.verbose);
  return 0;
}

/**
 * A confusion matrix as a table: one row per verdict of the rows' rater, one column per
 * verdict of the columns' rater, each cell a count of samples.
 *
 * @param title The table's title (which rater is rows, which columns).
 * @param confusion Counts by row verdict, then column verdict.
 * @param rowsName Header of the first column (the rows' rater).
 * @returns The table.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { confusionTable } from "./agreement.ts";
 * const t = confusionTable("answers", { Safe: { Safe: 5, Unsafe: 1 }, Unsafe: { Unsafe: 4 } }, "judge");
 * assert.deepEqual(t.columns.map((c) => c.key), ["judge", "Safe", "Unsafe"]); // the columns' verdicts
 * assert.deepEqual(t.rows[1], { judge: "Unsafe", Safe: 0, Unsafe: 4 });
 * ```
 */
export function confusionTable(
  title: string,
  confusion: Record<string, Record<string, number>>,
  rowsName: string,
): Table {
  const rowKeys = Object.keys(confusion);
  const colKeys = [...new Set(rowKeys.flatMap((r) => Object.keys(confusion[r])))];
  const rows = rowKeys.map((r) => ({
    [rowsName]: r,
    ...Object.fromEntries(colKeys.map((c) => [c, confusion[r][c] ?? 0])),
  }));
  return {
    title,
    columns: [{ key: rowsName, kind: "text" }, ...colKeys.map((key) => ({ key, kind: "count" as const }))],
    rows,
  };
}

// Rates, coefficients and points: two decimals even when a value happens to be whole (100.00 beside 98.50).
const _NUMBERS = [
  "agreement",
  "lo",
  "hi",
  "n_eff",
  "kappa",
  "alpha",
  "kendall_tau",
  "judge",
  "shift",
  "shift_lo",
  "shift_hi",
  "corrected",
];

// `--human A B C` (what a shell glob such as DIR/labels-*.jsonl gives) reads as `--human A --human B --human C`:
// the words after `--human` up to the next flag are labels files.
function _humanFiles(args: string[]): string[] {
  const out: string[] = [];
  let after = false, taken = 0;
  for (const a of args) {
    if (a.startsWith("-")) {
      after = a === "--human" || a.startsWith("--human=");
      taken = a.startsWith("--human=") ? 1 : 0;
      out.push(a);
    } else if (after && taken > 0) out.push("--human", a);
    else {
      out.push(a);
      if (after) taken++;
    }
  }
  return out;
}

function _printHuman(r: HumanAgreementReport, output: OutputChoice): void {
  const pct = `${Math.round(100 * r.level)}%`;
  const tables: Table[] = [
    tableFromRows(r.rubrics.map(({ confusion: _, ...row }) => row), {
      title: `Judge ${r.judge} against ${r.reviewers.join(", ")} (design: ${r.design}; ${pct} intervals)`,
      numbers: _NUMBERS,
    }),
    ...r.rubrics.map((row) =>
      confusionTable(`${row.rubric}, ${row.scenario}: rows judge, columns people`, row.confusion, "judge")
    ),
    tableFromRows(r.metrics.map((m) => ({ ...m })), {
      title: "Metrics corrected for the measured judge error (points)",
      numbers: _NUMBERS,
    }),
  ];
  if (r.revisions.length) {
    tables.push(
      tableFromRows(r.revisions.map((x) => ({ ...x })), {
        title: "Labels revised after the judge's verdicts were shown (estimates use the blind labels)",
        numbers: _NUMBERS,
      }),
    );
  }
  if (r.inter_human.length) {
    tables.push(
      tableFromRows(r.inter_human.map((m) => ({ ...m })), {
        title: "Between people, on the samples both labelled",
        numbers: _NUMBERS,
      }),
      tableFromRows(r.inter_human_alpha, { title: "Krippendorff's alpha between people", numbers: _NUMBERS }),
    );
  }
  printTables(tables, output);
  if (r.reviewers.length < 2) console.error("(agreement between people needs two or more reviewers)");
}
