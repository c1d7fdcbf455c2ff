import { type RunScores, scoreOfficialCsv, scoreRuns } from "../analysis/score_runs.ts";
import { loadDataset } from "../dataset/load.ts";
import { BsaError, UnknownColumnError, UsageError } from "../errors.ts";
import { formatOfficialCsv, type ScoreReport } from "../metrics/mod.ts";
import { scoreTable } from "../metrics/score_table.ts";
import { DEFAULT_ALPHA } from "../metrics/fscore.ts";
import { writeAtomic } from "../fs.ts";
import { LIMITS, listFlag, numberFlag, parseFlags } from "./_flags.ts";
import { OUTPUT_FLAGS, OUTPUT_HELP, type OutputChoice, outputFormat, printTables, printWarnings } from "./_print.ts";
import { checkOutputFlag } from "./_output.ts";

/**
 * The text `bsa score --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, scoreCommand } from "./score.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await scoreCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa score (--run DIR [--run DIR ...] | --official-csv FILE) [options]

Score judgments with the BSA metrics (percentages, 2 decimals).
  --run DIR            a judged run folder (repeatable); runs are tagged with their
                       condition columns and grouped by model and those columns
  --official-csv FILE  the upstream evaluation script's CSV
                       (model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge); its ids
                       must be the dataset's (--dataset)
  --k K|auto           samples per question: a check (read from the run manifests with
                       --run; with --official-csv, auto (default) scores each model at
                       its own k). A question missing samples counts them as not passing
  --export-official FILE  also write the judgments as the upstream script's CSV (an existing
                          FILE only with --force; never a path inside a run folder)
  --force                 with --export-official: replace an existing FILE
  --alpha A            F-score weight on Think@1 (default ${DEFAULT_ALPHA})
  --by COLS            group by these columns (default: model); category and
                       subcategory need the dataset
  --dataset PATH       the dataset (default: BSA_DATASET or the pinned download)
  --judge NAME         with --run: score a labelled judge's verdicts (judgments-NAME.jsonl)
  --ci                 add M_lo and M_hi (95% bootstrap intervals over questions, resampled
                       within scenarios) for every metric M; --level L, --bootstrap B, --seed S
  --details            add questions, samples, coverage, k and the sample count of each
                       outcome (invalid answer/reasoning, no_reasoning, failed,
                       truncated, missing); a metric that cannot be given shows "–"
${OUTPUT_HELP}

Metrics print in the paper's order (Safe@1, Safe@k, Think@1, Think@k, F-score, OS, CS, RO),
as percentages with two decimals; "–" marks a metric not given (the warnings say why).`;

/**
 * `bsa score`.
 *
 * @param args The flags after `bsa score`.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), or judgments that cannot be read or scored.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoreCommand } from "./score.ts";
 * const csv = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(csv, "model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\n" +
 *   "m,q,Risk Omission,Safe,True\nm,q,Risk Omission,**Unsafe**,True\n");
 * // The CSV's ids are checked against a dataset: here a one-question one.
 * const dataset = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(dataset, "id,query,risk_summary,dataset_name,label\n" +
 *   "q,Hi,Insult,Risk Omission,Rumors-Rumors with Negative Impact\n");
 * const out: string[] = [];
 * const log = console.log, err = console.error;
 * console.log = (s: string) => out.push(s);
 * console.error = () => {};
 * const code = await scoreCommand(["--official-csv", csv, "--dataset", dataset, "--json", "--by", "scenario"]);
 * console.log = log, console.error = err;
 * const [row] = JSON.parse(out[0]);
 * assert(code === 0 && row["Safe@1"] === 50 && row["Safe@k"] === 0 && row["RO@k"] === 100);
 * ```
 */
