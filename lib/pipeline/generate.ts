import { BsaError, RunSettingsError } from "../errors.ts";
import type { Dataset } from "../dataset/load.ts";
import { rows } from "../table.ts";
import { type ChatClient, EndpointError } from "./client.ts";
import { JsonlAppender, sampleKey, WriteError } from "./jsonl.ts";
import { acquireLock } from "./lock.ts";
import { applyGenerationResult, type GenerationBatchContext, generationRequests } from "./batch/generation.ts";
import { type BatchMode, type BatchPhaseResult, runBatchPhase } from "./batch/phase.ts";
import type { BatchTarget } from "./batch/requests.ts";
import {
  manifestConflicts,
  newManifest,
  runFiles,
  runFolderState,
  type RunManifest,
  updateManifest,
} from "./manifest.ts";
import { runPool } from "./pool.ts";
import { RunPass } from "./pass.ts";
import { Progress, type ProgressSink, stallWatch } from "./progress.ts";
import { failedGeneration, generationBody, generationRecords } from "./records.ts";
import { FatalRequestError } from "./retry.ts";
import { scanSamples } from "./runs.ts";

/** How a sample ended; see the shared contract in lib/metrics/verdicts.ts. */
export type GenerationOutcome = "ok" | "no_reasoning" | "truncated" | "failed";

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
  /**
   * `ok`; `no_reasoning` (no visible reasoning); `truncated` (cut by `finish_reason:
   * "length"`, never sent to the judge); `failed` (the provider refused for good: HTTP 4xx
   * other than 408/429, content filter, context length; `error` says why). Absent in
   * folders written before outcomes were recorded: read as `ok` or `no_reasoning`.
   */
  outcome?: GenerationOutcome;
  /** Why the sample failed (outcome `failed`). */
  error?: string;
}

/** What {@linkcode generate} needs. */
export interface GenerateOptions {
  out: string;
  /** The endpoint; `null` only with a `batch` mode that sends nothing (`file`, `ingest`). */
  client: ChatClient | null;
  /** Endpoints to record when there is no client (default none). */
  endpoints?: string[];
  /** Go through batches instead of direct calls (see lib/pipeline/batch). */
  batch?: BatchMode;
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
  /** Where the progress display goes (default: nowhere; the CLI passes stderr). */
  progress?: ProgressSink | null;
  /**
   * Ask for all of a question's missing samples in one request with `n` (for servers
   * that support it, such as vLLM); each choice is still stored as its own sample.
   */
  useN?: boolean;
  /** Ask again the samples whose newest record is `failed` (a newer record supersedes it). */
  retryFailed?: boolean;
  /** Where notices go (per-sample errors, stalls); default: nowhere (the result counts them). */
  log?: (line: string) => void;
  /** Report a stall when nothing completed for this long (default 60 000 ms). */
  stallMs?: number;
}

/** What a generation pass did. */
export interface GenerateResult {
  total: number;
  /** Samples that already had a record (any outcome) and were not asked again. */
  alreadyDone: number;
  /** Records written in this pass (every outcome). */
  generated: number;
  /** Samples recorded as `failed` in this pass (permanent refusals). */
  failed: number;
  /** Samples recorded as `truncated` in this pass. */
  truncated: number;
  /** Samples recorded as `no_reasoning` in this pass. */
  noReasoning: number;
  /** Samples whose request still failed after retries (transient): not recorded, asked again on the next run. */
  errors: number;
  /** Samples with a `failed` record asked again (`retryFailed`). */
  retried: number;
  /** Every sample's newest outcome after this pass (all records of the file). */
  outcomes: Record<GenerationOutcome, number>;
  /** Notes for the user (tags updated). */
  warnings: string[];
  /** What the batch step did (with `batch`). */
  batch?: BatchPhaseResult;
}

