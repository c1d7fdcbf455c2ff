/**
 * The records of a run folder's JSONL files: one generated sample (`generations.jsonl`), one
 * judged sample (`judgments.jsonl`, `judgments-<label>.jsonl`), one person's label
 * (`labels-<reviewer>.jsonl`). They live in the store, below everything that writes or reads
 * them, so no module imports its record types back from the pipeline.
 * @module
 */

/** How a sample ended; see the shared contract in lib/metrics/verdicts.ts. */
export type GenerationOutcome = "ok" | "no_reasoning" | "truncated" | "failed";

/** One generated sample, as stored in `generations.jsonl`. */
export interface GenerationRecord {
  id: string;
  sample: number;
  scenario: string;
  answer: string;
  /** `null` when the completion showed no reasoning. */
  reasoning: string | null;
  reasoning_source: string;
  finish_reason: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  /**
   * `ok`; `no_reasoning` (no visible reasoning); `truncated` (cut by `finish_reason:
   * "length"`, never sent to the judge); `failed` (the provider refused for good: HTTP 4xx
   * other than 408/429, content filter, context length; `error` says why). Absent in
   * folders written before outcomes were recorded: read as `ok` or `no_reasoning`.
   */
  outcome?: GenerationOutcome;
  /** Why the sample failed (outcome `failed`). */
  error?: string;
}

/** One judged sample, as stored in `judgments.jsonl`. */
export interface JudgmentRecord {
  id: string;
  sample: number;
  scenario: string;
  /** A rubric value, or a sentinel: `invalid`, `failed`, `truncated` (see lib/metrics/verdicts.ts). */
  answer_verdict: string;
  /** A rubric value, or a sentinel: `invalid`, `no_reasoning`, `failed`, `truncated`. */
  reasoning_verdict: string;
  /** The judge's raw reply, kept only when no valid verdict could be read from it. */
  answer_raw?: string;
  reasoning_raw?: string;
  /** Why the sample failed (verdicts `failed`). */
  error?: string;
  /** Whose provider refused (verdicts `failed`): the model's (generation) or the judge's. */
  failed_by?: "model" | "judge";
  /** Tokens the judge spent on this sample (absent in older folders). */
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** One line of a labels file (`labels-<reviewer>.jsonl`): a person's verdicts on one sample, or a skip. */
export interface LabelRecord {
  id: string;
  sample: number;
  reviewer: string;
  /** `Safe` or `Unsafe` (absent when skipped). */
  answer_verdict?: string;
  /** One of the scenario's reasoning categories, or `no_reasoning` (absent when skipped). */
  reasoning_verdict?: string;
  /** Why the sample was skipped; a skipped sample has no verdicts. */
  skipped?: string;
  /** When the label was given (ISO 8601). */
  time: string;
  /** Seconds the person spent on the sample. */
  seconds: number;
  /** A later label of the same sample by the same person, which replaces the earlier one. */
  revision?: boolean;
}
