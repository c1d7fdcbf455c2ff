import { BsaError } from "../errors.ts";
import type { Dataset } from "../dataset/load.ts";
import { rows } from "../table.ts";
import { type ChatClient, EndpointError } from "./client.ts";
import { readJsonl } from "./jsonl.ts";
import { JsonlAppender } from "./jsonl.ts";
import { manifestConflicts, newManifest, readManifest, runFiles, type RunManifest, writeManifest } from "./manifest.ts";
import { runPool } from "./pool.ts";
import { Progress } from "./progress.ts";
import { splitReasoning } from "./reasoning.ts";

/** One generated sample, as stored in `generations.jsonl`. */
export interface GenerationRecord {
  id: string;
  sample: number;
  scenario: string;
  answer: string;
  /** `null` when the completion showed no reasoning. */
  reasoning: string | null;
  reasoning_source: string;
  finish_reason: string | null;
  prompt_tokens: number;
  completion_tokens: number;
}

/** What {@linkcode generate} needs. */
export interface GenerateOptions {
  out: string;
  client: ChatClient;
  model: string;
  k: number;
  dataset: Dataset;
  /** Question ids to run (in dataset order); `null` for all. */
  ids: string[] | null;
  subsetDescription: string;
  params: RunManifest["params"];
  systemPrompt?: { name: string; text: string; sha256: string } | null;
  concurrency: number;
  tags?: RunManifest["tags"];
  /** Show progress on stderr (default true). */
  progress?: boolean;
  /**
   * Ask for all of a question's missing samples in one request with `n` (for servers
   * that support it, such as vLLM); each choice is still stored as its own sample.
   */
  useN?: boolean;
}

/** What a generation pass did. */
export interface GenerateResult {
  total: number;
  alreadyDone: number;
  generated: number;
  failed: number;
  noReasoning: number;
}

/**
 * Keys `id\0sample` already present in a JSONL file of records.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { doneKeys } from "./generate.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"id":"q","sample":0}\n{"id":"q","sample":1}\n');
 * assert((await doneKeys(p)).size === 2);
 * ```
 */
export async function doneKeys(path: string): Promise<Set<string>> {
  return (await _scan(path)).keys;
}

/** The done keys of a generations file and the tokens its records account for. */
async function _scan(path: string): Promise<{ keys: Set<string>; prompt: number; completion: number }> {
  const keys = new Set<string>();
  let prompt = 0, completion = 0;
  for await (
    const r of readJsonl<{ id: string; sample: number; prompt_tokens?: number; completion_tokens?: number }>(path)
  ) {
    keys.add(`${r.id}\u0000${r.sample}`);
    prompt += r.prompt_tokens ?? 0;
    completion += r.completion_tokens ?? 0;
  }
  return { keys, prompt, completion };
}

/**
 * Generate k answers per question into a run folder, resuming whatever is already there.
 *
 * Nothing is written until the endpoint has answered a preflight check. A folder made
 * with other settings is refused. Each sample is appended as one JSONL line when it
 * arrives; a sample that still fails after retries is counted, not written, and is
 * generated on the next run of the same command.
 *
 * @example
 * ```ts ignore
 * const result = await generate({ out: "runs/m", client, model: "m", k: 5, dataset, ids: null, ... });
 * ```
 */
