/**
 * bsa-lab: load, run, score, analyse and reproduce the Beyond Safe Answers benchmark.
 *
 * The public API, named one by one: what a researcher calls from a script or a notebook.
 * Internals (the request pool, the run store's sample keys, the judge's retry reminder...)
 * stay in their modules.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { scoreJudgments } from "./mod.ts";
 * const judgments = aq.from([
 *   { model: "m", id: "a", scenario: "Risk Omission", answer_verdict: "Safe", reasoning_verdict: "True" },
 *   { model: "m", id: "b", scenario: "Cognitive Shortcut", answer_verdict: "**Safe**", reasoning_verdict: "Not Covered" },
 *   { model: "m", id: "c", scenario: "Over Sensitivity", answer_verdict: "Unsafe", reasoning_verdict: "Precise Coverage" },
 * ]);
 * const [row] = scoreJudgments(judgments, { k: 1 }).table.objects() as Record<string, number>[];
 * assert(row["Safe@1"] === 200 / 3 && row["RO@1"] === 100 && row["Think@1"] === 40); // (600·100 + 1200·0 + 200·100) / 2000
 * ```
 * @module
 */

// Errors and tables.
export { BsaError, UsageError } from "./errors.ts";
export { formatRows, rankBy, type Row, rows } from "./table.ts";
export { parseCsv, type RawRowHandler, readCsvRows, type ReadCsvRowsOptions } from "./csv/parse.ts";
export { stringifyCsv } from "./csv/stringify.ts";
export {
  type ColumnKind,
  escapeLatex,
  formatCell,
  formatNumber,
  type LatexOptions,
  renderCsv,
  renderHtml,
  renderJson,
  renderLatex,
  renderMarkdown,
  renderTable,
  renderTables,
  renderText,
  type Table,
  TABLE_FORMATS,
  type TableColumn,
  type TableFormat,
  tableFromRows,
} from "./tables/mod.ts";
export { collapseWarnings } from "./warnings.ts";

// The dataset.
export { type Dataset, loadDataset, type LoadDatasetOptions } from "./dataset/load.ts";
export { BENCHMARK_SIZE, type Scenario, type ScenarioCode, scenarioInfo, SCENARIOS } from "./dataset/scenarios.ts";
export { CATEGORIES } from "./dataset/categories.ts";
export { datasetStats } from "./dataset/stats.ts";
export { selectQuestions } from "./dataset/select.ts";

// Metrics.
export { inMetricOrder, METRIC_ORDER, METRIC_TABLE, metricsFromSums, SCENARIO_ORDER } from "./metrics/metric_table.ts";
export { scoreTable } from "./metrics/score_table.ts";
export { type MetricName, METRICS } from "./metrics/names.ts";
export { questionTable, scoreJudgments, type ScoreOptions, type ScoreReport } from "./metrics/score.ts";
export { normalizeVerdict } from "./metrics/verdicts.ts";
export { formatOfficialCsv, parseOfficialCsv, readOfficialCsv } from "./metrics/official.ts";
export { officialQuestionTable } from "./metrics/official_stream.ts";
export { DEFAULT_ALPHA, fScore } from "./metrics/fscore.ts";
export { roundHalfEven } from "./metrics/round.ts";

// Statistics.
export { bootstrapIntervals } from "./stats/bootstrap.ts";
export { addIntervals } from "./stats/score_intervals.ts";
export { comparePaired } from "./stats/compare.ts";
export { adjustFamily, holm } from "./stats/holm.ts";
export { cohensKappa, kendallTau } from "./stats/agreement.ts";
export { aggregateInterval, wilsonInterval } from "./stats/wilson.ts";
export { minimumDetectableDifference, powerTable } from "./stats/power.ts";

// The paper.
export { loadPaper, type PaperTables } from "./paper/load.ts";
export { type AuditFinding, auditPaper } from "./paper/audit.ts";
export { auditTable, leaderboardTable, safetyRulesTable, star1Table } from "./paper/tables.ts";

// Runs: generate, judge, read.
export { createClient } from "./pipeline/client.ts";
export { generate } from "./pipeline/generate.ts";
export { judge } from "./pipeline/judge.ts";
export { readManifest, type RunManifest } from "./store/mod.ts";
export { loadRunJudgments } from "./store/mod.ts";
export { expandRunPaths, runPathsFromEnv } from "./store/mod.ts";
export { runStatus } from "./store/mod.ts";
export { estimateRun } from "./pipeline/estimate.ts";
export { loadStudy, runStudy } from "./pipeline/run_study.ts";

// Analyses of runs.
export {
  compareConditions,
  compareRuns,
  type ConditionComparison,
  judgeAgreement,
  loadUserRuns,
  type RunIcc,
  runIcc,
  runsAgainstPaper,
  type RunScores,
  scoreOfficialCsv,
  scoreQuestionTable,
  type ScoreRunDirsOptions,
  scoreRuns,
  type ScoreRunsOptions,
} from "./analysis/mod.ts";

// Figures.
export { FIGURES } from "./charts/figures.ts";
export { exportFigures } from "./charts/export.ts";
export { renderPdf, renderPng, renderSvg } from "./charts/render.ts";
export { sliceChart } from "./charts/specs/slice.ts";
