/**
 * The BSA metrics: Safe@1, Safe@k, Think@1, Think@k, F-score and the per-scenario scores.
 * @module
 */
export { DEFAULT_ALPHA, fScore, impliedAlpha, reportedFScore } from "./fscore.ts";
export { DATASET_KEYS, type MetricName, METRICS } from "./names.ts";
export {
  formatOfficialCsv,
  OFFICIAL_COLUMNS,
  officialRowProblem,
  parseOfficialCsv,
  readOfficialCsv,
} from "./official.ts";
export { type SamplePasses, samplePasses } from "./passes.ts";
export {
  countSample,
  emptyCounts,
  JUDGMENT_COLUMNS,
  OUTCOME_COLUMNS,
  type QuestionCounts,
  reduceQuestions,
  reduceToQuestions,
} from "./per_question.ts";
export { at1, atK, type Reducer } from "./reducers.ts";
export { roundHalfEven } from "./round.ts";
export {
  checkQuestionIds,
  COUNT_COLUMNS,
  metricsFromQuestions,
  questionTable,
  scoreJudgments,
  type ScoreOptions,
  type ScoreReport,
  withDatasetKeys,
} from "./score.ts";
export {
  FAILED,
  INVALID,
  isReasoningCorrect,
  NO_REASONING,
  normalizeAnswerVerdict,
  type NormalizeOptions,
  normalizeReasoningVerdict,
  normalizeVerdict,
  SENTINELS,
  TRUNCATED,
  type VerdictKind,
} from "./verdicts.ts";
export { officialQuestionTable } from "./official_stream.ts";
