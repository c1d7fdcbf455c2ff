/**
 * `bsa ingest`: read a batch result file (OpenAI's output or error file, or what
 * `vllm run-batch` writes) into a run folder, through the same pass as a live batch, so the
 * records are those a direct call would have written.
 * @module
 */
import { BsaError, JudgePromptsError, NoJudgeRecordedError, ResultIdentityError } from "../../errors.ts";
import type { Dataset } from "../../dataset/load.ts";
import { generate, type GenerateResult } from "../generate.ts";
import { judge, judgeIdentity, type JudgeResult } from "../judge.ts";
import type { JudgeCache } from "../judge_cache.ts";
import { readManifest } from "../../store/mod.ts";
import type { JudgePrompts } from "../prompts.ts";
import type { ProgressSink } from "../progress.ts";
import { batchExpectation } from "./phase.ts";
import { parseCustomId } from "./requests.ts";
import { type ApplyCounts, identityProblem, readNumberedResults } from "./results.ts";

/** What {@linkcode ingestResults} needs. */
export interface IngestOptions {
  run: string;
  file: string;
  dataset: Dataset;
  /** The judge prompts: needed when the file holds judge replies (checked against the run's record). */
  prompts?: () => Promise<JudgePrompts>;
  /** Which judge's verdicts the judge replies are (`--label` of `bsa judge`). */
  label?: string;
  cache?: JudgeCache | null;
  /** Where the progress display goes (default: nowhere). */
  progress?: ProgressSink | null;
  log?: (line: string) => void;
}

/**
 * Every line of a result file, counted once: by kind, and by what became of it (the counts
 * applying result lines keeps, {@linkcode ApplyCounts}, less what is still to ask).
 */
export interface IngestLines extends Omit<ApplyCounts, "retry" | "errors"> {
  /** Lines of the file (blank lines aside), a cut last line included. */
  total: number;
  generation: number;
  judge: number;
  /** Lines whose custom id bsa did not write (counted in `unknown` too). */
  foreign: number;
  /** A last line cut short (an interrupted download or copy): not read. */
  cut: number;
}

/** What an ingest did: every line counted, the generation pass, the judge pass (when the file held such lines). */
export interface IngestResult {
  lines: IngestLines;
  generation?: GenerateResult;
  judge?: JudgeResult;
}

/**
 * Count the kinds of lines a result file holds (by custom id).
 *
 * @param file The result file.
 * @returns The number of generation, judge and other lines, and of a cut last line.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultFileKinds } from "./ingest.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"custom_id":"g.0.q"}\n{"custom_id":"ja.0.0.0.q"}\n{"custom_id":"x"}\n{"cus');
 * assert.deepEqual(await resultFileKinds(p), { generation: 1, judge: 1, foreign: 1, cut: 1 });
 * ```
 */
export async function resultFileKinds(
  file: string,
): Promise<{ generation: number; judge: number; foreign: number; cut: number }> {
  const lines = { generation: 0, judge: 0, foreign: 0, cut: 0 };
  for await (const { line } of readNumberedResults(file, () => lines.cut++)) {
    const t = parseCustomId(line.custom_id);
    lines[t ? t.kind : "foreign"]++;
  }
  return lines;
}

/**
 * Read a result file into a run: generation lines (the run's manifest says how the run was
 * asked), then judge lines (for the judge recorded by `bsa judge --batch-file`, whose prompt
 * files must be the ones given). Before anything is recorded every line is checked: a request
 * line given as a result, a custom id of another run (or of an older bsa, without a run id),
 * of another judge of the run, or a reply of another model than the one asked is refused,
 * naming the file and line. Lines of samples already recorded are duplicates, so reading a
 * file twice changes nothing; every line ends counted in {@linkcode IngestLines}.
 *
 * @param o The run folder, the result file, the judge's label, prompts and dataset.
 * @returns Every line counted, and what the generation and judge passes did.
 * @throws {ResultIdentityError} A line of another run, judge or model, or a request line (nothing recorded).
 * @throws {BsaError} No line of the file has a custom id bsa wrote, a judge line without the judge's batch record ({@linkcode NoJudgeRecordedError}), or judge prompts other than the recorded ones ({@linkcode JudgePromptsError}).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ingestResults } from "./ingest.ts";
 * import { batchRunId, customId } from "./requests.ts";
 * import { newManifest, readManifest, writeManifest } from "../../store/mod.ts";
 * import { loadDataset } from "../../dataset/load.ts";
 * const dataset = await loadDataset(); // BSA_DATASET
 * const run = await Deno.makeTempDir();
 * const id = dataset.questions.get("id", 0) as string;
 * const source = { source: dataset.source, sha256: dataset.sha256, pinned: dataset.pinned };
 * await writeManifest(run, newManifest({ model: "m", endpoints: [], k: 1, dataset: source, subset: { ids: [id], description: "1 question" }, params: { system_prompt: null }, tags: {} }));
 * // One line of a batch's output file: the answer to the generation request of sample 0.
 * const message = { role: "assistant", content: "<think>It insults.</think>Please be kind." };
 * const body = { model: "m", choices: [{ message, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 3 } };
 * const runId = await batchRunId(await readManifest(run));
 * const line = { custom_id: customId({ kind: "generation", id, samples: [0], run: runId }), response: { status_code: 200, body } };
 * await Deno.writeTextFile(`${run}/out.jsonl`, JSON.stringify(line) + "\n");
 * const r = await ingestResults({ run, file: `${run}/out.jsonl`, dataset });
 * assert(r.lines.recorded === 1 && r.generation?.generated === 1 && r.generation.outcomes.ok === 1);
 * const again = await ingestResults({ run, file: `${run}/out.jsonl`, dataset });
 * assert(again.generation?.generated === 0 && again.lines.duplicate === 1); // reading a file twice changes nothing
 * ```
 */
