/**
 * Validating the judge against people: review plans (a stratified sample with its design),
 * labels files, and the judge's agreement with people with design-weighted intervals.
 * @module
 */
export {
  type CorrectedMetric,
  humanAgreement,
  type HumanAgreementInput,
  type HumanAgreementReport,
  type InterHuman,
  type RubricAgreement,
} from "./agreement.ts";
export { type HumanLabel, type LabelContext, parseLabels } from "./labels.ts";
export {
  designPath,
  joinPlan,
  type JudgedSample,
  type PlanOptions,
  planReview,
  type PlanStratum,
  type ReviewDesign,
  type ReviewerPlan,
  type ReviewPlan,
  splitPlan,
  stratumOf,
  undecidedByJudge,
} from "./plan.ts";
export {
  judgedSamples,
  loadHumanAgreement,
  planPath,
  readLabelFiles,
  readPlan,
  validateRunJudge,
  writePlan,
} from "./store.ts";
export { type LabelRequest, type ReviewItem, ReviewSession } from "./session.ts";
export { judgeValidationSummary } from "./summary.ts";
