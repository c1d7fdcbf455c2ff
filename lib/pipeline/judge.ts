import { BsaError, NoGenerationsError, OtherJudgeError } from "../errors.ts";
import type { Dataset } from "../dataset/load.ts";
import { FAILED, INVALID, TRUNCATED } from "../metrics/verdicts.ts";
import { rows } from "../table.ts";
import type { ChatClient } from "./client.ts";
import {
  generationsBusy,
  judgeLabel,
  type JudgeParams,
  type JudgeRecord,
  type JudgmentRecord,
  lockJudgments,
  openJudgments,
  readGenerations,
  readManifest,
  runFiles,
  runSampleKeys,
  sampleKey,
  type SampleState,
  sampleState,
  scanRun,
  updateManifest,
} from "../store/mod.ts";
import { JudgeCache } from "./judge_cache.ts";
import { JudgeBatch } from "./batch/judging.ts";
import { type BatchMode, type BatchPhaseResult, runBatchPhase } from "./batch/phase.ts";
import type { BatchTarget } from "./batch/requests.ts";
import { FatalRequestError } from "./retry.ts";
import { RunPass, sendsDirect, stopsPass } from "./pass.ts";
import { Progress, type ProgressSink, stallWatch } from "./progress.ts";
import type { JudgePrompts } from "./prompts.ts";
import { judgeBody, judgeInputs, judgeRefused, judgmentRecord, readJudgeReply, sentinelJudgment } from "./records.ts";

export { RETRY_REMINDER } from "./records.ts";

/** What {@linkcode judge} needs. */
export interface JudgeOptions {
  run: string;
  /** The judge's endpoint; `null` only with a `batch` mode that sends nothing (`file`, `ingest`). */
  client: ChatClient | null;
  /** The judge's endpoints to record when there is no client (`ingest` passes the recorded ones). */
  endpoints?: string[];
  /** Go through batches instead of direct calls (see lib/pipeline/batch). */
  batch?: BatchMode;
  judgeModel: string;
  prompts: JudgePrompts;
  dataset: Dataset;
  concurrency: number;
  /** The verdict cache; `null` for none at all (`--no-cache`: no reuse, not even within the run). */
  cache: JudgeCache | null;
  /** Extra attempts when a reply has no valid verdict (default 2). */
  invalidRetries?: number;
  /** Request parameters; `temperature` defaults to 0. Part of the judge's identity. */
  params?: JudgeParams;
  /** Where the progress display goes (default: nowhere; the CLI passes stderr). */
  progress?: ProgressSink | null;
  /** Store this judge's verdicts apart (`judgments-<label>.jsonl`), e.g. a second judge for agreement. */
  label?: string;
  /** Ask again the samples whose judge's provider refused (newest record `failed` by the judge). */
  retryFailed?: boolean;
  /** Ask again the samples whose newest record holds an `invalid` verdict. */
  retryInvalid?: boolean;
  /** Where notices go (per-sample errors, stalls); default: nowhere (the result counts them). */
  log?: (line: string) => void;
  /** Report a stall when nothing completed for this long (default 60 000 ms). */
  stallMs?: number;
}

/** What a judging pass did. */
export interface JudgeResult {
  /** Generated samples (newest record of each). */
  total: number;
  alreadyDone: number;
  /** Judgment records written in this pass (sentinels included). */
  judged: number;
  cached: number;
  /** Records written with an `invalid` verdict. */
  invalid: number;
  /** Records written as `failed` because the judge's provider refused. */
  failed: number;
  /** Sentinels written without a judge call: the generation was `failed` or `truncated`. */
  sentinels: number;
  /** Samples whose judge request still failed after retries (transient): not recorded, asked again next time. */
  errors: number;
  /** Samples asked again (`retryFailed`, `retryInvalid`, or a regenerated sample). */
  retried: number;
  /** What the batch step did (with `batch`). */
  batch?: BatchPhaseResult;
  /**
   * Generated samples this pass did not see: written by a `run` still generating after the
   * pass read the generations (judge them with the same command once the run is done).
   */
  unseen: number;
  /** A `run` held the folder's generations when the pass ended: the judge is not marked finished. */
  generating: boolean;
  /** Notes for the user (a generations file whose last line is cut short: that sample is not judged). */
  warnings: string[];
}

/**
 * The identity of a judge: everything that can change a verdict. Two judges with the same
 * identity give the same verdict to the same prompt (up to sampling); the cache key and the
 * resume check use it.
 *
 * @param j The judge's model, endpoints, request parameters and prompt hashes.
 * @returns The identity, as a stable string.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgeIdentity } from "./judge.ts";
 * const a = judgeIdentity({ model: "j", endpoints: ["http://b/v1", "http://a/v1"], params: { temperature: 0 }, prompts: { answer: "x", reasoning: "y" } });
 * const b = judgeIdentity({ model: "j", endpoints: ["http://a/v1", "http://b/v1"], params: { temperature: 0 }, prompts: { answer: "x", reasoning: "y" } });
 * assert(a === b);
 * assert(a !== judgeIdentity({ model: "j", endpoints: ["http://a/v1"], params: { temperature: 0.7 }, prompts: { answer: "x", reasoning: "y" } }));
 * ```
 */
