/**
 * The records of one run folder, by what they are rather than where they lie: the readers and
 * appenders every module uses instead of opening a run's files itself.
 * @module
 */
import { normalizeVerdict } from "../metrics/verdicts.ts";
import { judgeLabel, runFiles } from "./files.ts";
import { readJsonFile } from "./json_file.ts";
import { JsonlAppender, readJsonl, type ReadJsonlOptions, readLatest, sampleKey } from "./jsonl.ts";
import { JsonlIndex } from "./jsonl_index.ts";
import { acquireLock, type RunLock } from "./lock.ts";
import type { GenerationRecord, JudgmentRecord } from "./records.ts";
import { sampleKeys, type SampleScan, scanSamples } from "./samples.ts";

/**
 * The newest generation record of each sample of a run (see {@linkcode readLatest}).
 *
 * @param run The run folder.
 * @param options Where a note on a cut last line goes.
 * @returns The records (an async generator; none for a run without generations yet).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readGenerations } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${run}/generations.jsonl`, '{"id":"q","sample":0,"outcome":"failed"}\n{"id":"q","sample":0,"outcome":"ok"}\n');
 * const got = [];
 * for await (const g of readGenerations(run)) got.push(g.outcome);
 * assert.deepEqual(got, ["ok"]);
 * ```
 */
export function readGenerations(run: string, options: ReadJsonlOptions = {}): AsyncGenerator<GenerationRecord> {
  return readLatest<GenerationRecord>(runFiles(run).generations, options);
}

/**
 * The newest judgment record of each sample of a run, by one judge, as written (verdicts
 * unnormalised: for the pipeline deciding what to judge again; readers who count verdicts
 * use {@linkcode loadRunJudgments} or {@linkcode judgmentsIndex}).
 *
 * @param run The run folder.
 * @param judge The judge's label (default: the default judge).
 * @param options Where a note on a cut last line goes.
 * @returns The records (an async generator).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJudgments } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${run}/judgments-b.jsonl`, '{"id":"q","sample":0,"answer_verdict":"Safe","reasoning_verdict":"True"}\n');
 * const got = [];
 * for await (const j of readJudgments(run, "b")) got.push(j.answer_verdict);
 * assert.deepEqual(got, ["Safe"]);
 * ```
 */
export function readJudgments(
  run: string,
  judge?: string,
  options: ReadJsonlOptions = {},
): AsyncGenerator<JudgmentRecord> {
  return readLatest<JudgmentRecord>(runFiles(run, judge).judgments, options);
}

/**
 * Open a run's generations for appending (a cut last line is repaired first). Only the
 * holder of the run's generations lock calls it.
 *
 * @param run The run folder.
 * @returns The appender.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openGenerations } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * const w = await openGenerations(run);
 * await w.append({ id: "q", sample: 0 });
 * await w.close();
 * assert.equal(await Deno.readTextFile(`${run}/generations.jsonl`), '{"id":"q","sample":0}\n');
 * ```
 */
export function openGenerations(run: string): Promise<JsonlAppender> {
  return JsonlAppender.open(runFiles(run).generations);
}

/**
 * Open a judge's judgments of a run for appending (a cut last line is repaired first). Only
 * the holder of that judgments file's lock calls it.
 *
 * @param run The run folder.
 * @param judge The judge's label (default: the default judge).
 * @returns The appender.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openJudgments } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * const w = await openJudgments(run, "default");
 * await w.append({ id: "q", sample: 0 });
 * await w.close();
 * assert.equal(await Deno.readTextFile(`${run}/judgments.jsonl`), '{"id":"q","sample":0}\n');
 * ```
 */
export function openJudgments(run: string, judge?: string): Promise<JsonlAppender> {
  return JsonlAppender.open(runFiles(run, judge).judgments);
}

/**
 * Scan a run's generations, or one judge's judgments, without their texts (see {@linkcode scanSamples}).
 *
 * @param run The run folder.
 * @param what `generations`, or `judgments` with the judge's label.
 * @param judge The judge's label (for `judgments`).
 * @param options `warnings`: where a last line cut short (skipped) is noted.
 * @returns The newest state of each sample and the tokens of every record.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanRun } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${run}/generations.jsonl`, '{"id":"q","sample":0,"outcome":"ok","prompt_tokens":3}\n');
 * const s = await scanRun(run, "generations");
 * assert(s.latest.size === 1 && s.tokens.prompt === 3);
 * assert((await scanRun(run, "judgments")).latest.size === 0);
 * ```
 */
