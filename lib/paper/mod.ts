/**
 * The paper's published numbers and their audit.
 * @module
 */
export * from "./audit.ts";
export * from "./claims.ts";
export * from "./decoding_spreads.ts";
export * from "./fscore.ts";
export * from "./granularity.ts";
export * from "./icc.ts";
export * from "./load.ts";
export * from "./significance.ts";
export * from "./tables.ts";
