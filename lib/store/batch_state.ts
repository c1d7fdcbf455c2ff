/**
 * The batch state of a run: one JSON file per kind of pass (`<run>/batches/<kind>.json`),
 * written atomically after every step, so a command killed while waiting re-attaches to what
 * it submitted instead of submitting it again.
 * @module
 */
import { BsaError } from "../errors.ts";
import { writeAtomic } from "../fs.ts";
import { runFiles } from "./files.ts";

/** One submitted (or about to be submitted) request file. */
export interface BatchEntry {
  /** The request file in the run folder (`batches/<name>`, relative to the run folder). */
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

function _stateFile(run: string, kind: string): string {
  return `${runFiles(run).batches}/${kind}.json`;
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
 * import { readBatchState, writeBatchState } from "./batch_state.ts";
 * const run = await Deno.makeTempDir();
 * assert(await readBatchState(run, "generation") === null);
 * await writeBatchState(run, { kind: "generation", endpoint: "http://x/v1", entries: [] });
 * assert((await readBatchState(run, "generation"))?.endpoint === "http://x/v1");
 * ```
 */
export async function readBatchState(run: string, kind: string): Promise<BatchState | null> {
  const path = _stateFile(run, kind);
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
 * Write a run's batch state of one kind (atomically; the batch folder is made if need be).
 *
 * @param run The run folder.
 * @param state The state of one kind (its `kind` names the file).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBatchState, writeBatchState } from "./batch_state.ts";
 * const run = await Deno.makeTempDir();
 * const state = { kind: "generation", endpoint: "api.openai.com", entries: [] };
 * await writeBatchState(run, state);
 * assert.deepEqual(await readBatchState(run, "generation"), state);
 * assert(await readBatchState(run, "judge") === null); // none of that kind yet
 * ```
 */
export async function writeBatchState(run: string, state: BatchState): Promise<void> {
  await Deno.mkdir(runFiles(run).batches, { recursive: true });
  await writeAtomic(_stateFile(run, state.kind), JSON.stringify(state, null, 2) + "\n");
}

/**
 * The batch state of every kind a run has (none for a run that never went through batches).
 *
 * @param run The run folder.
 * @returns Each kind's state, in the order the folder lists them.
 * @throws {BsaError} A state file is not valid JSON.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBatchStates, writeBatchState } from "./batch_state.ts";
 * const run = await Deno.makeTempDir();
 * assert.deepEqual(await readBatchStates(run), []);
 * await writeBatchState(run, { kind: "judge", endpoint: "e", entries: [] });
 * await writeBatchState(run, { kind: "generation", endpoint: "e", entries: [] });
 * assert.deepEqual((await readBatchStates(run)).map((s) => s.kind).sort(), ["generation", "judge"]);
 * ```
 */
export async function readBatchStates(run: string): Promise<BatchState[]> {
  const out: BatchState[] = [];
  try {
    for await (const f of Deno.readDir(runFiles(run).batches)) {
      if (!f.isFile || !f.name.endsWith(".json")) continue;
      const state = await readBatchState(run, f.name.slice(0, -5));
      if (state) out.push(state);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return out;
    throw err;
  }
  return out;
}
