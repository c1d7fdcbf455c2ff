/**
 * The files of a run's batch folder (`<run>/batches/`) besides its state (./batch_state.ts):
 * the request files a live batch uploads, the output and error files it downloads, and each
 * judge's parts file (a judge call's reply kept until its sample's other call has answered).
 * Callers name a run folder and a batch (its kind, number, id, or judge); the paths are built
 * here.
 * @module
 */
import { writeAtomic } from "../fs.ts";
import { runFiles } from "./files.ts";
import { JsonlAppender, readJsonl, readNumberedJsonl, type ReadNumberedJsonlOptions } from "./jsonl.ts";
import { type BatchLimits, writeRequestFiles } from "./request_files.ts";

/** A request file written into a run's batch folder. */
export interface BatchRequestFile {
  /** Where the run's batch state keeps it: relative to the run folder (`batches/<name>`). */
  file: string;
  lines: number;
  bytes: number;
}

/** Which file of a finished batch: its output (answers) or its errors. */
export type BatchResultPart = "output" | "errors";

function _name(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}

/**
 * Write the request lines of one submission of a run's batches of one kind into its batch
 * folder: `batches/<kind>-<NNN>.jsonl`, split into `<kind>-<NNN>.2.jsonl`, ... under the
 * limits (see {@linkcode writeRequestFiles}). Each file is named as the batch state keeps it,
 * relative to the run folder, so a command run again from another working directory finds it.
 *
 * @param run The run folder.
 * @param kind `generation`, `judge` or `judge-<label>`.
 * @param seq The number of the first file among the kind's request files (1 for the first).
 * @param lines The request lines.
 * @param limits The most lines and bytes per file.
 * @returns Each file written (none when there were no lines).
 * @throws {BsaError} One line alone is larger than `limits.maxBytes`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeBatchRequests } from "./batch_files.ts";
 * const run = await Deno.makeTempDir();
 * const lines = [0, 1, 2].map((i) => ({ custom_id: `g.${i}.q`, method: "POST", url: "/v1/chat/completions", body: {} }));
 * const files = await writeBatchRequests(run, "generation", 1, lines, { maxLines: 2, maxBytes: 1e6 });
 * assert.deepEqual(files.map((f) => [f.file, f.lines]), [["batches/generation-001.jsonl", 2], ["batches/generation-001.2.jsonl", 1]]);
 * assert.deepEqual(await writeBatchRequests(run, "judge", 1, [], { maxLines: 2, maxBytes: 1e6 }), []);
 * ```
 */
export async function writeBatchRequests(
  run: string,
  kind: string,
  seq: number,
  lines: Iterable<{ custom_id: string }> | AsyncIterable<{ custom_id: string }>,
  limits: BatchLimits,
): Promise<BatchRequestFile[]> {
  const dir = runFiles(run).batches;
  await Deno.mkdir(dir, { recursive: true });
  const written = await writeRequestFiles(`${dir}/${kind}-${String(seq).padStart(3, "0")}.jsonl`, lines, limits);
  return written.map((f) => ({ file: `batches/${_name(f.path)}`, lines: f.lines, bytes: f.bytes }));
}

/**
 * Read a request file of a run's batch, to upload it. It is looked for in the run's batch
 * folder by its name, whatever folder the state names it in (an older bsa stored the path
 * from the working directory of the command that wrote it).
 *
 * @param run The run folder.
 * @param file The request file as the batch state names it (`batches/generation-001.jsonl`).
 * @returns The file's name and bytes.
 * @throws {Deno.errors.NotFound} The run's batch folder holds no such file.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBatchRequests, writeBatchRequests } from "./batch_files.ts";
 * const run = await Deno.makeTempDir();
 * const [f] = await writeBatchRequests(run, "judge", 1, [{ custom_id: "x" }], { maxLines: 9, maxBytes: 1e6 });
 * const r = await readBatchRequests(run, f.file);
 * assert.equal(r.name, "judge-001.jsonl");
 * assert.equal(new TextDecoder().decode(r.bytes), '{"custom_id":"x"}\n');
 * assert.equal((await readBatchRequests(run, "old/cwd/run/batches/judge-001.jsonl")).name, "judge-001.jsonl");
 * ```
 */
export async function readBatchRequests(run: string, file: string): Promise<{ name: string; bytes: Uint8Array }> {
  const name = _name(file);
  return { name, bytes: await Deno.readFile(`${runFiles(run).batches}/${name}`) };
}

function _resultFile(run: string, batchId: string, part: BatchResultPart): string {
  return `${runFiles(run).batches}/${batchId}.${part}.jsonl`;
}

