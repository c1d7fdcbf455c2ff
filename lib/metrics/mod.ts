/**
 * The BSA metrics: Safe@1, Safe@k, Think@1, Think@k, F-score and the per-scenario scores.
 * @module
 */
export * from "./fscore.ts";
export * from "./names.ts";
export * from "./official.ts";
export * from "./passes.ts";
export * from "./per_question.ts";
export * from "./reducers.ts";
export * from "./round.ts";
export * from "./score.ts";
export * from "./verdicts.ts";
export * from "./official_stream.ts";
