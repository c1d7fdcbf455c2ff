/**
 * Statistics the paper does not give: intervals, paired tests, judge agreement, power.
 * @module
 */
export { type AgreementReport, cohensKappa, kendallTau } from "./agreement.ts";
export { changeClaim, type ChangeEstimate, changePhrase, compareClaim, pooledChange } from "./claims.ts";
export { binomialCdf, mcnemarExact } from "./binomial.ts";
export {
  bootstrapIntervals,
  type BootstrapOptions,
  metricsAt,
  type QuestionColumns,
  questionColumns,
  resampleWithinStrata,
  strata,
} from "./bootstrap.ts";
export { type CompareOptions, comparePaired, type Comparison } from "./compare.ts";
export { type AdjustedComparison, adjustFamily, benjaminiHochberg, type FamilyControl, holm } from "./holm.ts";
export {
  estimateIcc,
  iccFromAt1AtK,
  minimumDetectableDifference,
  type PowerOptions,
  powerTable,
  PUBLISHED_ICC,
} from "./power.ts";
export { seededRandom } from "./random.ts";
export { addIntervals, type IntervalInfo } from "./score_intervals.ts";
export {
  aggregateInterval,
  type AggregateIntervalKind,
  clopperPearsonInterval,
  type Interval,
  wilsonInterval,
  zFor,
} from "./wilson.ts";
export { normalCdf, normalQuantile } from "./normal.ts";
export { publishedDifference, publishedRatio, questionsFor, withPublishedIntervals } from "./published.ts";
export { normalRangeCdf, normalRangeQuantile } from "./range.ts";
export { krippendorffAlpha } from "./krippendorff.ts";
export {
  allocate,
  kishEffectiveN,
  planSizeForMargin,
  stratifiedCovariance,
  type StratifiedMean,
  stratifiedMean,
  type WeightedProportion,
  weightedProportion,
} from "./stratified.ts";
