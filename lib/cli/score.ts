import type { ColumnTable } from "arquero";
import { loadDataset } from "../dataset/load.ts";
import { UsageError } from "../errors.ts";
import {
  formatOfficialCsv,
  METRICS,
  officialQuestionTable,
  questionTable,
  readOfficialCsv,
  roundHalfEven,
  scoreQuestions,
  type ScoreReport,
  withDatasetKeys,
} from "../metrics/mod.ts";
import { writeAtomic } from "../fs.ts";
import { listFlag, numberFlag, parseFlags } from "./_flags.ts";
import { formatRows, printWarnings } from "./_print.ts";

/**
 * The text `bsa score --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP } from "./score.ts";
 * assert(HELP.startsWith("bsa score"));
 * ```
 */
export const HELP = `bsa score (--run DIR [--run DIR ...] | --official-csv FILE --k K) [options]

Score judgments with the BSA metrics (percentages, 2 decimals).
  --run DIR            a judged run folder (repeatable); runs are tagged with their
                       condition columns and grouped by model and those columns
  --official-csv FILE  the upstream evaluation script's CSV
                       (model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge)
  --k K                samples per question (every question must have exactly K;
                       read from the run manifests with --run)
  --export-official FILE  also write the judgments as the upstream script's CSV
  --alpha A            F-score weight on Think@1 (default 0.7639364807041505)
  --by COLS            group by these columns (default: model); category and
                       subcategory need the dataset
  --judge NAME         with --run: score a labelled judge's verdicts (judgments-NAME.jsonl)
  --ci                 add M_lo and M_hi (95% bootstrap intervals over questions, resampled
                       within scenarios) for every metric M; --level L, --bootstrap B, --seed S
  --details            add questions, samples, coverage and invalid-verdict counts
  --json               a JSON array, one object per group`;

/**
 * `bsa score`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoreCommand } from "./score.ts";
 * assert(await scoreCommand(["--help"]) === 0);
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
  let by = listFlag(values, "by");
  const needsDataset = by.some((c) => c === "category" || c === "subcategory") || values.dataset !== undefined;
  const dataset = needsDataset ? await loadDataset({ path: values.dataset as string | undefined }) : undefined;
  let k: number | undefined;
  let perQ: ColumnTable;
  let judgments: ColumnTable | undefined;
  if (csv) {
    k = numberFlag("score", values, "k", { integer: true, min: 1 });
    if (k === undefined) throw new UsageError("bsa score: --k is required with --official-csv");
    if (!by.length) by = ["model"];
    // The streaming reader covers the common case in bounded memory; other groupings
    // (extra columns of the CSV) and the export need the full table.
    if (!exportPath && by.every((c) => STREAMABLE.includes(c))) {
      perQ = withDatasetKeys(await officialQuestionTable(csv, k), by, dataset);
    } else {
      judgments = await readOfficialCsv(csv);
      perQ = questionTable(judgments, { k, by, dataset });
    }
  } else {
    const { loadRunJudgments } = await import("../pipeline/runs.ts");
    const loaded = await loadRunJudgments(runs, values.judge as string | undefined);
    for (const w of loaded.warnings) console.error(`warning: ${w}`);
    k = numberFlag("score", values, "k", { integer: true, min: 1 }) ?? loaded.k;
    if (k !== loaded.k) throw new UsageError(`bsa score: --k ${k} differs from the runs' k=${loaded.k}`);
    judgments = loaded.table;
    if (!by.length) {
      by = ["model", ...loaded.tags];
      // Runs with the same model and tags would pool their samples of a question: keep them apart.
      const keys = loaded.manifests.map((m) =>
        JSON.stringify([m.model, ...loaded.tags.map((t) => m.tags?.[t] ?? null)])
      );
      if (new Set(keys).size < keys.length) {
        by.push("run");
        console.error(
          "note: some runs share model and tags; grouping by run folder as well (tag runs with --tag to name them)",
        );
      }
    }
    perQ = questionTable(judgments, { k, by, dataset });
  }
  if (exportPath) await writeAtomic(exportPath, formatOfficialCsv(judgments!));
  let report = scoreQuestions(perQ, { k, alpha, by, dataset });
  if (values.ci) {
    const { addIntervals } = await import("../stats/score_intervals.ts");
    const { report: withCi, info } = addIntervals(report, perQ, by, {
      level: numberFlag("score", values, "level", { min: 0.5, max: 0.999, default: 0.95 }),
      replicates: numberFlag("score", values, "bootstrap", { integer: true, min: 100, default: 2000 }),
      seed: numberFlag("score", values, "seed", { integer: true, default: 0 }),
    });
    report = withCi;
    console.error(`intervals: ${info.method}, level ${info.level}, ${info.replicates} replicates, seed ${info.seed}`);
  }
  printReport(report, { json: !!values.json, details: !!values.details });
  return 0;
}

const STREAMABLE = ["model", "scenario", "category", "subcategory"];

/**
 * Print a score report: JSON (rounded to 2 decimals) or a readable table; warnings on stderr.
 *
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
  const by = report.table.columnNames().filter((c) =>
    !METRICS.includes(c as never) &&
    !["questions", "samples", "expected", "coverage", "invalid_answer", "invalid_reasoning", "no_reasoning"].includes(
      c,
    ) &&
    !/_(lo|hi)$/.test(c)
  );
  const detailCols = ["questions", "samples", "coverage", "invalid_answer", "invalid_reasoning", "no_reasoning"];
  const present = new Set(report.table.columnNames());
  const metricCols = METRICS.flatMap((m) => [m, `${m}_lo`, `${m}_hi`]).filter((c) => present.has(c));
  const cols = [...by, ...(opts.details ? detailCols : []), ...metricCols, ...(opts.extra ?? [])];
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
    const fmt = (v: unknown) => (typeof v === "number" ? v.toFixed(2) : "-");
    console.log(formatRows(
      rows.map((r) =>
        Object.fromEntries(
          shown.map((
            c,
          ) => [c, r[`${c}_lo`] !== undefined ? `${fmt(r[c])} [${fmt(r[`${c}_lo`])}, ${fmt(r[`${c}_hi`])}]` : r[c]]),
        )
      ),
      shown,
    ));
  }
}