export async function scoreCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("score", args, {
    "official-csv": { type: "string" },
    run: { type: "string", multiple: true },
    "export-official": { type: "string" },
    k: { type: "string" },
    alpha: { type: "string" },
    by: { type: "string", multiple: true },
    dataset: { type: "string" },
    details: { type: "boolean" },
    judge: { type: "string" },
    ci: { type: "boolean" },
    level: { type: "string" },
    bootstrap: { type: "string" },
    seed: { type: "string" },
    ...OUTPUT_FLAGS,
    force: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const output = outputFormat("score", values);
  const runs = (values.run as string[] | undefined) ?? [];
  const csv = values["official-csv"] as string | undefined;
  if (!!csv === runs.length > 0) {
    throw new UsageError("bsa score: give either --run DIR (repeatable) or --official-csv FILE");
  }
  const alpha = numberFlag("score", values, "alpha", { min: 0, max: 1 });
  const exportPath = values["export-official"] as string | undefined;
  if (values.force && !exportPath) throw new UsageError("bsa score: --force goes with --export-official FILE");
  if (exportPath) await checkOutputFlag("score", "export-official", exportPath, { force: values.force === true });
  const by = listFlag(values, "by");
  const kFlag = values.k as string | undefined;
  const k = kFlag === undefined || kFlag === "auto"
    ? undefined
    : numberFlag("score", values, "k", { integer: true, min: 1, max: LIMITS.k });
  const ci = values.ci
    ? {
      level: numberFlag("score", values, "level", { min: 0.5, max: 0.999, default: 0.95 }),
      replicates: numberFlag("score", values, "bootstrap", {
        integer: true,
        min: 100,
        max: LIMITS.replicates,
        default: 2000,
      }),
      seed: numberFlag("score", values, "seed", { integer: true, min: -LIMITS.seed, max: LIMITS.seed, default: 0 }),
    }
    : undefined;
  // A run's ids were checked against the dataset when it was generated; the upstream CSV's
  // never were, so it is read beside the dataset (which also gives coverage its denominators).
  const needsDataset = !!csv || by.some((c) => c === "category" || c === "subcategory") ||
    values.dataset !== undefined;
  const dataset = needsDataset ? await loadDataset({ path: values.dataset as string | undefined }) : undefined;
  const options = { by, dataset, alpha, ci, judge: values.judge as string | undefined };
  let scored: RunScores;
  try {
    scored = csv
      ? await scoreOfficialCsv(csv, { ...options, k: k ?? "auto", keepJudgments: !!exportPath })
      : await scoreRuns(runs, { ...options, k });
  } catch (err) {
    if (err instanceof UnknownColumnError) {
      throw new UsageError(
        `bsa score: --by ${err.columns.join(",")}: no such column; available: ${err.available.join(", ")}`,
      );
    }
    // The library says what differs; the flag that asked for it is the CLI's to name.
    if (k !== undefined && err instanceof BsaError && / k=\d+$| not k=\d+$/.test(err.message)) {
      throw new UsageError(`bsa score: --k ${k}: ${err.message}`);
    }
    throw err;
  }
  if (exportPath) await writeAtomic(exportPath, formatOfficialCsv(scored.judgments!));
  if (scored.intervals) {
    const info = scored.intervals;
    console.error(`intervals: ${info.method}, level ${info.level}, ${info.replicates} replicates, seed ${info.seed}`);
  }
  printReport(scored, { json: false, details: !!values.details, output });
  return 0;
}

/**
 * Print a score report through {@linkcode scoreTable}: the table on stdout (aligned text, or
 * the format chosen; JSON rounded to 2 decimals), its warnings on stderr (repeats collapsed
 * unless `--verbose`).
 *
 * @param report The scores and their warnings.
 * @param opts `json`: print JSON (when no `output` is given); `details`: keep the count columns;
 *   `extra`: more columns to keep; `output`: the format chosen by {@linkcode outputFormat}.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { scoreJudgments } from "../metrics/score.ts";
 * import { printReport } from "./score.ts";
 * const j = aq.from([{ model: "m", id: "q", scenario: "Risk Omission", answer_verdict: "Safe", reasoning_verdict: "True" }]);
 * const out: string[] = [];
 * const log = console.log, err = console.error;
 * console.log = (s: string) => out.push(s);
 * console.error = () => {};
 * printReport(scoreJudgments(j, { k: 1 }), { json: true, details: false });
 * console.log = log, console.error = err;
 * assert(JSON.parse(out[0])[0]["Safe@1"] === 100);
 * ```
 */
export function printReport(
  report: ScoreReport,
  opts: { json: boolean; details: boolean; extra?: string[]; output?: OutputChoice },
): void {
  const output: OutputChoice = opts.output ??
    { format: opts.json ? "json" : "table", render: {}, verbose: true };
  printWarnings(report.warnings, output.verbose);
  printTables([scoreTable(report, { details: opts.details, extra: opts.extra })], output);
}
