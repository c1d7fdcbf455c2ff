/**
 * The batches of a run folder, stored in `<run>/batches/<kind>.json` so a command killed
 * while waiting re-attaches to what it submitted instead of submitting it again.
 * @module
 */
import { BatchInFlightError, BsaError } from "../../errors.ts";
import { writeAtomic } from "../../fs.ts";

/** One submitted (or about to be submitted) request file. */
export interface BatchEntry {
  /** The request file in the run folder. */
  file: string;
  lines: number;
  /** Stored right after the upload, before the batch is created. */
  input_file_id?: string;
  /** Stored right after the batch is created. */
  id?: string;
  status?: string;
  counts?: { total: number; completed: number; failed: number };
  /** True once its results were read into the run (or it ended without any). */
  done: boolean;
}

/** The batches of one kind (`generation`, `judge`, `judge-<label>`) of a run. */
export interface BatchState {
  kind: string;
  /** The Batch API's host. */
  endpoint: string;
  entries: BatchEntry[];
}

/**
 * The folder of a run's batch files.
 *
 * @param run The run folder.
 * @returns `<run>/batches`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchDir } from "./state.ts";
 * assert(batchDir("runs/m") === "runs/m/batches");
 * ```
 */
export function batchDir(run: string): string {
  return `${run}/batches`;
}

/**
 * Read a run's batch state of one kind (`null` when it has none).
 *
 * @param run The run folder.
 * @param kind The pass's kind (`generation`, or `judge` and its label).
 * @returns The state, or null.
 * @throws {BsaError} The state file is not valid JSON.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBatchState, writeBatchState } from "./state.ts";
 * const run = await Deno.makeTempDir();
 * assert(await readBatchState(run, "generation") === null);
 * await writeBatchState(run, { kind: "generation", endpoint: "http://x/v1", entries: [] });
 * assert((await readBatchState(run, "generation"))?.endpoint === "http://x/v1");
 * ```
 */
export async function readBatchState(run: string, kind: string): Promise<BatchState | null> {
  const path = `${batchDir(run)}/${kind}.json`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  try {
    return JSON.parse(text) as BatchState;
  } catch (err) {
    throw new BsaError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Write a run's batch state of one kind (atomically).
 *
 * @param run The run folder.
 * @param state The state of one kind (its `kind` names the file).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBatchState, writeBatchState } from "./state.ts";
 * const run = await Deno.makeTempDir();
 * const state = { kind: "generation", endpoint: "api.openai.com", entries: [] };
 * await writeBatchState(run, state);
 * assert.deepEqual(await readBatchState(run, "generation"), state);
 * assert(await readBatchState(run, "judge") === null); // none of that kind yet
 * ```
 */
export async function writeBatchState(run: string, state: BatchState): Promise<void> {
  await Deno.mkdir(batchDir(run), { recursive: true });
  await writeAtomic(`${batchDir(run)}/${state.kind}.json`, JSON.stringify(state, null, 2) + "\n");
}

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
  try {
    for await (const f of Deno.readDir(batchDir(run))) {
      if (!f.isFile || !f.name.endsWith(".json")) continue;
      const state = await readBatchState(run, f.name.slice(0, -5));
      for (const entry of state?.entries ?? []) if (!entry.done) out.push({ kind: state!.kind, entry });
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return out;
    throw err;
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
