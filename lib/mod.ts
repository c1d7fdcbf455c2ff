/**
 * bsa-lab: load, run, score, analyse and reproduce the Beyond Safe Answers benchmark.
 * @module
 */
export * from "./charts/mod.ts";
export * from "./csv/mod.ts";
export * from "./dataset/mod.ts";
export * from "./errors.ts";
export * from "./metrics/mod.ts";
export * from "./paper/mod.ts";
export * from "./pipeline/mod.ts";
export * from "./stats/mod.ts";
export * from "./table.ts";
export * from "./upstream.ts";
