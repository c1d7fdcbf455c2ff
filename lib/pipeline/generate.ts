import { BsaError, RunSettingsError } from "../errors.ts";
import type { Dataset } from "../dataset/load.ts";
import { rows } from "../table.ts";
import { type ChatClient, EndpointError } from "./client.ts";
import {
  createRunFolder,
  type GenerationOutcome,
  type GenerationRecord,
  lockGenerations,
  manifestConflicts,
  newManifest,
  openGenerations,
  removeUnstartedRun,
  runFolderState,
  type RunManifest,
  sampleKey,
  scanRun,
  updateManifest,
} from "../store/mod.ts";
import { applyGenerationResult, type GenerationBatchContext, generationRequests } from "./batch/generation.ts";
import { type BatchMode, type BatchPhaseResult, runBatchPhase } from "./batch/phase.ts";
import type { BatchTarget } from "./batch/requests.ts";
import { RunPass, sendsDirect } from "./pass.ts";
import { Progress, type ProgressSink, stallWatch } from "./progress.ts";
import { failedGeneration, generationBody, generationRecords } from "./records.ts";
import { FatalRequestError } from "./retry.ts";

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
  /**
   * Called once the folder's lock is held and the endpoint has answered its preflight, before
   * the first record (the CLI prints a new run's estimate there: after a bad key's error, never
   * by a second writer).
   */
  onStart?: () => Promise<void> | void;
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
 * The folder's generations lock (an operating-system lock, released by the kernel however
 * the process ends) is taken first: a second writer fails at once and sends nothing, not even
 * the endpoint's preflight check. Nothing is recorded until the endpoint has answered that
 * check; a new folder refused before its first record is removed by its creator only. A folder
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
  // A run is written only into a new folder or an existing run: never among foreign files.
  await runFolderState(o.out);
  // Of two commands starting one run at once, exactly one makes the folder; only it may remove it.
  const created = await createRunFolder(o.out);
  // Locked before anything is sent: a second writer is turned away before even the preflight.
  // A folder this call made but another holds is the other's now: it is left alone.
  const lock = await lockGenerations(o.out);
  let refused = false;
  try {
    await o.client?.preflight(o.model);
    await o.onStart?.();
    return await _generate(o, chosen, wanted);
  } catch (err) {
    // The first requests are the check of the model name and key: refused before any sample was kept.
    refused = err instanceof EndpointError;
    throw err;
  } finally {
    // A folder this call made and left without a manifest (refused before any write), or with
    // no sample because the endpoint refused the first requests, goes, while the lock is still
    // held, so no other writer is inside it.
    if (created) await removeUnstartedRun(o.out, { refused });
    await lock.release();
  }
}

async function _generate(
  o: GenerateOptions,
  chosen: { id: string; scenario: string; query: string }[],
  wanted: RunManifest,
): Promise<GenerateResult> {
  const log = o.log ?? (() => {});
  const warnings: string[] = [];
  await updateManifest(o.out, (current) => {
    if (!current) return wanted;
    const conflicts = manifestConflicts(current, wanted);
    if (conflicts.length) {
      throw new RunSettingsError(o.out, conflicts);
    }
    let next = current;
    // Tags describe the run for score tables; they do not change what is generated, so a
    // resume may update them (said aloud). A resume that gives none keeps them.
    const given = Object.keys(wanted.tags).length > 0;
    if (given && JSON.stringify(current.tags ?? {}) !== JSON.stringify(wanted.tags)) {
      warnings.push(
        `${o.out}: tags updated from ${JSON.stringify(current.tags ?? {})} to ${JSON.stringify(wanted.tags)}`,
      );
      next = { ...next, tags: wanted.tags };
    }
    // A resume at another endpoint (or direct calls after request files) adds it: the
    // manifest names every endpoint the run's samples came from (said aloud).
    const added = wanted.endpoints.filter((e) => !(current.endpoints ?? []).includes(e));
    if (added.length) {
      const before = current.endpoints ?? [];
      warnings.push(
        `${o.out}: endpoint(s) ${added.join(", ")} recorded in the manifest beside ${
          before.length ? before.join(", ") : "none (its earlier samples came through request files)"
        }: this run's samples now come from each`,
      );
      next = { ...next, endpoints: [...before, ...added] };
    }
    return next;
  });

  const appender = await openGenerations(o.out);
  const scanned = await scanRun(o.out, "generations");
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
  const direct = sendsDirect(o.batch);
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
        model: o.model,
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
    await pass.direct(todo(), o.concurrency, async ({ q, samples }) => {
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
    });
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
