/**
 * The batches of a run folder: which are still in flight, for `study --dry-run` and for the
 * passes that must not ask their samples twice. The state itself (`<run>/batches/<kind>.json`,
 * so a command killed while waiting re-attaches to what it submitted) is the store's
 * (lib/store/batch_state.ts), re-exported here.
 * @module
 */
import { BatchInFlightError } from "../../errors.ts";
import { type BatchEntry, readBatchState, readBatchStates } from "../../store/mod.ts";

export { type BatchEntry, type BatchState, readBatchState, writeBatchState } from "../../store/mod.ts";

/**
 * The unfinished batches of a run, every kind: what `study --dry-run` shows.
 *
 * @param run The run folder.
 * @returns Each unfinished batch with its kind.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pendingBatches, writeBatchState } from "./state.ts";
 * const run = await Deno.makeTempDir();
 * await writeBatchState(run, { kind: "judge", endpoint: "e", entries: [{ file: "f", lines: 3, id: "b1", status: "in_progress", done: false }] });
 * const p = await pendingBatches(run);
 * assert(p.length === 1 && p[0].kind === "judge" && p[0].entry.id === "b1");
 * ```
 */
export async function pendingBatches(run: string): Promise<{ kind: string; entry: BatchEntry }[]> {
  const out: { kind: string; entry: BatchEntry }[] = [];
  for (const state of await readBatchStates(run)) {
    for (const entry of state.entries ?? []) if (!entry.done) out.push({ kind: state.kind, entry });
  }
  return out.sort((a, b) => a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
}

/**
 * Refuse a pass of one kind that would not go through the Batch API while batches of that
 * kind are in flight for the run (submitted, or written and not yet read back): their
 * samples would be asked twice. A live batch pass picks them up instead.
 *
 * @param run The run folder.
 * @param kind `generation`, `judge` or `judge-<label>`.
 * @throws {BatchInFlightError} Batches of that kind are not done.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseBatchInFlight, writeBatchState } from "./state.ts";
 * const run = await Deno.makeTempDir();
 * await refuseBatchInFlight(run, "generation"); // none: fine
 * await writeBatchState(run, { kind: "generation", endpoint: "api.openai.com", entries: [{ file: "batches/generation-001.jsonl", lines: 3, id: "batch_1", done: false }] });
 * await assert.rejects(refuseBatchInFlight(run, "generation"), /batch_1/);
 * await refuseBatchInFlight(run, "judge"); // another kind: fine
 * ```
 */
export async function refuseBatchInFlight(run: string, kind: string): Promise<void> {
  const state = await readBatchState(run, kind);
  const open = (state?.entries ?? []).filter((e) => !e.done);
  if (open.length) {
    throw new BatchInFlightError(run, kind, state!.endpoint, open.map((e) => e.id ?? `${e.file} (not submitted)`));
  }
}