export async function ingestResults(o: IngestOptions): Promise<IngestResult> {
  const manifest = await readManifest(o.run);
  const section = o.label ? manifest.judges?.[o.label] : manifest.judge;
  const kind = o.label ? `judge-${o.label}` : "judge";
  const identity = section &&
    judgeIdentity({
      model: section.model,
      endpoints: section.endpoints,
      params: { temperature: 0, ...section.params },
      prompts: section.prompts.sha256,
    });
  const expect = {
    generation: await batchExpectation(o.run, "generation", manifest.model),
    judge: section ? await batchExpectation(o.run, kind, section.model, identity) : null,
  };
  // Every line checked before anything is recorded: a file of another run, judge or model
  // is refused whole, naming its first such line.
  const kinds = { generation: 0, judge: 0, foreign: 0, cut: 0 };
  for await (const { n, line } of readNumberedResults(o.file, () => kinds.cut++)) {
    const t = parseCustomId(line.custom_id);
    if (t?.kind === "judge" && !expect.judge) throw new NoJudgeRecordedError(o.run, o.label);
    const problem = identityProblem(line, t, t?.kind === "judge" ? expect.judge! : expect.generation);
    if (problem) throw new ResultIdentityError(o.file, n, problem);
    kinds[t ? t.kind : "foreign"]++;
  }
  if (!kinds.generation && !kinds.judge) {
    throw new BsaError(
      `${o.file}: none of its ${kinds.foreign} line(s) has a custom_id written by bsa${
        kinds.cut ? ` (and its last line is cut short)` : ""
      }`,
    );
  }
  const lines: IngestLines = {
    total: kinds.generation + kinds.judge + kinds.foreign + kinds.cut,
    generation: kinds.generation,
    judge: kinds.judge,
    foreign: kinds.foreign,
    recorded: 0,
    failed: 0,
    refused: 0,
    invalid: 0,
    duplicate: 0,
    unknown: kinds.foreign,
    cut: kinds.cut,
  };
  const result: IngestResult = { lines };
  const batch = { mode: "ingest" as const, file: o.file };
  const add = (c: ApplyCounts) => {
    for (const k of ["recorded", "failed", "refused", "invalid", "duplicate", "unknown"] as const) lines[k] += c[k];
  };
  if (kinds.generation) {
    const { system_prompt, ...params } = manifest.params;
    result.generation = await generate({
      out: o.run,
      client: null,
      endpoints: manifest.endpoints,
      batch,
      model: manifest.model,
      k: manifest.k,
      dataset: o.dataset,
      ids: manifest.subset.ids,
      subsetDescription: manifest.subset.description,
      params,
      // Only its name and checksum are compared: ingesting sends nothing.
      systemPrompt: system_prompt ? { ...system_prompt, text: "" } : null,
      concurrency: 1,
      tags: manifest.tags,
      progress: o.progress,
      log: o.log,
    });
    add(result.generation.batch!.counts);
  }
  if (kinds.judge) {
    if (!section) throw new NoJudgeRecordedError(o.run, o.label);
    if (!o.prompts) throw new BsaError(`${o.file} holds judge replies: the judge prompts are needed`);
    const prompts = await o.prompts();
    if (JSON.stringify(prompts.sha256) !== JSON.stringify(section.prompts.sha256)) {
      throw new JudgePromptsError(o.run, prompts.source, section.prompts.source);
    }
    result.judge = await judge({
      run: o.run,
      client: null,
      endpoints: section.endpoints,
      batch,
      judgeModel: section.model,
      prompts,
      dataset: o.dataset,
      concurrency: 1,
      cache: o.cache ?? null,
      params: section.params,
      label: o.label,
      progress: o.progress,
      log: o.log,
    });
    add(result.judge.batch!.counts);
  }
  return result;
}
