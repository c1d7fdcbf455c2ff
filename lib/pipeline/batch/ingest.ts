/**
 * `bsa ingest`: read a batch result file (OpenAI's output or error file, or what
 * `vllm run-batch` writes) into a run folder, through the same pass as a live batch, so the
 * records are those a direct call would have written.
 * @module
 */
import { BsaError, JudgePromptsError, NoJudgeRecordedError } from "../../errors.ts";
import type { Dataset } from "../../dataset/load.ts";
import { generate, type GenerateResult } from "../generate.ts";
import { judge, type JudgeResult } from "../judge.ts";
import type { JudgeCache } from "../judge_cache.ts";
import { readManifest } from "../../store/mod.ts";
import type { JudgePrompts } from "../prompts.ts";
import type { ProgressSink } from "../progress.ts";
import { parseCustomId } from "./requests.ts";
import { readResultFile } from "./results.ts";

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

/** What an ingest did: the generation pass, the judge pass (when the file held such lines). */
export interface IngestResult {
  lines: { generation: number; judge: number; foreign: number };
  generation?: GenerateResult;
  judge?: JudgeResult;
}

/**
 * Count the kinds of lines a result file holds (by custom id).
 *
 * @param file The result file.
 * @returns The number of generation, judge and other lines.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultFileKinds } from "./ingest.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"custom_id":"g.0.q"}\n{"custom_id":"ja.0.0.0.q"}\n{"custom_id":"x"}\n');
 * assert.deepEqual(await resultFileKinds(p), { generation: 1, judge: 1, foreign: 1 });
 * ```
 */
export async function resultFileKinds(file: string): Promise<IngestResult["lines"]> {
  const lines = { generation: 0, judge: 0, foreign: 0 };
  for await (const l of readResultFile(file)) {
    const t = parseCustomId(l.custom_id);
    lines[t ? t.kind : "foreign"]++;
  }
  return lines;
}

/**
 * Read a result file into a run: generation lines (the run's manifest says how the run was
 * asked), then judge lines (for the judge recorded by `bsa judge --batch-file`, whose prompt
 * files must be the ones given). Lines of samples already recorded are skipped, so reading a
 * file twice changes nothing.
 *
 * @param o The run folder, the result file, the judge's label, prompts and dataset.
 * @returns How many lines were recorded, skipped and failed, by kind.
 * @throws {BsaError} No line of the file has a custom id bsa wrote, a judge line without the judge's batch record ({@linkcode NoJudgeRecordedError}), or judge prompts other than the recorded ones ({@linkcode JudgePromptsError}).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ingestResults } from "./ingest.ts";
 * import { customId } from "./requests.ts";
 * import { newManifest, writeManifest } from "../../store/mod.ts";
 * import { loadDataset } from "../../dataset/load.ts";
 * const dataset = await loadDataset(); // BSA_DATASET
 * const run = await Deno.makeTempDir();
 * const id = dataset.questions.get("id", 0) as string;
 * const source = { source: dataset.source, sha256: dataset.sha256, pinned: dataset.pinned };
 * await writeManifest(run, newManifest({ model: "m", endpoints: [], k: 1, dataset: source, subset: { ids: [id], description: "1 question" }, params: { system_prompt: null }, tags: {} }));
 * // One line of a batch's output file: the answer to the generation request of sample 0.
 * const message = { role: "assistant", content: "<think>It insults.</think>Please be kind." };
 * const body = { choices: [{ message, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 3 } };
 * const line = { custom_id: customId({ kind: "generation", id, samples: [0] }), response: { status_code: 200, body } };
 * await Deno.writeTextFile(`${run}/out.jsonl`, JSON.stringify(line) + "\n");
 * const r = await ingestResults({ run, file: `${run}/out.jsonl`, dataset });
 * assert(r.lines.generation === 1 && r.generation?.generated === 1 && r.generation.outcomes.ok === 1);
 * const again = await ingestResults({ run, file: `${run}/out.jsonl`, dataset });
 * assert(again.generation?.generated === 0); // reading a file twice changes nothing
 * ```
 */
export async function ingestResults(o: IngestOptions): Promise<IngestResult> {
  const manifest = await readManifest(o.run);
  const lines = await resultFileKinds(o.file);
  if (!lines.generation && !lines.judge) {
    throw new BsaError(`${o.file}: none of its ${lines.foreign} line(s) has a custom_id written by bsa`);
  }
  const result: IngestResult = { lines };
  const batch = { mode: "ingest" as const, file: o.file };
  if (lines.generation) {
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
  }
  if (lines.judge) {
    const section = o.label ? manifest.judges?.[o.label] : manifest.judge;
    if (!section) {
      throw new NoJudgeRecordedError(o.run, o.label);
    }
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
  }
  return result;
}
