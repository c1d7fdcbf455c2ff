import { type RunScores, scoreOfficialCsv, scoreRuns } from "../analysis/score_runs.ts";
import { loadDataset } from "../dataset/load.ts";
import { BsaError, UnknownColumnError, UsageError } from "../errors.ts";
import { COUNT_COLUMNS, formatOfficialCsv, METRICS, roundHalfEven, type ScoreReport } from "../metrics/mod.ts";
import { DEFAULT_ALPHA } from "../metrics/fscore.ts";
import { writeAtomic } from "../fs.ts";
import { LIMITS, listFlag, numberFlag, parseFlags } from "./_flags.ts";
import { formatRows, printWarnings } from "./_print.ts";

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
  --export-official FILE  also write the judgments as the upstream script's CSV
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
  --json               a JSON array, one object per group`;

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
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const runs = (values.run as string[] | undefined) ?? [];
  const csv = values["official-csv"] as string | undefined;
  if (!!csv === runs.length > 0) {
    throw new UsageError("bsa score: give either --run DIR (repeatable) or --official-csv FILE");
  }
  const alpha = numberFlag("score", values, "alpha", { min: 0, max: 1 });
  const exportPath = values["export-official"] as string | undefined;
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
  printReport(scored, { json: !!values.json, details: !!values.details });
  return 0;
}

/**
 * Print a score report: JSON (rounded to 2 decimals) or a readable table; warnings on stderr.
 *
 * @param report The scores and their warnings.
 * @param opts `json`: print JSON; `details`: keep the count columns; `extra`: more columns to keep.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { scoreJudgments } from "../metrics/score.ts";
 * import { printReport } from "./score.ts";
 * const j = aq.from([{ model: "m", id: "q", scenario: "Risk Omission", answer_verdict: "Safe", reasoning_verdict: "True" }]);
 * const out: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => out.push(s);
 * printReport(scoreJudgments(j, { k: 1 }), { json: true, details: false });
 * console.log = log;
 * assert(JSON.parse(out[0])[0]["Safe@1"] === 100);
 * ```
 */
export function printReport(report: ScoreReport, opts: { json: boolean; details: boolean; extra?: string[] }): void {
  printWarnings(report.warnings);
  const counts = COUNT_COLUMNS as readonly string[];
  const by = report.table.columnNames().filter((c) =>
    !METRICS.includes(c as never) && !counts.includes(c) && !/_(lo|hi)$/.test(c)
  );
  // Groups at different k: k is part of what a row means, so it is shown without --details.
  const detailCols = counts.filter((c) => c !== "expected" && (c !== "k" || opts.details));
  const present = new Set(report.table.columnNames());
  const metricCols = METRICS.flatMap((m) => [m, `${m}_lo`, `${m}_hi`]).filter((c) => present.has(c));
  const cols = [
    ...by,
    ...(opts.details ? detailCols : report.k === null ? ["k"] : []),
    ...metricCols,
    ...(opts.extra ?? []),
  ];
  const rows = (report.table.objects() as Record<string, unknown>[]).map((r) => {
    const o: Record<string, unknown> = {};
    for (const c of cols) {
      const v = r[c];
      o[c] = typeof v === "number" && (metricCols.includes(c))
        ? roundHalfEven(v, 2)
        : c === "coverage" && typeof v === "number"
        ? roundHalfEven(v, 4)
        : v ?? null;
    }
    return o;
  });
  if (opts.json) console.log(JSON.stringify(rows, null, 2));
  else {
    // Readable form: "80.11 [77.67, 82.56]" in one column per metric.
    const shown = cols.filter((c) => !/_(lo|hi)$/.test(c));
    const fmt = (v: unknown) => (typeof v === "number" ? v.toFixed(2) : "–");
    console.log(formatRows(
      rows.map((r) =>
        Object.fromEntries(
          shown.map((
            c,
          ) => [
            c,
            r[`${c}_lo`] !== undefined
              ? `${fmt(r[c])} [${fmt(r[`${c}_lo`])}, ${fmt(r[`${c}_hi`])}]`
              : metricCols.includes(c)
              ? r[c] ?? "–"
              : r[c],
          ]),
        )
      ),
      shown,
    ));
  }
}