export async function generate(o: GenerateOptions): Promise<GenerateResult> {
  const questions = rows<{ id: string; scenario: string; query: string }>(
    o.dataset.questions.select("id", "scenario", "query"),
  );
  const byId = new Map(questions.map((q) => [q.id, q]));
  if (o.ids) {
    const unknown = o.ids.filter((id) => !byId.has(id));
    if (unknown.length) throw new BsaError(`${unknown.length} id(s) are not in the dataset, e.g. ${unknown[0]}`);
  }
  const chosen = o.ids ? o.ids.map((id) => byId.get(id)!) : questions;
  const wanted = newManifest({
    model: o.model,
    endpoints: o.client.hosts,
    k: o.k,
    dataset: { source: o.dataset.source, sha256: o.dataset.sha256, pinned: o.dataset.pinned },
    subset: { ids: o.ids, description: o.subsetDescription },
    params: {
      ...o.params,
      system_prompt: o.systemPrompt ? { name: o.systemPrompt.name, sha256: o.systemPrompt.sha256 } : null,
    },
    tags: o.tags ?? {},
  });

  await o.client.preflight();

  const files = runFiles(o.out);
  let manifest: RunManifest;
  try {
    manifest = await readManifest(o.out);
    const conflicts = manifestConflicts(manifest, wanted);
    if (conflicts.length) {
      throw new BsaError(
        `${o.out} holds a run with other settings; use another --out or the same settings:\n  ${
          conflicts.join("\n  ")
        }`,
      );
    }
  } catch (err) {
    if (!(err instanceof BsaError) || !/not a run folder/.test(err.message)) throw err;
    await Deno.mkdir(o.out, { recursive: true });
    manifest = wanted;
    await writeManifest(o.out, manifest);
  }

  const appender = await JsonlAppender.open(files.generations);
  const scanned = await _scan(files.generations);
  const done = scanned.keys;
  // Token totals come from the records themselves, so a run killed before it could update
  // its manifest still reports every token it spent.
  manifest.tokens = { prompt: scanned.prompt, completion: scanned.completion };
  const total = chosen.length * o.k;
  // One work item per request: a single sample, or (with useN) all missing samples of a question.
  const todo = function* () {
    for (const q of chosen) {
      const missing = Array.from({ length: o.k }, (_, s) => s).filter((s) => !done.has(`${q.id}\u0000${s}`));
      if (o.useN && missing.length) yield { q, samples: missing };
      else for (const s of missing) yield { q, samples: [s] };
    }
  };
  const result: GenerateResult = { total, alreadyDone: done.size, generated: 0, failed: 0, noReasoning: 0 };
  const progress = new Progress(`generate ${o.model}`, total, o.progress === false ? { write: () => {} } : {});
  progress.state.done = done.size;
  const messages = (query: string) => [
    ...(o.systemPrompt ? [{ role: "system", content: o.systemPrompt.text }] : []),
    { role: "user", content: query },
  ];
  const { temperature, top_p, top_k, max_tokens, seed, extra_body } = o.params;
  try {
    await runPool(todo(), o.concurrency, async ({ q, samples }) => {
      try {
        const c = await o.client.complete({
          model: o.model,
          messages: messages(q.query),
          ...(samples.length > 1 && { n: samples.length }),
          ...(temperature !== undefined && { temperature }),
          ...(top_p !== undefined && { top_p }),
          // top_k is not an OpenAI parameter; vLLM and SGLang read it from the body.
          ...(top_k !== undefined && { top_k }),
          ...(max_tokens !== undefined && { max_tokens }),
          ...(seed !== undefined && { seed: seed + samples[0] }),
          ...extra_body,
        }, () => progress.tick({ failures: 1 }));
        manifest.tokens.prompt += c.promptTokens;
        manifest.tokens.completion += c.completionTokens;
        const got = c.choices.slice(0, samples.length);
        for (const [i, choice] of got.entries()) {
          const split = splitReasoning(choice.message);
          const record: GenerationRecord = {
            id: q.id,
            sample: samples[i],
            scenario: q.scenario,
            answer: split.answer,
            reasoning: split.reasoning,
            reasoning_source: split.source,
            finish_reason: choice.finishReason,
            // Usage comes per request; it is split evenly over its choices.
            prompt_tokens: Math.round(c.promptTokens / got.length),
            completion_tokens: Math.round(c.completionTokens / got.length),
          };
          await appender.append(record);
          result.generated++;
          if (split.reasoning === null) result.noReasoning++;
        }
        progress.tick({ done: got.length, tokens: c.promptTokens + c.completionTokens });
        if (got.length < samples.length) {
          result.failed += samples.length - got.length;
          progress.tick({ failures: samples.length - got.length });
          console.error(
            `\n${q.id}: asked for n=${samples.length} choices, got ${got.length}; the rest are retried on the next run`,
          );
        }
      } catch (err) {
        if (err instanceof EndpointError) throw err;
        result.failed += samples.length;
        progress.tick({ failures: samples.length });
        console.error(`\nsample ${q.id}#${samples.join(",")} failed: ${(err as Error).message}`);
      }
    }, (err) => err instanceof EndpointError);
  } finally {
    await appender.close();
    progress.finish();
    if (result.failed === 0 && result.generated + result.alreadyDone >= total) {
      manifest.finished = new Date().toISOString();
    }
    await writeManifest(o.out, manifest);
  }
  return result;
}