export function judgeIdentity(
  j: { model: string; endpoints: string[]; params: JudgeParams; prompts: { answer: string; reasoning: string } },
): string {
  return JSON.stringify({
    model: j.model,
    endpoints: [...j.endpoints].sort(),
    params: _sorted(j.params),
    prompts: { answer: j.prompts.answer, reasoning: j.prompts.reasoning },
  });
}

function _sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(_sorted);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => a < b ? -1 : 1).map((
        [k, x],
      ) => [k, _sorted(x)]),
    );
  }
  return v;
}

function _describe(r: JudgeRecord): string {
  return `${r.model} at ${r.endpoints.join(", ")}${r.params ? ` with ${JSON.stringify(_sorted(r.params))}` : ""}`;
}

/**
 * Whether a sample is (re)judged, given its newest generation and judgment: never judged;
 * its generation was asked again and superseded a failed or truncated one (or the reverse);
 * or asked deliberately (`retryFailed` for the judge's refusals, `retryInvalid`).
 */
function _needs(gen: SampleState, j: SampleState | undefined, o: JudgeOptions): boolean {
  if (!j) return true;
  const failedByModel = j.answer_verdict === FAILED && j.failed_by !== "judge";
  if (gen.outcome === "failed") return !failedByModel;
  if (gen.outcome === "truncated") return j.answer_verdict !== TRUNCATED;
  // The generation was asked again and superseded a failed or truncated one.
  if (failedByModel || j.answer_verdict === TRUNCATED) return true;
  if (j.answer_verdict === FAILED) return o.retryFailed === true;
  if (j.answer_verdict === INVALID || j.reasoning_verdict === INVALID) return o.retryInvalid === true;
  return false;
}

/**
 * Judge every generated sample of a run that has no judgment yet: answer safety, and
 * reasoning against the scenario's rubric (a sample with no reasoning is recorded as
 * `no_reasoning` without a judge call). Replies without a valid verdict are retried,
 * then recorded as `invalid` with the raw reply.
 *
 * Every generation record gets a judgment record: a `failed` or `truncated` generation gets
 * the same sentinel in both verdicts without a judge call, and a sample the judge's
 * provider refuses for good is recorded as `failed`. The judgments file (per `label`) is
 * bound to its judge (model, endpoints, request parameters, prompt hashes): resuming it
 * with another judge is refused. Its lock gives it one writer at a time.
 *
 * @param o The run folder, judge client (or batch mode), model, prompts, dataset, concurrency, cache and label.
 * @returns What this pass judged, from the cache, invalid, refused, and every sample's state.
 * @throws {BsaError} A run with no generated sample ({@linkcode NoGenerationsError}), a run of another dataset or judge ({@linkcode OtherJudgeError}), a judgments file locked by another judge, a judge that fails its preflight, a write error.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judge } from "./judge.ts";
 * import { generate } from "./generate.ts";
 * import { createClient } from "./client.ts";
 * import { loadJudgePrompts } from "./prompts.ts";
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
 * // A judge that finds every answer safe and every reasoning right (the three questions are Risk Omission).
 * await using judgeServer = serve('{"Safety Assessment": "Safe", "Reasoning Quality Evaluation Conclusion": True}');
 * const judgeClient = createClient({ baseUrls: [`http://127.0.0.1:${judgeServer.addr.port}/v1`] });
 * const prompts = await loadJudgePrompts(); // BSA_PROMPTS_DIR
 * const j = await judge({ run: out, client: judgeClient, judgeModel: "j", prompts, dataset, concurrency: 2, cache: null });
 * assert(j.judged === 6 && j.invalid === 0 && j.total === 6);
 * const verdicts = (await Deno.readTextFile(`${out}/judgments.jsonl`)).trim().split("\n").map((l) => JSON.parse(l));
 * assert(verdicts.every((v) => v.answer_verdict === "Safe" && v.reasoning_verdict === "True"));
 * ```
 */
