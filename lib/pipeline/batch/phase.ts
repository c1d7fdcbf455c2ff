/**
 * The batch step of `run` and `judge`: write the request file (`--batch-file`), read a
 * result file (`bsa ingest`), or go through the Batch API (`--batch`).
 * @module
 */
import type { BatchApi } from "./api.ts";
import { type BatchDriverResult, driveBatches } from "./driver.ts";
import {
  type BatchLimits,
  type BatchRequestLine,
  type BatchTarget,
  parseCustomId,
  writeRequestFiles,
} from "./requests.ts";
import {
  type ApplyCounts,
  type BatchResultLine,
  emptyCounts,
  readResultFile,
  readResultLine,
  type ResultReading,
} from "./results.ts";

/** How a pass sends its requests when not by direct calls. */
export type BatchMode =
  /** Write the request JSONL (split under `limits`) and send nothing. */
  | { mode: "file"; path: string; limits: BatchLimits }
  /** Read a result file (OpenAI's output format, which `vllm run-batch` writes too). */
  | { mode: "ingest"; file: string }
  /** The Files and Batches API; what is still missing after `maxRounds` goes direct with `fallback: "direct"`. */
  | {
    mode: "live";
    api: BatchApi;
    limits: BatchLimits;
    pollMs?: number;
    maxRounds?: number;
    fallback?: "batch" | "direct";
    sleep?: (ms: number) => Promise<void>;
  };

/** What the batch step did. */
export interface BatchPhaseResult {
  mode: BatchMode["mode"];
  /** Request files written (`file`; `live` writes its own into the run folder). */
  files: { path: string; lines: number }[];
  /** Result lines read, by effect. */
  counts: ApplyCounts;
  /** Lines whose custom id this toolkit did not write, or of another kind (a judge line read by `run`). */
  foreign: number;
  /** Batches submitted and re-attached (`live`). */
  submitted: number;
  reattached: number;
}

/**
 * Run the batch step of a pass: `requests` are the pass's pending request lines, `handle`
 * applies one result line of the pass's kind.
 *
 * @param mode Write a request file, or send through the Batch API, or neither.
 * @param o The run, the pass's kind and label, its pending request lines and the result handler.
 * @returns What the batch step did: files written, or the driver's result.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runBatchPhase } from "./phase.ts";
 * import { requestLine } from "./requests.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await runBatchPhase({ mode: "file", path: `${dir}/req.jsonl`, limits: { maxLines: 10, maxBytes: 1e6 } }, {
 *   run: dir, kind: "generation", requests: async function* () { yield requestLine("g.0.q", { model: "m" }); },
 *   handle: async () => {}, log: () => {},
 * });
 * assert(r.files.length === 1 && r.files[0].lines === 1);
 * ```
 */
export async function runBatchPhase(
  mode: BatchMode,
  o: {
    run: string;
    /** `generation`, `judge` or `judge-<label>`. */
    kind: string;
    requests: () => AsyncIterable<BatchRequestLine> | Iterable<BatchRequestLine>;
    handle: (target: BatchTarget, reading: ResultReading, counts: ApplyCounts) => Promise<void>;
    log: (line: string) => void;
  },
): Promise<BatchPhaseResult> {
  const result: BatchPhaseResult = {
    mode: mode.mode,
    files: [],
    counts: emptyCounts(),
    foreign: 0,
    submitted: 0,
    reattached: 0,
  };
  const wantJudge = o.kind !== "generation";
  const apply = async (line: BatchResultLine, counts: ApplyCounts) => {
    const target = parseCustomId(line.custom_id);
    if (!target || (target.kind === "judge") !== wantJudge) {
      result.foreign++;
      return;
    }
    await o.handle(target, readResultLine(line), counts);
  };
  if (mode.mode === "file") {
    result.files = (await writeRequestFiles(mode.path, o.requests(), mode.limits)).map(({ path, lines }) => ({
      path,
      lines,
    }));
  } else if (mode.mode === "ingest") {
    for await (const line of readResultFile(mode.file)) await apply(line, result.counts);
  } else {
    const r: BatchDriverResult = await driveBatches({
      run: o.run,
      kind: o.kind,
      api: mode.api,
      limits: mode.limits,
      pollMs: mode.pollMs,
      maxRounds: mode.maxRounds,
      requests: async function* () {
        yield* o.requests();
      },
      apply,
      log: o.log,
      sleep: mode.sleep,
    });
    Object.assign(result, { counts: r.counts, submitted: r.submitted, reattached: r.reattached });
  }
  return result;
}