export function scanRun(
  run: string,
  what: "generations" | "judgments",
  judge?: string,
  options: { warnings?: string[] } = {},
): Promise<SampleScan> {
  const files = runFiles(run, judge);
  return scanSamples(what === "generations" ? files.generations : files.judgments, options);
}

/**
 * How many judgment records each sample of a run has by one judge, superseded ones included:
 * a sample's judging round (a `--retry-invalid` or a regenerated sample adds one).
 *
 * @param run The run folder.
 * @param judge The judge's label (default: the default judge).
 * @param only The samples to count (by {@linkcode sampleKey}; default: every sample), so a pass over a few keeps a few.
 * @returns The count of records by {@linkcode sampleKey} (none for a run not judged yet).
 * @throws {BsaError} A line (other than a cut last one) is not JSON.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgmentCounts } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${run}/judgments.jsonl`, '{"id":"q","sample":0}\n{"id":"q","sample":1}\n{"id":"q","sample":0}\n');
 * assert.deepEqual([...(await judgmentCounts(run))], [["q\u00000", 2], ["q\u00001", 1]]);
 * assert.deepEqual([...(await judgmentCounts(run, undefined, new Set(["q\u00001"])))], [["q\u00001", 1]]);
 * assert.equal((await judgmentCounts(run, "other")).size, 0);
 * ```
 */
