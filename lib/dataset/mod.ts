/**
 * Load, validate and describe the BSA dataset.
 * @module
 */
export { CATEGORIES, type RiskCategory } from "./categories.ts";
export { parseLabel, type Risk } from "./labels.ts";
export { type Dataset, loadDataset, type LoadDatasetOptions, resolveDatasetPath } from "./load.ts";
export {
  BENCHMARK_SIZE,
  type Scenario,
  type ScenarioCode,
  type ScenarioInfo,
  scenarioInfo,
  SCENARIOS,
} from "./scenarios.ts";
export { compareDatasetStats, datasetStats } from "./stats.ts";
export { countTokens } from "./tokens.ts";
export { DATASET_COLUMNS, validateDataset, type ValidatedDataset } from "./validate.ts";
export { ALL_QUESTIONS, type QuestionSelection, selectQuestions } from "./select.ts";
