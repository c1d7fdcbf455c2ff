/**
 * The live batch loop: write the pending requests into files under the provider's limits,
 * upload them, create batches, poll, download the output and error files and read them into
 * the run; then a follow-up round for what failed, up to a number of rounds. Every step is
 * stored in the run folder first (the store's batch state), so a killed command re-attaches;
 * the request and result files are the store's too (lib/store/batch_files.ts).
 * @module
 */
import { type BatchApi, type BatchInfo, TERMINAL_STATUSES } from "./api.ts";
import type { BatchLimits, BatchRequestLine } from "./requests.ts";
import { type ApplyCounts, type BatchResultLine, emptyCounts, resultLines } from "./results.ts";
import { EndpointError } from "../client.ts";
import {
  type BatchEntry,
  type BatchState,
  readBatchRequests,
  readBatchResult,
  readBatchState,
  saveBatchResult,
  writeBatchRequests,
  writeBatchState,
} from "../../store/mod.ts";

/** What {@linkcode driveBatches} needs. */
export interface BatchDriverOptions {
  run: string;
  /** `generation`, `judge` or `judge-<label>`: one state file each. */
  kind: string;
  api: BatchApi;
  limits: BatchLimits;
  /** Wait between polls, ms (default 30 000). */
  pollMs?: number;
  /** Rounds this call may submit: the first and the follow-ups (default 3). */
  maxRounds?: number;
  /** The request lines still wanted (asked anew before each round). */
  requests: () => AsyncIterable<BatchRequestLine>;
  /** Read one result line into the run (`where`: the downloaded file and the line's number). */
  apply: (line: BatchResultLine, counts: ApplyCounts, where: { file: string; n: number }) => Promise<void>;
  /** Status lines (each batch's status and counts when they change). */
  log: (line: string) => void;
  /** Sleep (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

/** What the loop did. */
export interface BatchDriverResult {
  /** Batches submitted by this call. */
  submitted: number;
  /** Batches re-attached to (submitted by an earlier, interrupted call). */
  reattached: number;
  /** Result lines read, by effect. */
  counts: ApplyCounts;
}

/**
 * Run batches until nothing is pending or the rounds are used up (see the module doc).
 *
 * @param o The run, the pass's kind, the request lines, the result handler, the API and the polling settings.
 * @returns What was submitted, completed and applied, and what is still pending.
 * @throws {EndpointError} The Batch API refuses the key or the files.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { driveBatches } from "./driver.ts";
 * import { OPENAI_BATCH_LIMITS, requestLine } from "./requests.ts";
 * import type { BatchApi, BatchInfo } from "./api.ts";
 * // A stand-in Batch API whose batches complete at once, answering every request line.
 * let input = "";
 * const batch = (status: string): BatchInfo =>
 *   ({ id: "b1", status, input_file_id: "in", output_file_id: "out", error_file_id: null, counts: { total: 2, completed: 0, failed: 0 }, errors: [] });
 * const api = {
 *   host: "batch.test",
 *   upload: async (file: { bytes: Uint8Array }) => ((input = new TextDecoder().decode(file.bytes)), "in"),
 *   findByInputFile: async () => null,
 *   create: async () => batch("validating"),
 *   retrieve: async () => batch("completed"),
 *   content: async () => {
 *     const answer = (l: string) => ({ custom_id: JSON.parse(l).custom_id, response: { status_code: 200, body: {} } });
 *     return new TextEncoder().encode(input.trim().split("\n").map((l) => JSON.stringify(answer(l))).join("\n") + "\n");
 *   },
 * } as unknown as BatchApi;
 * const applied: string[] = [];
 * const r = await driveBatches({
 *   run: await Deno.makeTempDir(), kind: "generation", api, limits: OPENAI_BATCH_LIMITS, log: () => {}, sleep: async () => {},
 *   // Each round asks only what has no result yet, as a pass's pending requests do.
 *   requests: async function* () {
 *     for (const id of ["x", "y"]) if (!applied.includes(id)) yield requestLine(id, { model: "m" });
 *   },
 *   apply: async (line, counts) => void (applied.push(line.custom_id), counts.recorded++),
 * });
 * assert(r.submitted === 1 && r.counts.recorded === 2 && applied.sort().join() === "x,y"); // one batch, one round
 * ```
 */
export async function driveBatches(o: BatchDriverOptions): Promise<BatchDriverResult> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const state: BatchState = (await readBatchState(o.run, o.kind)) ??
    { kind: o.kind, endpoint: o.api.host, entries: [] };
  const save = () => writeBatchState(o.run, state);
  const result: BatchDriverResult = { submitted: 0, reattached: 0, counts: emptyCounts() };
  let rounds = 0;
  for (;;) {
    let active = state.entries.filter((e) => !e.done);
    if (active.length) {
      if (rounds === 0) {
        result.reattached += active.filter((e) => e.id).length;
        if (state.endpoint !== o.api.host) {
          throw new EndpointError(
            `${o.run}: ${active.length} unfinished ${o.kind} batch(es) were submitted to ${state.endpoint}, not ${o.api.host}; use that base URL to collect them`,
          );
        }
      }
    } else {
      if (rounds >= (o.maxRounds ?? 3)) break;
      const files = await writeBatchRequests(o.run, o.kind, state.entries.length + 1, o.requests(), o.limits);
      if (!files.length) break;
      // Named relative to the run folder, so a resume from another working directory finds them.
      for (const f of files) state.entries.push({ file: f.file, lines: f.lines, done: false });
      await save();
      active = state.entries.filter((e) => !e.done);
    }
    rounds++;
    for (const e of active) {
      if (!e.id) {
        await _submit(o, e, save);
        result.submitted++;
      }
    }
    await _wait(o, active, save, sleep, result.counts);
  }
  return result;
}