export async function judgmentCounts(
  run: string,
  judge?: string,
  only?: ReadonlySet<string>,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const j of readJsonl<{ id: string; sample: number }>(runFiles(run, judge).judgments)) {
    const key = sampleKey(j);
    if (!only || only.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Generated samples of a run that a judge has no judgment of (yet): read fast, without texts.
 *
 * @param run The run folder.
 * @param judge The judge's label (default: the default judge).
 * @returns How many samples were generated, and how many of them are not judged.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unjudged } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${run}/generations.jsonl`, '{"id":"q","sample":0}\n{"id":"q","sample":1}\n');
 * await Deno.writeTextFile(`${run}/judgments.jsonl`, '{"id":"q","sample":0}\n');
 * assert.deepEqual(await unjudged(run), { generated: 2, unjudged: 1 });
 * ```
 */
export async function unjudged(run: string, judge?: string): Promise<{ generated: number; unjudged: number }> {
  const files = runFiles(run, judge);
  const [gen, jud] = await Promise.all([sampleKeys(files.generations), sampleKeys(files.judgments)]);
  let n = 0;
  for (const k of gen) if (!jud.has(k)) n++;
  return { generated: gen.size, unjudged: n };
}

/** What the viewer keeps of a generation record in its index. */
export interface GenerationMeta {
  id: string;
  sample: number;
  scenario: string;
  outcome: string;
  /** Completion tokens, where the record holds them (for sorting by length). */
  tokens: number | null;
}

/** What the viewer keeps of a judgment record in its index: verdicts through the one normaliser. */
export interface JudgmentMeta {
  id: string;
  sample: number;
  scenario: string;
  answer: string;
  reasoning: string;
}

/**
 * A byte-offset index of a run's generations (bounded memory: offsets and a few small
 * fields, never the texts), refreshed as the file grows.
 *
 * @param run The run folder.
 * @returns The index (empty until the file appears).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generationsIndex } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${run}/generations.jsonl`, '{"id":"q","sample":0,"scenario":"Risk Omission","answer":"a"}\n');
 * const index = generationsIndex(run);
 * const { added } = await index.refresh();
 * assert.equal(added[0].meta.outcome, "ok"); // older folders: no outcome reads as ok
 * ```
 */
export function generationsIndex(run: string): JsonlIndex<GenerationMeta> {
  return new JsonlIndex(runFiles(run).generations, (r: GenerationRecord) => ({
    id: String(r.id),
    sample: Number(r.sample),
    scenario: r.scenario,
    outcome: r.outcome ?? (r.reasoning === null ? "no_reasoning" : "ok"),
    tokens: typeof r.completion_tokens === "number" ? r.completion_tokens : null,
  }));
}

/**
 * A byte-offset index of one judge's judgments of a run, verdicts normalised (`**safe**`
 * reads as `Safe`, anything off the rubric as `invalid`), as every other reader sees them.
 *
 * @param run The run folder.
 * @param judge The judge's label (`default`: judgments.jsonl).
 * @returns The index.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgmentsIndex } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${run}/judgments.jsonl`, '{"id":"q","sample":0,"scenario":"Risk Omission","answer_verdict":"safe","reasoning_verdict":"true"}\n');
 * const { added } = await judgmentsIndex(run, "default").refresh();
 * assert.deepEqual([added[0].meta.answer, added[0].meta.reasoning], ["Safe", "True"]);
 * ```
 */
export function judgmentsIndex(run: string, judge?: string): JsonlIndex<JudgmentMeta> {
  return new JsonlIndex(runFiles(run, judge).judgments, (r: JudgmentRecord) => ({
    id: String(r.id),
    sample: Number(r.sample),
    scenario: r.scenario,
    answer: normalizeVerdict(r.answer_verdict, "answer"),
    reasoning: normalizeVerdict(r.reasoning_verdict, r.scenario),
  }));
}

/**
 * The keys of the samples a run's generations, or one judge's judgments, hold (read fast,
 * see {@linkcode sampleKeys}).
 *
 * @param run The run folder.
 * @param what `generations`, or `judgments` with the judge's label.
 * @param judge The judge's label (for `judgments`).
 * @returns The sample keys.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runSampleKeys } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${run}/generations.jsonl`, '{"id":"q","sample":0}\n');
 * assert.equal((await runSampleKeys(run, "generations")).size, 1);
 * ```
 */
export function runSampleKeys(run: string, what: "generations" | "judgments", judge?: string): Promise<Set<string>> {
  const files = runFiles(run, judge);
  return sampleKeys(what === "generations" ? files.generations : files.judgments);
}

/**
 * Take a run's generations lock (one `run` at a time), or fail at once naming the holder.
 *
 * @param run The run folder (it must exist).
 * @returns The lock.
 * @throws {LockedError} Another process writes the run's generations.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockGenerations } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * const lock = await lockGenerations(run);
 * await assert.rejects(lockGenerations(run), /generations\.jsonl\.lock: held by bsa run/);
 * await lock.release();
 * ```
 */
export function lockGenerations(run: string): Promise<RunLock> {
  return acquireLock(runFiles(run).generationsLock, "bsa run");
}

/**
 * Take the lock of one judge's judgments of a run (one writer per judgments file).
 *
 * @param run The run folder.
 * @param judge The judge's label (default: the default judge).
 * @returns The lock.
 * @throws {LockedError} Another process writes these judgments.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockJudgments } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * const lock = await lockJudgments(run, "b");
 * await assert.rejects(lockJudgments(run, "b"), /judgments-b\.jsonl\.lock: held by bsa judge --label b/);
 * await (await lockJudgments(run, "default")).release(); // another file, another lock
 * await lock.release();
 * ```
 */
export function lockJudgments(run: string, judge?: string): Promise<RunLock> {
  const label = judgeLabel(judge);
  return acquireLock(runFiles(run, label).judgmentsLock, `bsa judge${label ? ` --label ${label}` : ""}`);
}

/**
 * Whether a `run` is writing the run's generations right now. The lock is tried for a moment
 * (a shared lock: it never shuts out another reader, only a `run` starting in that instant).
 *
 * @param run The run folder.
 * @returns True while a `run` holds the generations lock.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generationsBusy, lockGenerations } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * assert.equal(await generationsBusy(run), false);
 * const lock = await lockGenerations(run);
 * assert.equal(await generationsBusy(run), true);
 * await lock.release();
 * ```
 */
export async function generationsBusy(run: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(runFiles(run).generationsLock, { read: true });
  } catch {
    return false; // never locked: no run has written here with this version
  }
  try {
    const free = await file.tryLock(false);
    return !free;
  } catch {
    return false;
  } finally {
    file.close();
  }
}

/**
 * A run's review plan file, read (`null` when there is none).
 *
 * @param run The run folder.
 * @returns The parsed plan file, or null.
 * @throws {BsaError} The plan cannot be read or is not JSON.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRunPlan } from "./run_records.ts";
 * const run = await Deno.makeTempDir();
 * assert.equal(await readRunPlan(run), null);
 * await Deno.writeTextFile(`${run}/review-plan.json`, '{"version":1}');
 * assert.deepEqual(await readRunPlan(run), { version: 1 });
 * ```
 */
export function readRunPlan(run: string): Promise<unknown> {
  return readJsonFile(runFiles(run).reviewPlan, "the review plan");
}
