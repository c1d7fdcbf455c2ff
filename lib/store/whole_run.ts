/**
 * Whole runs at once, for importing and exporting (lib/interop): every newest record of a run
 * read in one go, and a complete run folder written whole or not at all.
 * @module
 */
import { BsaError } from "../errors.ts";
import type { GenerationRecord, JudgmentRecord } from "./records.ts";
import { runFiles } from "./files.ts";
import { JsonlAppender, readLatest, sampleKey } from "./jsonl.ts";
import { readManifest, runFolderState, type RunManifest, writeManifest } from "./manifest.ts";
import { expandRunPaths } from "./run_paths.ts";

/** What an export reads of one run: its manifest and the newest record of each sample. */
export interface RunRecords {
  manifest: RunManifest;
  /** Newest generation record of each sample, in file order of their last appearance. */
  generations: GenerationRecord[];
  /** Newest judgment of each sample by the judge asked for, by {@linkcode sampleKey}. */
  judgments: Map<string, JudgmentRecord>;
  /** A last line cut short, skipped. */
  warnings: string[];
}

/**
 * Read a run folder's manifest, generations and one judge's judgments (last record per sample wins).
 *
 * @param dir The run folder.
 * @param judge A judge's label (default: the default judge).
 * @returns The records.
 * @throws {BsaError} The folder is not a run, or a file is not valid JSONL.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRunRecords, writeRunFolder } from "./whole_run.ts";
 * import { newManifest } from "./manifest.ts";
 * const dir = `${await Deno.makeTempDir()}/run`;
 * const manifest = newManifest({ model: "m", endpoints: [], k: 1, dataset: { source: "d", sha256: "x", pinned: false },
 *   subset: { ids: ["q"], description: "" }, params: {}, tags: {} });
 * const g = { id: "q", sample: 0, scenario: "Risk Omission", answer: "a", reasoning: null, reasoning_source: "none",
 *   finish_reason: "stop", prompt_tokens: 1, completion_tokens: 1, outcome: "no_reasoning" as const };
 * await writeRunFolder(dir, { manifest, generations: [g], judgments: {} });
 * const r = await readRunRecords(dir);
 * assert(r.manifest.model === "m" && r.generations[0].answer === "a" && r.judgments.size === 0);
 * ```
 */
export async function readRunRecords(dir: string, judge?: string): Promise<RunRecords> {
  const manifest = await readManifest(dir);
  const files = runFiles(dir, judge);
  const warnings: string[] = [];
  const generations: GenerationRecord[] = [];
  for await (const g of readLatest<GenerationRecord>(files.generations, { warnings })) generations.push(g);
  const judgments = new Map<string, JudgmentRecord>();
  for await (const j of readLatest<JudgmentRecord>(files.judgments, { warnings })) judgments.set(sampleKey(j), j);
  return { manifest, generations, judgments, warnings };
}

/** A run folder to write: its manifest, generations, and judgments by judge label (`""`: the default judge). */
export interface NewRun {
  manifest: RunManifest;
  generations: GenerationRecord[];
  judgments: Record<string, JudgmentRecord[]>;
}

/**
 * Write a new run folder whole, or not at all: the files go into a hidden folder beside `dir`,
 * which is renamed to `dir` once complete, so a failure leaves nothing behind.
 *
 * @param dir The run folder to create (absent, or an empty folder).
 * @param run Its manifest and records.
 * @throws {BsaError} `dir` holds a run or other files, or cannot be written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeRunFolder } from "./whole_run.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/notes.txt`, "mine");
 * const manifest = { toolkit_version: "0", model: "m", endpoints: [], k: 1, dataset: { source: "d", sha256: "x", pinned: false },
 *   subset: { ids: null, description: "" }, params: {}, tags: {}, started: "", finished: null, tokens: { prompt: 0, completion: 0 } };
 * await assert.rejects(writeRunFolder(dir, { manifest, generations: [], judgments: {} }), /is not empty/);
 * ```
 */
export async function writeRunFolder(dir: string, run: NewRun): Promise<void> {
  const clean = dir.replace(/\/+$/, "");
  if ((await runFolderState(clean)) === "run") throw new BsaError(`${clean} holds a run already`);
  const slash = clean.lastIndexOf("/");
  const parent = slash === -1 ? "." : clean.slice(0, slash) || "/";
  await Deno.mkdir(parent, { recursive: true }).catch((err) => {
    throw new BsaError(`cannot create ${parent}: ${(err as Error).message}`);
  });
  const tmp = `${parent}/.${clean.slice(slash + 1)}.importing-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.mkdir(tmp);
    await _appendAll(runFiles(tmp).generations, run.generations);
    for (const [label, records] of Object.entries(run.judgments)) {
      await _appendAll(runFiles(tmp, label || undefined).judgments, records);
    }
    await writeManifest(tmp, run.manifest);
    // An empty folder given as the target is replaced by the complete one.
    await Deno.remove(clean).catch(() => {});
    await Deno.rename(tmp, clean);
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    if (err instanceof BsaError) throw err;
    throw new BsaError(`cannot write the run folder ${clean}: ${(err as Error).message}`, { cause: err });
  }
}

async function _appendAll(path: string, records: unknown[]): Promise<void> {
  const w = await JsonlAppender.open(path);
  try {
    for (const r of records) await w.append(r);
  } finally {
    await w.close();
  }
}

/**
 * Whether `dir` is a run folder (holds a manifest).
 *
 * @param dir A folder.
 * @returns True for a run folder.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRunFolder } from "./whole_run.ts";
 * assert(!(await isRunFolder(await Deno.makeTempDir())));
 * ```
 */
export async function isRunFolder(dir: string): Promise<boolean> {
  return await Deno.stat(runFiles(dir).manifest).then(() => true, () => false);
}

/**
 * The run folders `paths` name: a run folder stands for itself, any other folder for the runs below it.
 *
 * @param paths Run folders or folders of runs.
 * @returns The run folders.
 * @throws {BsaError} A path does not exist.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFolders } from "./whole_run.ts";
 * assert.deepEqual(await runFolders([await Deno.makeTempDir()]), []);
 * ```
 */
export async function runFolders(paths: string[]): Promise<string[]> {
  return await expandRunPaths(paths);
}
