/**
 * Run the benchmark: client, generation, judging, run folders, studies, estimates.
 * @module
 */
export * from "./batch/mod.ts";
export * from "./client.ts";
export * from "./estimate.ts";
export * from "./extra_body.ts";
export * from "./generate.ts";
export * from "./judge.ts";
export * from "./judge_cache.ts";
export * from "./pass.ts";
export * from "./pool.ts";
export * from "./progress.ts";
export * from "./prompts.ts";
export * from "./records.ts";
export * from "./reasoning.ts";
export * from "./retry.ts";
export * from "./study.ts";
export * from "./verdict_parse.ts";
export * from "./run_study.ts";
export * from "./run_dataset.ts";