/**
 * Generate k answers per question into a run folder, resuming whatever is already there.
 *
 * Nothing is written until the endpoint has answered a preflight check; then the folder's
 * generations lock is taken (a second writer fails at once and sends nothing). A folder
 * made with other settings is refused. Each sample is appended as one JSONL line when it
 * arrives, with its outcome: a permanent refusal is recorded once as `failed` (asked again
 * only with `retryFailed`), a reply cut by the length limit as `truncated`. A sample whose
 * request still fails after retries is counted in `errors`, not written, and asked again on
 * the next run. The first write error stops everything (no new request; a
 * {@linkcode WriteError} is thrown).
 *
 * @param o The run folder, client (or batch mode), model, k, dataset and question ids, parameters, concurrency.
 * @returns What this pass recorded, by outcome, and every sample's newest outcome.
 * @throws {BsaError} An endpoint that fails its preflight ({@linkcode EndpointError}), a folder of other settings ({@linkcode RunSettingsError}) or locked by another run, a write error.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generate } from "./generate.ts";
 * import { createClient } from "./client.ts";
 * import { loadDataset } from "../dataset/load.ts";
 * // A stand-in OpenAI-compatible server: every chat completion gets `content`; no /models route.
 * const serve = (content: string) =>
 *   Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) =>
 *     new URL(req.url).pathname.endsWith("/chat/completions")
 *       ? Response.json({ choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage: { prompt_tokens: 9, completion_tokens: 4 } })
 *       : new Response("not found", { status: 404 }));
 * const dataset = await loadDataset(); // BSA_DATASET
 * const ids = (dataset.questions.array("id") as string[]).slice(0, 3);
 * const out = await Deno.makeTempDir();
 * await using model = serve("<think>It insults someone.</think>Let us keep it kind.");
 * const client = createClient({ baseUrls: [`http://127.0.0.1:${model.addr.port}/v1`] });
 * const run = { out, client, model: "m", k: 2, dataset, ids, subsetDescription: "3 questions", params: { system_prompt: null }, concurrency: 2 };
 * const r = await generate(run);
 * assert(r.generated === 6 && r.outcomes.ok === 6 && r.errors === 0); // 3 questions × k=2
 * const [first] = (await Deno.readTextFile(`${out}/generations.jsonl`)).trim().split("\n").map((l) => JSON.parse(l));
 * assert(first.reasoning === "It insults someone." && first.answer === "Let us keep it kind.");
 * const again = await generate(run); // the same call resumes: nothing is asked twice
 * assert(again.alreadyDone === 6 && again.generated === 0);
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
    endpoints: o.client?.hosts ?? o.endpoints ?? [],
    k: o.k,
    dataset: { source: o.dataset.source, sha256: o.dataset.sha256, pinned: o.dataset.pinned },
    subset: { ids: o.ids, description: o.subsetDescription },
    params: {
      ...o.params,
      system_prompt: o.systemPrompt ? { name: o.systemPrompt.name, sha256: o.systemPrompt.sha256 } : null,
    },
    tags: o.tags ?? {},
  });

  if (!o.client && o.batch?.mode !== "file" && o.batch?.mode !== "ingest") {
    throw new BsaError("generate: no endpoint given");
  }
  const files = runFiles(o.out);
  // A run is written only into a new folder or an existing run: never among foreign files.
  await runFolderState(o.out);
  const created = !(await Deno.stat(o.out).then(() => true, () => false));
  // A new folder is made only once the endpoint has answered; an existing one is locked
  // first, so a second writer is turned away before it sends anything at all.
  if (created) await o.client?.preflight(o.model);
  await Deno.mkdir(o.out, { recursive: true });
  let lock;
  try {
    lock = await acquireLock(files.generationsLock, "bsa run");
  } catch (err) {
    if (created) await Deno.remove(o.out, { recursive: true }).catch(() => {});
    throw err;
  }
  let refused = false;
  try {
    if (!created) await o.client?.preflight(o.model);
    return await _generate(o, chosen, wanted, files);
  } catch (err) {
    // The first requests are the check of the model name and key: refused before any sample was kept.
    refused = err instanceof EndpointError;
    throw err;
  } finally {
    await lock.release();
    // A folder this call made and left without a manifest (refused before any write), or
    // with no sample because the endpoint refused the first requests, goes.
    const has = (p: string) => Deno.stat(p).then((s) => s.size > 0, () => false);
    if (created && (!(await has(files.manifest)) || (refused && !(await has(files.generations))))) {
      await Deno.remove(o.out, { recursive: true }).catch(() => {});
    }
  }
}

async function _generate(
  o: GenerateOptions,
  chosen: { id: string; scenario: string; query: string }[],
  wanted: RunManifest,
  files: ReturnType<typeof runFiles>,
): Promise<GenerateResult> {
  const log = o.log ?? (() => {});
  const warnings: string[] = [];
  await updateManifest(o.out, (current) => {
    if (!current) return wanted;
    const conflicts = manifestConflicts(current, wanted);
    if (conflicts.length) {
      throw new RunSettingsError(o.out, conflicts);
    }
    // Tags describe the run for score tables; they do not change what is generated, so a
    // resume may update them (said aloud). A resume that gives none keeps them.
    const given = Object.keys(wanted.tags).length > 0;
    if (given && JSON.stringify(current.tags ?? {}) !== JSON.stringify(wanted.tags)) {
      warnings.push(
        `${o.out}: tags updated from ${JSON.stringify(current.tags ?? {})} to ${JSON.stringify(wanted.tags)}`,
      );
      return { ...current, tags: wanted.tags };
    }
    return current;
  });

  const appender = await JsonlAppender.open(files.generations);
  const scanned = await scanSamples(files.generations);
  // Token totals come from the records themselves, so a run killed before it could update
  // its manifest still reports every token it spent.
  const tokens = { ...scanned.tokens };
  const latest = scanned.latest;
  // A sample recorded in this pass is never asked again in it (not even a `failed` one with retryFailed).
  const writtenNow = new Set<string>();
  const needs = (key: string) => {
    if (writtenNow.has(key)) return false;
    const s = latest.get(key);
    return s === undefined || (o.retryFailed === true && s.outcome === "failed");
  };
  const total = chosen.length * o.k;
  let alreadyDone = 0, retried = 0;
  for (const q of chosen) {
    for (let s = 0; s < o.k; s++) {
      const key = sampleKey({ id: q.id, sample: s });
      if (!needs(key)) alreadyDone++;
      else if (latest.has(key)) retried++;
    }
  }
  // One work item per request: a single sample, or (with useN) all missing samples of a question.
  const todo = function* () {
    for (const q of chosen) {
      const missing = Array.from({ length: o.k }, (_, s) => s).filter((s) => needs(sampleKey({ id: q.id, sample: s })));
      if (o.useN && missing.length) yield { q, samples: missing };
      else for (const s of missing) yield { q, samples: [s] };
    }
  };
  const result: GenerateResult = {
    total,
    alreadyDone,
    generated: 0,
    failed: 0,
    truncated: 0,
    noReasoning: 0,
    errors: 0,
    retried,
    outcomes: { ok: 0, no_reasoning: 0, truncated: 0, failed: 0 },
    warnings,
  };
  // A request file sends nothing: there is no progress to show.
  const sink = o.batch?.mode === "file" ? null : o.progress;
  const progress = new Progress(`generate ${o.model}`, total, sink ?? {});
  progress.state.done = alreadyDone;
  // Batches report their own status; a stall is a direct call's notion.
  const direct = !o.batch || (o.batch.mode === "live" && o.batch.fallback === "direct");
  const stall = direct ? stallWatch(`generate ${o.model}`, (l) => log(`\n${l}`), o.stallMs) : null;
  const pass = new RunPass(appender, progress, o.client);
  const write = async (record: GenerationRecord) => {
    await pass.append(record);
    latest.set(sampleKey(record), { outcome: record.outcome });
    writtenNow.add(sampleKey(record));
    result.generated++;
    if (record.outcome === "failed") result.failed++;
    if (record.outcome === "truncated") result.truncated++;
    if (record.outcome === "no_reasoning") result.noReasoning++;
  };
  try {
    if (o.batch) {
      const ctx: GenerationBatchContext = {
        model: o.model,
        params: o.params,
        systemPrompt: o.systemPrompt,
        k: o.k,
        questions: new Map(chosen.map((q) => [q.id, q])),
        needs,
        write: async (r) => (await write(r), progress.tick({ done: 1, failures: r.outcome === "failed" ? 1 : 0 })),
        useN: o.useN,
        onTokens: (p, c) => {
          tokens.prompt += p;
          tokens.completion += c;
          progress.tick({ tokens: p + c });
        },
      };
      result.batch = await runBatchPhase(o.batch, {
        run: o.out,
        kind: "generation",
        requests: () => generationRequests(ctx),
        handle: (t, r, c) => applyGenerationResult(ctx, t as Extract<BatchTarget, { kind: "generation" }>, r, c),
        log: (l) => log(`\n${l}`),
      });
      for (const e of result.batch.counts.errors) log(`\nsample ${e}`);
    }
    if (!direct) {
      // What the batches left missing (a file mode asks nothing yet, so none are errors).
      if (o.batch?.mode === "live") { for (const { samples } of todo()) result.errors += samples.length; }
      return result;
    }
    await runPool(todo(), o.concurrency, async ({ q, samples }) => {
      // After a write error, nothing new is sent: its reply could not be kept.
      if (pass.stopped !== undefined) return;
      let c;
      try {
        c = await o.client!.complete(generationBody(o, q.query, samples));
      } catch (err) {
        stall?.completed();
        pass.syncFailures();
        if (err instanceof EndpointError) throw err;
        if (err instanceof FatalRequestError) {
          // A permanent refusal: recorded once, so the sample counts (as not passing).
          for (const s of samples) await write(failedGeneration(q, s, err.message));
          progress.tick({ done: samples.length, failures: samples.length });
          log(`\nsample ${q.id}#${samples.join(",")} refused for good, recorded as failed: ${err.message}`);
          return;
        }
        result.errors += samples.length;
        log(`\nsample ${q.id}#${samples.join(",")} failed: ${(err as Error).message}`);
        return;
      }
      stall?.completed();
      pass.syncFailures();
      tokens.prompt += c.promptTokens;
      tokens.completion += c.completionTokens;
      const got = generationRecords(q, samples, c);
      for (const record of got) await write(record);
      progress.tick({ done: got.length, tokens: c.promptTokens + c.completionTokens });
      if (got.length < samples.length) {
        result.errors += samples.length - got.length;
        progress.tick({ failures: samples.length - got.length });
        log(`\n${q.id}: asked for n=${samples.length} choices, got ${got.length}; the rest are asked on the next run`);
      }
    }, _stopsRun);
  } finally {
    stall?.stop();
    await pass.finish(async () => {
      for (const s of latest.values()) result.outcomes[(s.outcome ?? "ok") as GenerationOutcome]++;
      const complete = pass.stopped === undefined && result.errors === 0 && latest.size >= total;
      await updateManifest(o.out, (cur) => ({
        ...(cur ?? wanted),
        tokens,
        finished: complete ? (cur?.finished ?? new Date().toISOString()) : null,
      }));
    });
  }
  pass.throwManifestError();
  return result;
}

/** A rejected key, an unknown model, a write error or bad data stops the run; one failed request does not. */
function _stopsRun(err: unknown): boolean {
  return err instanceof EndpointError || err instanceof WriteError || err instanceof BsaError;
}
