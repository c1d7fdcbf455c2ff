/**
 * Load, validate and describe the BSA dataset.
 * @module
 */
export * from "./categories.ts";
export * from "./labels.ts";
export * from "./load.ts";
export * from "./scenarios.ts";
export * from "./stats.ts";
export * from "./tokens.ts";
export * from "./validate.ts";
export * from "./select.ts";
