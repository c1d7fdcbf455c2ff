/**
 * Batches: request files for the OpenAI Batch API or `vllm run-batch`, the Files and
 * Batches API loop with its state in the run folder, and reading result files back into runs.
 * @module
 */
export * from "./api.ts";
export * from "./driver.ts";
export * from "./generation.ts";
export * from "./ingest.ts";
export * from "./judging.ts";
export * from "./phase.ts";
export * from "./request_file.ts";
export * from "./requests.ts";
export * from "./results.ts";
export * from "./state.ts";
