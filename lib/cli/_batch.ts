import { UsageError } from "../errors.ts";
import { OPENAI_BATCH_LIMITS } from "../pipeline/batch/requests.ts";
import type { BatchMode } from "../pipeline/batch/phase.ts";
import type { BatchPhaseResult } from "../pipeline/batch/phase.ts";
import { batchApiFromFlags } from "./_endpoint.ts";
import { LIMITS, numberFlag } from "./_flags.ts";

/**
 * Flags of `run` and `judge` that send requests through batches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BATCH_FLAGS } from "./_batch.ts";
 * assert("batch-file" in BATCH_FLAGS);
 * ```
 */
export const BATCH_FLAGS = {
  batch: { type: "boolean" },
  "batch-file": { type: "string" },
  "batch-fallback": { type: "string" },
  "batch-max-lines": { type: "string" },
  "batch-max-bytes": { type: "string" },
  "batch-poll": { type: "string" },
  "batch-rounds": { type: "string" },
  force: { type: "boolean" },
} as const;

/**
 * The help text of {@linkcode BATCH_FLAGS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BATCH_HELP } from "./_batch.ts";
 * assert(BATCH_HELP.includes("--batch-file"));
 * ```
 */
export const BATCH_HELP = `  --batch               send the requests through the OpenAI Files + Batches API (half price
                        at OpenAI): the batch ids are kept in DIR/batches/, so a command
                        stopped while waiting picks its batches up again when run again
  --batch-file FILE     write the requests as batch JSONL (FILE, FILE.2.jsonl, ... under the
                        limits) and send nothing; read the results with 'bsa ingest'. FILE may
                        replace only a request file of this run (the parts of an earlier,
                        larger split are removed); never a path inside a run folder
  --force               with --batch-file: replace FILE (and FILE.N.jsonl) whatever they hold
  --batch-fallback M    what fails in a batch is asked again in a follow-up batch ('batch',
                        default) or by direct calls ('direct')
  --batch-rounds N      batches in a row at most: the first and its follow-ups (default 3)
  --batch-max-lines N   lines per batch file (default 50000); --batch-max-bytes N (default 200 MB)
  --batch-poll SECONDS  wait between polls (default 30)`;

/**
 * The batch mode the flags ask for, or `undefined` for direct calls.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchModeFromFlags } from "./_batch.ts";
 * assert(batchModeFromFlags("run", {}) === undefined);
 * assert(batchModeFromFlags("run", { "batch-file": "r.jsonl" })?.mode === "file");
 * ```
 */
export function batchModeFromFlags(
  command: string,
  values: Record<string, unknown>,
  prefix = "",
): BatchMode | undefined {
  const file = values["batch-file"] as string | undefined;
  if (values.batch && file) throw new UsageError(`bsa ${command}: --batch and --batch-file exclude each other`);
  const limits = {
    maxLines: numberFlag(command, values, "batch-max-lines", {
      integer: true,
      min: 1,
      max: OPENAI_BATCH_LIMITS.maxLines,
      default: OPENAI_BATCH_LIMITS.maxLines,
    })!,
    maxBytes: numberFlag(command, values, "batch-max-bytes", {
      integer: true,
      min: 1024,
      max: OPENAI_BATCH_LIMITS.maxBytes,
      default: OPENAI_BATCH_LIMITS.maxBytes,
    })!,
  };
  const fallback = values["batch-fallback"] as string | undefined;
  if (fallback !== undefined && fallback !== "batch" && fallback !== "direct") {
    throw new UsageError(
      `bsa ${command}: --batch-fallback must be 'batch' or 'direct', got ${JSON.stringify(fallback)}`,
    );
  }
  if (values.force && !file) throw new UsageError(`bsa ${command}: --force goes with --batch-file`);
  if (file) return { mode: "file", path: file, limits, force: values.force === true };
  if (!values.batch) {
    for (const f of ["batch-fallback", "batch-poll", "batch-rounds", "batch-max-lines", "batch-max-bytes"]) {
      if (values[f] !== undefined) throw new UsageError(`bsa ${command}: --${f} needs --batch or --batch-file`);
    }
    return undefined;
  }
  return {
    mode: "live",
    api: batchApiFromFlags(command, values, prefix),
    limits,
    pollMs: numberFlag(command, values, "batch-poll", { min: 0, max: LIMITS.pollSeconds, default: 30 })! * 1000,
    maxRounds: numberFlag(command, values, "batch-rounds", { integer: true, min: 1, max: LIMITS.rounds, default: 3 })!,
    fallback: (fallback ?? "batch") as "batch" | "direct",
  };
}

/**
 * The lines a command prints about its batch step. With a request file, what was written,
 * that nothing was sent, and the next commands (`ingest` is the `bsa ingest` command line
 * that reads the results back, e.g. `bsa ingest --run DIR`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeBatch } from "./_batch.ts";
 * import { emptyCounts } from "../pipeline/batch/results.ts";
 * const lines = describeBatch({ mode: "file", files: [{ path: "r.jsonl", lines: 3 }], removed: [], cut: 0, counts: emptyCounts(), foreign: 0, submitted: 0, reattached: 0 }, "bsa ingest --run runs/m");
 * assert(lines[0] === "wrote 3 requests to r.jsonl; nothing was sent");
 * assert(lines[1].includes("bsa ingest --run runs/m RESULTS.jsonl"));
 * ```
 */
export function describeBatch(b: BatchPhaseResult, ingest = "bsa ingest --run DIR"): string[] {
  const out: string[] = [];
  if (b.mode === "file") {
    const n = b.files.reduce((s, f) => s + f.lines, 0);
    if (!n) out.push(`nothing left to ask: no request file written, nothing was sent`);
    else {
      const where = b.files.length === 1
        ? b.files[0].path
        : `${b.files.length} files (under the batch limits): ${
          b.files.map((f) => `${f.path} (${f.lines} requests)`).join(", ")
        }`;
      out.push(`wrote ${n} requests to ${where}; nothing was sent`);
      const input = b.files.length === 1 ? b.files[0].path : "FILE";
      out.push(
        `next: run ${
          b.files.length === 1 ? "it" : "each"
        } (upload to the OpenAI Batch API, or 'vllm run-batch -i ${input} -o RESULTS.jsonl'), then read the results back with '${ingest} RESULTS.jsonl'`,
      );
    }
  }
  if (b.mode === "live") {
    out.push(`batches: ${b.submitted} submitted, ${b.reattached} picked up again after an interruption`);
  }
  if (b.mode === "file" && b.removed.length) {
    out.push(`removed ${b.removed.length} request file(s) of an earlier write: ${b.removed.join(", ")}`);
  }
  if (b.mode === "live") {
    const c = b.counts;
    out.push(
      `result lines: ${c.recorded} recorded, ${c.failed} failed (${c.refused} refused for good and recorded as failed; ${c.retry} asked again while rounds lasted), ${c.invalid} without a verdict, ${c.duplicate} duplicate, ${c.unknown} unknown id${
        b.foreign ? `, ${b.foreign} not of this kind or not written by bsa (ignored)` : ""
      }`,
    );
  }
  return out;
}
