/**
 * The batch step of `run` and `judge`: write the request file (`--batch-file`), read a
 * result file (`bsa ingest`), or go through the Batch API (`--batch`).
 * @module
 */
import { ResultIdentityError } from "../../errors.ts";
import { readManifest } from "../../store/mod.ts";
import type { BatchApi } from "./api.ts";
import { type BatchDriverResult, driveBatches } from "./driver.ts";
import { checkRequestFile, removeStaleParts } from "./request_file.ts";
import {
  type BatchLimits,
  type BatchRequestLine,
  batchRunId,
  type BatchTarget,
  customId,
  judgeTag,
  parseCustomId,
  writeRequestFiles,
} from "./requests.ts";
import {
  type ApplyCounts,
  type BatchResultLine,
  emptyCounts,
  identityProblem,
  readNumberedResults,
  readResultLine,
  type ResultReading,
} from "./results.ts";

/** How a pass sends its requests when not by direct calls. */
export type BatchMode =
  /** Write the request JSONL (split under `limits`) and send nothing. */
  /** `force`: replace a file that is not a request file of this run. */
  | { mode: "file"; path: string; limits: BatchLimits; force?: boolean }
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
  /** Request files of an earlier write removed (`file`): the parts of a larger split, or all with nothing left to ask. */
  removed: string[];
  /** A last line of a result file cut short (`ingest`): not read. */
  cut: number;
  /** Result lines read, by effect. */
  counts: ApplyCounts;
  /** Lines whose custom id this toolkit did not write, or of another kind (a judge line read by `run`). */
  foreign: number;
  /** Batches submitted and re-attached (`live`). */
  submitted: number;
  reattached: number;
}

/**
 * Run the batch step of a pass: `requests` are the pass's pending request lines (bare custom
 * ids), `handle` applies one result line of the pass's kind. Every request's custom id gets
 * the run's id (and a judge call its judge's tag), and every result line is checked against
 * them and the model asked before it is applied (a line of another run, judge or model is a
 * {@linkcode ResultIdentityError}).
 *
 * @param mode Write a request file, or send through the Batch API, or read a result file.
 * @param o The run, the pass's kind and identity, its pending request lines and the result handler.
 * @returns What the batch step did: files written, or the driver's result.
 * @throws {ResultIdentityError} A result line of another run, judge or model, or a request line.
 * @throws {FileExistsError} (`file`) The request file, or a part of an earlier split, is not this run's, without `force`.
 * @throws {InsideRunFolderError} (`file`) The request file is inside a run folder.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runBatchPhase } from "./phase.ts";
 * import { requestLine } from "./requests.ts";
 * import { newManifest, writeManifest } from "../../store/mod.ts";
 * const run = await Deno.makeTempDir();
 * await writeManifest(run, newManifest({ model: "m", endpoints: [], k: 1, dataset: { source: "d", sha256: "x", pinned: false }, subset: { ids: null, description: "" }, params: {}, tags: {} }));
 * const out = await Deno.makeTempDir();
 * const r = await runBatchPhase({ mode: "file", path: `${out}/req.jsonl`, limits: { maxLines: 10, maxBytes: 1e6 } }, {
 *   run, kind: "generation", model: "m", requests: async function* () { yield requestLine("g.0.q", { model: "m" }); },
 *   handle: async () => {}, log: () => {},
 * });
 * assert(r.files.length === 1 && r.files[0].lines === 1);
 * assert(/^\{"custom_id":"bsa\.[0-9a-f]{12}\.g\.0\.q"/.test(await Deno.readTextFile(`${out}/req.jsonl`)));
 * ```
 */
