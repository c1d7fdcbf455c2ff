/**
 * The paper's published numbers and their audit.
 * @module
 */
export * from "./audit.ts";
export * from "./fscore.ts";
export * from "./granularity.ts";
export * from "./load.ts";