async function _submit(o: BatchDriverOptions, e: BatchEntry, save: () => Promise<void>): Promise<void> {
  if (e.input_file_id) {
    // Uploaded before an interruption: the batch may have been created without its id stored.
    const found = await o.api.findByInputFile(e.input_file_id);
    if (found) {
      _record(e, found);
      await save();
      o.log(`batch ${found.id} (${_name(e)}): found after an interruption, ${found.status}`);
      return;
    }
  } else {
    e.input_file_id = await o.api.upload(await readBatchRequests(o.run, e.file));
    await save();
  }
  const b = await o.api.create(e.input_file_id, { bsa_run: o.run, bsa_file: _name(e) });
  _record(e, b);
  await save();
  o.log(`batch ${b.id} (${_name(e)}, ${e.lines} requests): submitted, ${b.status}`);
}

async function _wait(
  o: BatchDriverOptions,
  active: BatchEntry[],
  save: () => Promise<void>,
  sleep: (ms: number) => Promise<void>,
  counts: ApplyCounts,
): Promise<void> {
  const shown = new Map<string, string>();
  for (;;) {
    let open = 0;
    for (const e of active) {
      if (e.done) continue;
      let b: BatchInfo;
      try {
        b = await o.api.retrieve(e.id!);
      } catch (err) {
        if (err instanceof EndpointError) throw err;
        o.log(`batch ${e.id}: ${(err as Error).message}; polling again`);
        open++;
        continue;
      }
      _record(e, b);
      const line = `batch ${b.id} (${_name(e)}): ${b.status}, ${b.counts.completed}/${
        b.counts.total || e.lines
      } done, ${b.counts.failed} failed`;
      if (shown.get(b.id) !== line) {
        shown.set(b.id, line);
        o.log(line);
      }
      if (!TERMINAL_STATUSES.has(b.status)) {
        open++;
        continue;
      }
      for (const err of b.errors.slice(0, 5)) o.log(`batch ${b.id}: ${err}`);
      for (const [fileId, suffix] of [[b.output_file_id, "output"], [b.error_file_id, "errors"]] as const) {
        if (!fileId) continue;
        const file = await saveBatchResult(o.run, b.id, suffix, await o.api.content(fileId));
        for await (const { n, line } of resultLines(file, readBatchResult(o.run, b.id, suffix))) {
          await o.apply(line, counts, { file, n });
        }
      }
      e.done = true;
      await save();
    }
    if (!open) return;
    await sleep(o.pollMs ?? 30_000);
  }
}

function _record(e: BatchEntry, b: BatchInfo): void {
  e.id = b.id;
  e.status = b.status;
  e.counts = b.counts;
}

function _name(e: { file: string }): string {
  return e.file.slice(e.file.lastIndexOf("/") + 1);
}