export async function runBatchPhase(
  mode: BatchMode,
  o: {
    run: string;
    /** `generation`, `judge` or `judge-<label>`. */
    kind: string;
    /** The model the requests name (a reply of another model is refused). */
    model: string;
    /** A judge pass: the judge's identity (`judgeIdentity`), which its custom ids' tag carries. */
    judgeIdentity?: string;
    requests: () => AsyncIterable<BatchRequestLine> | Iterable<BatchRequestLine>;
    handle: (target: BatchTarget, reading: ResultReading, counts: ApplyCounts) => Promise<void>;
    log: (line: string) => void;
  },
): Promise<BatchPhaseResult> {
  const result: BatchPhaseResult = {
    mode: mode.mode,
    files: [],
    removed: [],
    cut: 0,
    counts: emptyCounts(),
    foreign: 0,
    submitted: 0,
    reattached: 0,
  };
  const wantJudge = o.kind !== "generation";
  const expect = await batchExpectation(o.run, o.kind, o.model, o.judgeIdentity);
  const requests = async function* () {
    for await (const line of o.requests()) {
      const t = parseCustomId(line.custom_id);
      if (!t) yield line;
      else {
        const named: BatchTarget = t.kind === "judge"
          ? { ...t, run: expect.run, judge: expect.judge }
          : { ...t, run: expect.run };
        yield { ...line, custom_id: customId(named) };
      }
    }
  };
  const apply = async (line: BatchResultLine, counts: ApplyCounts, where: { file: string; n: number }) => {
    const target = parseCustomId(line.custom_id);
    const mine = target !== null && (target.kind === "judge") === wantJudge;
    // A line of the other kind is checked by the pass of its kind (ingest reads a file with both).
    const problem = identityProblem(line, mine ? target : null, expect);
    if (problem) throw new ResultIdentityError(where.file, where.n, problem);
    if (!mine) {
      result.foreign++;
      return;
    }
    await o.handle(target, readResultLine(line), counts);
  };
  if (mode.mode === "file") {
    const existing = await checkRequestFile(mode.path, { run: expect.run, force: mode.force });
    result.files = (await writeRequestFiles(mode.path, requests(), mode.limits)).map(({ path, lines }) => ({
      path,
      lines,
    }));
    result.removed = await removeStaleParts(existing, result.files.map((f) => f.path));
  } else if (mode.mode === "ingest") {
    for await (const { n, line } of readNumberedResults(mode.file, () => result.cut++)) {
      await apply(line, result.counts, { file: mode.file, n });
    }
  } else {
    const r: BatchDriverResult = await driveBatches({
      run: o.run,
      kind: o.kind,
      api: mode.api,
      limits: mode.limits,
      pollMs: mode.pollMs,
      maxRounds: mode.maxRounds,
      requests,
      apply,
      log: o.log,
      sleep: mode.sleep,
    });
    Object.assign(result, { counts: r.counts, submitted: r.submitted, reattached: r.reattached });
  }
  return result;
}

/**
 * What the result lines of a pass must carry: the run's id, the model asked, and for a judge
 * pass its judge's tag.
 *
 * @param run The run folder (its manifest gives the run id).
 * @param kind `generation`, `judge` or `judge-<label>`.
 * @param model The model the pass's requests name.
 * @param judgeIdentity A judge pass: the judge's identity.
 * @returns The run id, model and judge tag to check result lines against.
 * @throws {BsaError} The run has no readable manifest.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchExpectation } from "./phase.ts";
 * import { newManifest, writeManifest } from "../../store/mod.ts";
 * const run = await Deno.makeTempDir();
 * await writeManifest(run, newManifest({ model: "m", endpoints: [], k: 1, dataset: { source: "d", sha256: "x", pinned: false }, subset: { ids: null, description: "" }, params: {}, tags: {} }));
 * const e = await batchExpectation(run, "judge-b", "j", "{}");
 * assert(/^[0-9a-f]{12}$/.test(e.run) && /^[0-9a-f]{8}$/.test(e.judge!) && e.model === "j");
 * ```
 */
export async function batchExpectation(
  run: string,
  kind: string,
  model: string,
  judgeIdentity?: string,
): Promise<{ run: string; model: string; judge?: string }> {
  const id = await batchRunId(await readManifest(run));
  return {
    run: id,
    model,
    ...(kind !== "generation" && { judge: await judgeTag(judgeIdentity ?? "", kind) }),
  };
}
