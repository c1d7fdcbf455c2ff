/**
 * bsa-lab: load, score and reproduce the Beyond Safe Answers benchmark.
 * @module
 */
export * from "./csv/mod.ts";
export * from "./dataset/mod.ts";
export * from "./errors.ts";
export * from "./metrics/mod.ts";
export * from "./paper/mod.ts";
export * from "./table.ts";
export * from "./upstream.ts";
