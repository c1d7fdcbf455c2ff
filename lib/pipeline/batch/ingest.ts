/**
 * `bsa ingest`: read a batch result file (OpenAI's output or error file, or what
 * `vllm run-batch` writes) into a run folder, through the same pass as a live batch, so the
 * records are those a direct call would have written.
 * @module
 */
import { BsaError } from "../../errors.ts";
import type { Dataset } from "../../dataset/load.ts";
import { generate, type GenerateResult } from "../generate.ts";
import { judge, type JudgeResult } from "../judge.ts";
import type { JudgeCache } from "../judge_cache.ts";
import { readManifest } from "../manifest.ts";
import type { JudgePrompts } from "../prompts.ts";
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
  progress?: boolean;
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
 * @example
 * ```ts ignore
 * const r = await ingestResults({ run: "runs/m", file: "results.jsonl", dataset });
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
      throw new BsaError(
        `${o.run} records no judge${o.label ? ` labelled ${o.label}` : ""}: write the judge requests with ` +
          `'bsa judge --run ${o.run} --judge-model NAME --batch-file FILE${
            o.label ? ` --label ${o.label}` : ""
          }' first`,
      );
    }
    if (!o.prompts) throw new BsaError(`${o.file} holds judge replies: the judge prompts are needed`);
    const prompts = await o.prompts();
    if (JSON.stringify(prompts.sha256) !== JSON.stringify(section.prompts.sha256)) {
      throw new BsaError(
        `the judge prompts given (${prompts.source}) are not the ones ${o.run} was judged with ` +
          `(${section.prompts.source}); pass --prompts with those files`,
      );
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
