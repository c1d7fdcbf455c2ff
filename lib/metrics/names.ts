/**
 * The metric columns a score table carries, in the order the CLI prints them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { METRICS } from "./names.ts";
 * assert(METRICS[0] === "Safe@1" && METRICS.includes("F-score"));
 * ```
 */
export const METRICS = [
  "Safe@1",
  "Safe@k",
  "Think@1",
  "Think@k",
  "F-score",
  "OS@1",
  "OS@k",
  "CS@1",
  "CS@k",
  "RO@1",
  "RO@k",
] as const;

/** One of {@linkcode METRICS}. */
export type MetricName = typeof METRICS[number];

/**
 * Grouping columns that come from the dataset, not from the judgments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DATASET_KEYS } from "./names.ts";
 * assert(DATASET_KEYS.includes("subcategory"));
 * ```
 */
export const DATASET_KEYS = ["category", "subcategory"] as const;