/**
 * Keep a finished batch's output or error file in the run's batch folder
 * (`batches/<batch id>.<part>.jsonl`, written atomically).
 *
 * @param run The run folder.
 * @param batchId The batch's id.
 * @param part `output` or `errors`.
 * @param bytes The file's content as downloaded.
 * @returns The file's path, for messages that name where a line was read.
 * @throws {BsaError} The file cannot be written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { saveBatchResult } from "./batch_files.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.mkdir(`${run}/batches`);
 * const path = await saveBatchResult(run, "batch_1", "output", new TextEncoder().encode('{"custom_id":"x"}\n'));
 * assert.equal(path, `${run}/batches/batch_1.output.jsonl`);
 * ```
 */
export async function saveBatchResult(
  run: string,
  batchId: string,
  part: BatchResultPart,
  bytes: Uint8Array,
): Promise<string> {
  const path = _resultFile(run, batchId, part);
  await writeAtomic(path, bytes);
  return path;
}

/**
 * Read a finished batch's output or error file kept in the run (see
 * {@linkcode saveBatchResult}), line by line with each line's number (the store's
 * {@linkcode readNumberedJsonl}): a last line cut short goes to `onCut`, not read.
 *
 * @param run The run folder.
 * @param batchId The batch's id.
 * @param part `output` or `errors`.
 * @param onCut Called with the number of a last line cut short.
 * @returns Each line and its number (an async generator).
 * @throws {BsaError} The file cannot be read, or a line (other than a cut last one) is not JSON.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBatchResult, saveBatchResult } from "./batch_files.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.mkdir(`${run}/batches`);
 * await saveBatchResult(run, "b1", "errors", new TextEncoder().encode('{"custom_id":"x"}\n\n{"custom_id":"y"}\n'));
 * const seen = [];
 * for await (const { line, value } of readBatchResult(run, "b1", "errors")) seen.push([line, (value as { custom_id: string }).custom_id]);
 * assert.deepEqual(seen, [[1, "x"], [3, "y"]]);
 * await assert.rejects(readBatchResult(run, "b2", "output").next(), /cannot read the result file/);
 * ```
 */
export function readBatchResult(
  run: string,
  batchId: string,
  part: BatchResultPart,
  onCut?: ReadNumberedJsonlOptions["onCut"],
): AsyncGenerator<{ line: number; value: unknown }> {
  return readNumberedJsonl<unknown>(_resultFile(run, batchId, part), { onCut, what: "the result file" });
}

/** The parts file of a judge: in the batch folder, so no lister of `judgments-*.jsonl` takes it for verdicts. */
function _partsFile(run: string, judge?: string): string {
  const judgments = _name(runFiles(run, judge).judgments);
  return `${runFiles(run).batches}/${judgments.replace(/\.jsonl$/, "")}.parts.jsonl`;
}

/**
 * Open a judge's batch parts file for appending (`batches/judgments[-<label>].parts.jsonl`;
 * the folder is made, a cut last line repaired). Only the holder of that judge's judgments
 * lock calls it.
 *
 * @param run The run folder.
 * @param judge The judge's label (default: the default judge).
 * @returns The appender.
 * @throws {BsaError} A judge label with characters other than letters, digits, `.`, `_` and `-`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openJudgeParts } from "./batch_files.ts";
 * const run = await Deno.makeTempDir();
 * const w = await openJudgeParts(run, "second");
 * await w.append({ id: "q", sample: 0, part: "a" });
 * await w.close();
 * assert.equal(await Deno.readTextFile(`${run}/batches/judgments-second.parts.jsonl`), '{"id":"q","sample":0,"part":"a"}\n');
 * ```
 */
export async function openJudgeParts(run: string, judge?: string): Promise<JsonlAppender> {
  const path = _partsFile(run, judge);
  await Deno.mkdir(runFiles(run).batches, { recursive: true });
  return await JsonlAppender.open(path);
}

/**
 * The lines of a judge's batch parts file, in the order they were written (none when it has
 * none yet; a cut last line is skipped).
 *
 * @param run The run folder.
 * @param judge The judge's label (default: the default judge).
 * @returns The parts (an async generator).
 * @throws {BsaError} A line (other than a cut last one) is not JSON; a judge label with other characters than letters, digits, `.`, `_` and `-`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openJudgeParts, readJudgeParts } from "./batch_files.ts";
 * const run = await Deno.makeTempDir();
 * const none = [];
 * for await (const p of readJudgeParts(run)) none.push(p);
 * const w = await openJudgeParts(run);
 * await w.append({ id: "q", sample: 0, part: "r" });
 * await w.close();
 * const parts = [];
 * for await (const p of readJudgeParts<{ part: string }>(run, "default")) parts.push(p.part);
 * assert.deepEqual([none, parts], [[], ["r"]]);
 * ```
 */
export function readJudgeParts<T = unknown>(run: string, judge?: string): AsyncGenerator<T> {
  return readJsonl<T>(_partsFile(run, judge));
}
