/**
 * Generation through batches: the request lines of a run's missing samples, and the records
 * a result line gives (built by lib/pipeline/records.ts, as for direct calls).
 * @module
 */
import type { GenerationRecord } from "../../store/records.ts";
import { type RunManifest, sampleKey } from "../../store/mod.ts";
import { failedGeneration, generationBody, generationRecords, type QuestionRef } from "../records.ts";
import { type BatchRequestLine, type BatchTarget, customId, requestLine } from "./requests.ts";
import { type ApplyCounts, noteRetry, type ResultReading } from "./results.ts";

/** What generation batches need from a run. */
export interface GenerationBatchContext {
  model: string;
  params: RunManifest["params"];
  systemPrompt?: { text: string } | null;
  k: number;
  /** The run's questions by id, in run order. */
  questions: Map<string, QuestionRef>;
  /** Whether a sample ({@linkcode sampleKey}) still needs a record. */
  needs: (key: string) => boolean;
  /** Append a record (the run's writer). */
  write: (record: GenerationRecord) => Promise<void>;
  /** One request per question with `n` = its missing samples. */
  useN?: boolean;
  /** Called with the usage of every completion read. */
  onTokens?: (prompt: number, completion: number) => void;
}

/**
 * The request lines of every sample that needs a record (one per sample, or one per
 * question with `useN`), in dataset order; the bodies are those of direct calls.
 *
 * @param ctx The run's questions, samples already recorded, parameters and system prompt.
 * @returns The request lines (a generator).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generationRequests } from "./generation.ts";
 * const lines = [...generationRequests({ model: "m", params: {}, k: 2, questions: new Map([["q", { id: "q", scenario: "Risk Omission", query: "?" }]]), needs: () => true, write: async () => {} })];
 * assert.deepEqual(lines.map((l) => l.custom_id), ["g.0.q", "g.1.q"]);
 * ```
 */
export function* generationRequests(ctx: GenerationBatchContext): Generator<BatchRequestLine> {
  for (const q of ctx.questions.values()) {
    const missing = Array.from({ length: ctx.k }, (_, s) => s).filter((s) =>
      ctx.needs(sampleKey({ id: q.id, sample: s }))
    );
    const groups = ctx.useN && missing.length ? [missing] : missing.map((s) => [s]);
    for (const samples of groups) {
      yield requestLine(customId({ kind: "generation", id: q.id, samples }), generationBody(ctx, q.query, samples));
    }
  }
}

/**
 * Apply one generation result line: a completion gives the records a direct call would
 * have written; a refusal for good gives `failed` records; any other failure records
 * nothing (the sample is asked again). Samples that no longer need a record are skipped.
 *
 * @param ctx The run's questions, parameters and record writer.
 * @param target The sample (or samples) the line answers.
 * @param reading The line read: a completion, a refusal, or a failure to ask again.
 * @param counts Where the outcome is counted.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyGenerationResult } from "./generation.ts";
 * import { emptyCounts } from "./results.ts";
 * const out: unknown[] = [];
 * const ctx = { model: "m", params: {}, k: 1, questions: new Map([["q", { id: "q", scenario: "Risk Omission", query: "?" }]]), needs: () => true, write: async (r: unknown) => void out.push(r) };
 * const counts = emptyCounts();
 * await applyGenerationResult(ctx, { kind: "generation", id: "q", samples: [0] }, { ok: false, permanent: true, error: "HTTP 400" }, counts);
 * assert(counts.failed === 1 && counts.refused === 1 && (out[0] as { outcome: string }).outcome === "failed");
 * ```
 */
export async function applyGenerationResult(
  ctx: GenerationBatchContext,
  target: Extract<BatchTarget, { kind: "generation" }>,
  reading: ResultReading,
  counts: ApplyCounts,
): Promise<void> {
  const q = ctx.questions.get(target.id);
  // One count per line: a line naming no sample of the run is unknown; one whose samples all
  // have a record already is a duplicate (a file read twice).
  if (!q || target.samples.some((s) => s >= ctx.k)) return void counts.unknown++;
  const samples = target.samples.filter((s) => ctx.needs(sampleKey({ id: target.id, sample: s })));
  if (!samples.length) return void counts.duplicate++;
  if (reading.ok) {
    ctx.onTokens?.(reading.completion.promptTokens, reading.completion.completionTokens);
    const records = generationRecords(q, samples, reading.completion);
    for (const r of records) await ctx.write(r);
    counts.recorded++;
    if (records.length < samples.length) {
      counts.retry += samples.length - records.length;
      noteRetry(counts, `${q.id}: asked for ${samples.length} choices, got ${records.length}`);
    }
  } else if (reading.permanent) {
    for (const s of samples) await ctx.write(failedGeneration(q, s, reading.error));
    counts.failed++;
    counts.refused++;
  } else {
    counts.failed++;
    counts.retry += samples.length;
    noteRetry(counts, `${q.id}#${samples.join(",")}: ${reading.error}`);
  }
}