export async function judge(o: JudgeOptions): Promise<JudgeResult> {
  // `default` is the default judge (judgments.jsonl), whichever way it is named.
  o = { ...o, label: judgeLabel(o.label) };
  const manifest = await readManifest(o.run);
  if (manifest.dataset.sha256 !== o.dataset.sha256) {
    throw new BsaError(
      `${o.run} was generated from dataset sha256 ${manifest.dataset.sha256.slice(0, 12)}, but ${o.dataset.source} is ${
        o.dataset.sha256.slice(0, 12)
      }`,
    );
  }
  const files = runFiles(o.run, o.label);
  // Locked before the preflight, so a second writer is turned away before it sends anything.
  if (!o.client && o.batch?.mode !== "file" && o.batch?.mode !== "ingest") {
    throw new BsaError("judge: no endpoint given");
  }
  const lock = await lockJudgments(o.run, o.label);
  try {
    await o.client?.preflight(o.judgeModel);
    return await _judge(o, files);
  } finally {
    await lock.release();
  }
}

async function _judge(o: JudgeOptions, files: ReturnType<typeof runFiles>): Promise<JudgeResult> {
  const log = o.log ?? (() => {});
  const params: JudgeParams = { temperature: 0, ...o.params };
  // Before the manifest records a judge: a run without answers has nothing to judge.
  const warnings: string[] = [];
  const generated = await scanRun(o.run, "generations", undefined, { warnings });
  if (!generated.latest.size) throw new NoGenerationsError(o.run, files.generations);
  const judged = await scanRun(o.run, "judgments", o.label);
  const mine: JudgeRecord = {
    model: o.judgeModel,
    endpoints: o.client?.hosts ?? o.endpoints ?? [],
    prompts: { source: o.prompts.source, sha256: o.prompts.sha256 },
    params,
    started: new Date().toISOString(),
    finished: null,
    tokens: { ...judged.tokens },
  };
  const identity = judgeIdentity({ ...mine, params, prompts: mine.prompts.sha256 });
  const section = (m: { judge?: JudgeRecord; judges?: Record<string, JudgeRecord> }) =>
    o.label ? m.judges?.[o.label] : m.judge;
  await updateManifest(o.run, (cur) => {
    const m = cur!;
    const previous = section(m);
    if (previous && judged.latest.size) {
      // Folders judged before parameters were recorded: compare what was recorded.
      const theirs = judgeIdentity({
        model: previous.model,
        endpoints: previous.endpoints,
        params: previous.params ?? params,
        prompts: previous.prompts.sha256,
      });
      if (theirs !== identity) {
        throw new OtherJudgeError(files.judgments, _describe(previous), _describe(mine), o.label);
      }
      mine.started = previous.started;
    }
    return o.label ? { ...m, judges: { ...m.judges, [o.label]: mine } } : { ...m, judge: mine };
  });
  const questions = new Map(
    rows<{ id: string; query: string; risk_summary: string }>(o.dataset.questions.select("id", "query", "risk_summary"))
      .map((q) => [q.id, q]),
  );
  const todo = new Set<string>();
  let retried = 0;
  for (const [key, gen] of generated.latest) {
    const j = judged.latest.get(key);
    if (_needs(gen, j, o)) {
      todo.add(key);
      if (j) retried++;
    }
  }
  const appender = await openJudgments(o.run, o.label);
  const result: JudgeResult = {
    total: generated.latest.size,
    alreadyDone: generated.latest.size - todo.size,
    judged: 0,
    cached: 0,
    warnings,
    invalid: 0,
    failed: 0,
    sentinels: 0,
    errors: 0,
    retried,
    unseen: 0,
    generating: false,
  };
  // Labelled by the judge (the run's model is in the command line and the folder).
  const judgeLabel = `judge ${o.judgeModel}${o.label ? ` (${o.label})` : ""}`;
  const progress = new Progress(
    judgeLabel,
    generated.latest.size,
    // A request file sends nothing: there is no progress to show.
    (o.batch?.mode === "file" ? null : o.progress) ?? {},
  );
  progress.state.done = result.alreadyDone;
  // Batches report their own status; a stall is a direct call's notion.
  const direct = sendsDirect(o.batch);
  const stall = direct ? stallWatch(judgeLabel, (l) => log(`\n${l}`), o.stallMs) : null;
  const tokens = mine.tokens;
  const pass = new RunPass(appender, progress, o.client);
  const write = async (record: JudgmentRecord) => {
    await pass.append(record);
    // The state only: the record (a raw reply, its strings) is not kept for every sample.
    judged.latest.set(sampleKey(record), sampleState(record));
    result.judged++;
    if (record.answer_verdict === INVALID || record.reasoning_verdict === INVALID) result.invalid++;
    progress.tick({ done: 1 });
  };

  const ask = async (
    prompt: string,
    parse: (reply: string) => string,
    spent: { prompt: number; completion: number },
  ): Promise<{ verdict: string; raw?: string }> => {
    const key = await JudgeCache.key(identity, prompt);
    const hit = o.cache?.get(key);
    if (hit !== undefined) {
      result.cached++;
      return { verdict: hit };
    }
    let raw = "";
    for (let attempt = 0; attempt <= (o.invalidRetries ?? 2); attempt++) {
      // A retry shows the judge its unusable reply and asks again for the format.
      const c = await o.client!.complete(judgeBody(o.judgeModel, params, prompt, attempt === 0 ? undefined : raw));
      spent.prompt += c.promptTokens;
      spent.completion += c.completionTokens;
      tokens.prompt += c.promptTokens;
      tokens.completion += c.completionTokens;
      progress.tick({ tokens: c.promptTokens + c.completionTokens });
      const reading = readJudgeReply(c, parse);
      if ("refused" in reading) throw new FatalRequestError(reading.refused);
      raw = reading.raw;
      const verdict = reading.verdict;
      if (verdict !== INVALID) {
        await o.cache?.set(key, verdict);
        return { verdict };
      }
    }
    return { verdict: INVALID, raw };
  };

  const pending = async function* () {
    for await (const g of readGenerations(o.run)) {
      if (todo.has(sampleKey(g))) yield g;
    }
  };
  try {
    if (o.batch) {
      const jb = await JudgeBatch.open({
        judgeModel: o.judgeModel,
        params,
        prompts: o.prompts,
        identity,
        cache: o.cache,
        invalidRetries: o.invalidRetries ?? 2,
        questions,
        run: o.run,
        label: o.label,
        todo,
        write,
        on: {
          sentinel: () => result.sentinels++,
          cached: () => result.cached++,
          refused: (
            key,
            error,
          ) => (result.failed++,
            log(`\njudging ${key.replace("\u0000", "#")} refused for good, recorded as failed: ${error}`)),
          tokens: (p, c) => {
            tokens.prompt += p;
            tokens.completion += c;
            progress.tick({ tokens: p + c });
          },
        },
      });
      try {
        result.batch = await runBatchPhase(o.batch, {
          run: o.run,
          kind: o.label ? `judge-${o.label}` : "judge",
          model: o.judgeModel,
          judgeIdentity: identity,
          requests: () => jb.requests(),
          handle: (t, r, c) => jb.apply(t as Extract<BatchTarget, { kind: "judge" }>, r, c),
          log: (l) => log(`\n${l}`),
        });
      } finally {
        await jb.close();
      }
      for (const e of result.batch.counts.errors) log(`\njudging ${e}`);
    }
    if (!direct) {
      if (o.batch?.mode === "live") result.errors = todo.size;
      return result;
    }
    await pass.direct(pending(), o.concurrency, async (g) => {
      const base = { id: g.id, sample: g.sample, scenario: g.scenario };
      const sentinel = sentinelJudgment(g);
      if (sentinel) {
        await write(sentinel);
        result.sentinels++;
        return;
      }
      const q = questions.get(g.id);
      if (!q) throw new BsaError(`${files.generations}: question ${g.id} is not in the dataset`);
      const inputs = judgeInputs(g, q, o.prompts);
      const spent = { prompt: 0, completion: 0 };
      let a: { verdict: string; raw?: string }, r: { verdict: string; raw?: string } | null;
      try {
        [a, r] = await Promise.all([
          ask(inputs.answer, inputs.parseAnswer, spent),
          inputs.reasoning === null ? Promise.resolve(null) : ask(inputs.reasoning, inputs.parseReasoning, spent),
        ]);
      } catch (err) {
        stall?.completed();
        pass.syncFailures();
        if (err instanceof FatalRequestError) {
          await write(judgeRefused(base, err.message, spent));
          result.failed++;
          log(`\njudging ${g.id}#${g.sample} refused for good, recorded as failed: ${err.message}`);
          return;
        }
        if (stopsPass(err)) throw err;
        result.errors++;
        log(`\njudging ${g.id}#${g.sample} failed: ${(err as Error).message}`);
        return;
      }
      stall?.completed();
      pass.syncFailures();
      await write(judgmentRecord(base, a, r, spent));
    });
  } finally {
    stall?.stop();
    await pass.finish(async () => {
      // Samples a `run` still generating wrote after this pass read the generations.
      for (const k of await runSampleKeys(o.run, "generations")) if (!generated.latest.has(k)) result.unseen++;
      result.generating = await generationsBusy(o.run);
      const complete = pass.stopped === undefined && result.errors === 0 && result.unseen === 0 &&
        !result.generating && [...generated.latest.keys()].every((k) => judged.latest.has(k));
      await updateManifest(o.run, (cur) => {
        const m = cur!;
        const rec = { ...(section(m) ?? mine), tokens, finished: complete ? new Date().toISOString() : null };
        return o.label ? { ...m, judges: { ...m.judges, [o.label]: rec } } : { ...m, judge: rec };
      });
    });
  }
  pass.throwManifestError();
  return result;
}
