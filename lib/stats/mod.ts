/**
 * Statistics the paper does not give: intervals, paired tests, judge agreement, power.
 * @module
 */
export * from "./agreement.ts";
export * from "./claims.ts";
export * from "./binomial.ts";
export * from "./bootstrap.ts";
export * from "./compare.ts";
export * from "./holm.ts";
export * from "./power.ts";
export * from "./random.ts";
export * from "./score_intervals.ts";
export * from "./wilson.ts";
export * from "./normal.ts";
export * from "./published.ts";
export * from "./range.ts";
export * from "./krippendorff.ts";
export * from "./stratified.ts";
