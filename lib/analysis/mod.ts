/**
 * Analyses of judged runs: the one scoring path ({@linkcode scoreRuns}), the user's runs
 * for notebooks, and runs beside the paper.
 * @module
 */
export {
  runGrouping,
  type RunScores,
  scoreOfficialCsv,
  scoreQuestionTable,
  type ScoreRunDirsOptions,
  scoreRuns,
  type ScoreRunsOptions,
} from "./score_runs.ts";
export { loadUserRuns, type UserRuns } from "./user_runs.ts";
export { runsAgainstPaper } from "./against_paper.ts";
export { compareConditions, compareRuns, type ConditionComparison } from "./compare_runs.ts";
export { type JudgeAgreement, judgeAgreement } from "./judge_agreement.ts";
export { type RunIcc, runIcc } from "./run_icc.ts";
