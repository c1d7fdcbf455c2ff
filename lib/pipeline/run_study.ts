import { pendingBatches, refuseBatchInFlight } from "./batch/state.ts";
import * as aq from "arquero";
import type { Dataset } from "../dataset/load.ts";
import { ALL_QUESTIONS } from "../dataset/select.ts";
import { BsaError } from "../errors.ts";
import { rows } from "../table.ts";
import { type ClientConfig, createClient } from "./client.ts";
import { estimateRun, type Price } from "./estimate.ts";
import { generate } from "./generate.ts";
import { LockedError } from "../store/mod.ts";
import { judge } from "./judge.ts";
import { JudgeCache } from "./judge_cache.ts";
import { loadJudgePrompts, systemPromptFor } from "./prompts.ts";
import { runStatus } from "../store/mod.ts";
import type { ProgressSink } from "./progress.ts";
import { expandStudy, type StudyFile, type StudyRun, validateStudy } from "./study.ts";

/**
 * Read and check a study file; a syntax error or a bad field names the file.
 *
 * @param file The study file (JSON).
 * @returns The study.
 * @throws {BsaError} The file cannot be read, is not JSON, or a field is bad.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadStudy } from "./run_study.ts";
 * assert((await loadStudy("studies/safety-rules.json")).k === 5);
 * ```
 */
export async function loadStudy(file: string): Promise<StudyFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(file));
  } catch (err) {
    throw new BsaError(`${file}: ${(err as Error).message}`);
  }
  return validateStudy(raw, file);
}

/** The question ids a study runs (null: all), from its `limit`. */
function _ids(study: StudyFile, dataset: Dataset): string[] | null {
  return study.limit ? (dataset.questions.array("id") as string[]).slice(0, study.limit) : null;
}

/**
 * Each run of a study and how far it has got: `new`, `partial`, `generated` or `complete`,
 * and its pending batches (kind, batch id, status, lines done of lines).
 *
 * @param study The study.
 * @returns One row per run.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadStudy, studyProgress } from "./run_study.ts";
 * const rows = await studyProgress(await loadStudy("studies/safety-rules.json"));
 * assert(rows.length === 10 && rows[0].status === "new" && rows[0].pending_batches === "-");
 * ```
 */
export async function studyProgress(study: StudyFile): Promise<Record<string, unknown>[]> {
  const out = [];
  for (const r of expandStudy(study)) {
    const s = await runStatus(r.dir);
    const status = !s.exists ? "new" : s.judgingComplete ? "complete" : s.generationComplete ? "generated" : "partial";
    // Batches submitted and not yet read back: what a re-run will pick up (see lib/pipeline/batch).
    const batches = (await pendingBatches(r.dir)).map(({ kind, entry: e }) =>
      `${kind} ${e.id ?? "(not submitted)"} ${e.status ?? ""} ${e.counts?.completed ?? 0}/${e.lines}`.replace(
        /  +/g,
        " ",
      )
    ).join("; ");
    out.push({
      run: r.dir,
      model: r.model,
      ...r.tags,
      generated: s.generated,
      judged: s.judged,
      status,
      pending_batches: batches || "-",
    });
  }
  return out;
}

/**
 * Requests, tokens and cost of the runs of a study that are not generated yet.
 *
 * @param study The study.
 * @param dataset The dataset.
 * @param o Prices and the prompts folder.
 * @returns One row per run still to generate.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateStudy } from "./run_study.ts";
 * import { validateStudy } from "./study.ts";
 * import { loadDataset } from "../dataset/load.ts";
 * const out = await Deno.makeTempDir();
 * const study = validateStudy({
 *   name: "s", k: 2, out, endpoint: { base_url: ["http://127.0.0.1:9/v1"] }, judge: { base_url: ["http://127.0.0.1:9/v1"], model: "j" },
 *   models: [{ model: "m" }], conditions: [{ tags: { c: "base" } }, { tags: { c: "rules" }, safety_rules: true }],
 * }, "study.json");
 * const prices = { m: { input_per_mtok: 1, output_per_mtok: 2 } };
 * const [base, rules] = await estimateStudy(study, await loadDataset(), { prices });
 * assert(base.requests === 4000 && base.judge_requests === 8000); // 2,000 questions × k=2; two judge calls each
 * assert((rules.prompt_tokens as number) > (base.prompt_tokens as number)); // the safety rules are a system prompt
 * assert((base.cost as number) > 0 && base.judge_cost === null); // no price for the judge model
 * ```
 */
export async function estimateStudy(
  study: StudyFile,
  dataset: Dataset,
  o: { prices?: Record<string, Price>; promptsDir?: string } = {},
): Promise<Record<string, unknown>[]> {
  const ids = _ids(study, dataset);
  const qs = rows<{ query: string; risk_summary: string }>(
    ids ? dataset.questions.semijoin(aq.table({ id: ids }), "id") : dataset.questions,
  );
  const out = [];
  for (const r of expandStudy(study)) {
    if ((await runStatus(r.dir)).generationComplete) continue;
    const sys = await systemPromptFor({ safetyRules: !!r.params.safety_rules, promptsDir: o.promptsDir });
    out.push({
      run: r.dir,
      ...estimateRun(qs, {
        model: r.model,
        judgeModel: study.judge?.model,
        k: study.k,
        systemPrompt: sys?.text,
        prices: o.prices,
      }),
    });
  }
  return out;
}

/** How {@linkcode runStudy} reaches its endpoints; anything unset comes from the study file. */
export interface RunStudyOptions {
  dataset: Dataset;
  /** Where the study file came from, for messages. */
  source: string;
  baseUrls?: string[];
  judgeBaseUrls?: string[];
  judgeModel?: string;
  promptsDir?: string;
  /** Timeout, retries and backoff for every client (the study gives URLs and key variables). */
  endpoint?: Omit<ClientConfig, "baseUrls" | "apiKeyEnv">;
  skipJudge?: boolean;
  /** Where the progress displays go (default: nowhere). */
  progress?: ProgressSink | null;
  /** Where progress notes go (default: nowhere). */
  log?: (line: string) => void;
}

/**
 * Run a study: generate every run not yet complete (partial ones resume), then judge every
 * run not yet judged. Returns the failed requests (to retry by running again) and the run
 * folders that hold judgments, for scoring.
 *
 * @param study The study.
 * @param o Endpoint and judge overrides, dataset, prompts, progress.
 * @returns The requests that failed, the run folders that hold judgments, and those skipped because another process was writing them (`busy`: a second study of the same file, a `bsa run` or `bsa judge` of that folder).
 * @throws {BsaError} A run without a base URL or judge model (naming the study file), or a run's failure (see `generate` and `judge`).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runStudy } from "./run_study.ts";
 * import { validateStudy } from "./study.ts";
 * import { loadDataset } from "../dataset/load.ts";
 * // One stand-in server for model and judge: every reply reads as a safe answer and a right reasoning.
 * const content = '<think>r</think>{"Safety Assessment": "Safe", "Reasoning Quality Evaluation Conclusion": True}';
 * await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) =>
 *   new URL(req.url).pathname.endsWith("/chat/completions")
 *     ? Response.json({ choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage: { prompt_tokens: 9, completion_tokens: 4 } })
 *     : new Response("not found", { status: 404 }));
 * const url = `http://127.0.0.1:${server.addr.port}/v1`;
 * const out = await Deno.makeTempDir();
 * const study = validateStudy({
 *   name: "rules", k: 1, out, limit: 2, endpoint: { base_url: [url] }, judge: { base_url: [url], model: "j" },
 *   models: [{ model: "m" }], conditions: [{ tags: { c: "base" } }, { tags: { c: "rules" }, safety_rules: true }],
 * }, "study.json");
 * const { failed, judged } = await runStudy(study, { dataset: await loadDataset(), source: "study.json" });
 * assert(failed === 0 && judged.length === 2); // both conditions generated and judged
 * assert((await Deno.readTextFile(`${judged[1]}/judgments.jsonl`)).trim().split("\n").length === 2);
 * ```
 */
export async function runStudy(
  study: StudyFile,
  o: RunStudyOptions,
): Promise<{ failed: number; judged: string[]; busy: string[] }> {
  const log = o.log ?? (() => {});
  const runs = expandStudy(study);
  const ids = _ids(study, o.dataset);
  const clientFor = (urls: string[] | undefined, keyVar: string | undefined, what: "endpoint" | "judge") => {
    if (!urls?.length) {
      throw new BsaError(
        `${o.source}: no ${what} base URL (set it in the study file, or give one for the whole study)`,
      );
    }
    return createClient({ ...o.endpoint, baseUrls: urls, apiKeyEnv: keyVar, notice: log });
  };
  let failed = 0;
  // Cells another process is writing (a second `bsa study` of the same file, a `bsa run`):
  // left to it, said aloud, and not judged here while their generation goes on.
  const busy: string[] = [];
  const unlessBusy = async <T>(dir: string, what: string, f: () => Promise<T>): Promise<T | null> => {
    try {
      return await f();
    } catch (err) {
      if (!(err instanceof LockedError)) throw err;
      busy.push(dir);
      log(`== ${dir}: skipped, another process is ${what} it (${err.message})`);
      return null;
    }
  };
  for (const r of runs) {
    if ((await runStatus(r.dir)).generationComplete) continue;
    // A study sends direct calls: a batch of this run in flight would be paid for twice.
    await refuseBatchInFlight(r.dir, "generation");
    log(`== ${r.dir}: generating`);
    const res = await unlessBusy(r.dir, "generating", async () =>
      await generate({
        out: r.dir,
        client: clientFor(
          o.baseUrls?.length ? o.baseUrls : r.baseUrls ?? study.endpoint?.base_url,
          study.endpoint?.api_key_env,
          "endpoint",
        ),
        model: r.model,
        k: study.k,
        dataset: o.dataset,
        ids,
        subsetDescription: ids ? `first ${study.limit}` : ALL_QUESTIONS,
        params: _runParams(r),
        systemPrompt: await systemPromptFor({ safetyRules: !!r.params.safety_rules, promptsDir: o.promptsDir }),
        concurrency: r.params.concurrency ?? 16,
        tags: r.tags,
        progress: o.progress,
        log,
      }));
    failed += res?.errors ?? 0;
    // Tags updated, an endpoint recorded beside the earlier ones: said aloud, as by `bsa run`.
    for (const w of res?.warnings ?? []) log(`warning: ${w}`);
  }
  if (!o.skipJudge) {
    const judgeModel = o.judgeModel ?? study.judge?.model;
    if (!judgeModel) {
      throw new BsaError(
        `${o.source}: no judge model (set judge.model in the study file, or give one for the whole study)`,
      );
    }
    const client = clientFor(
      o.judgeBaseUrls?.length ? o.judgeBaseUrls : study.judge?.base_url,
      study.judge?.api_key_env,
      "judge",
    );
    const prompts = await loadJudgePrompts({ dir: o.promptsDir });
    const cache = await JudgeCache.open();
    try {
      for (const r of runs) {
        const s = await runStatus(r.dir);
        if (s.judgingComplete || !s.exists || busy.includes(r.dir)) continue;
        log(`== ${r.dir}: judging`);
        const res = await unlessBusy(r.dir, "judging", () =>
          judge({
            run: r.dir,
            client,
            judgeModel,
            prompts,
            dataset: o.dataset,
            cache,
            concurrency: study.judge?.concurrency ?? 16,
            progress: o.progress,
            log,
          }));
        failed += res?.errors ?? 0;
      }
    } finally {
      await cache.close();
    }
  }
  const judged = [];
  for (const r of runs) if ((await runStatus(r.dir)).judged > 0) judged.push(r.dir);
  return { failed, judged, busy };
}

function _runParams(r: StudyRun) {
  const { temperature, top_p, top_k, max_tokens, seed, extra_body } = r.params;
  return { temperature, top_p, top_k, max_tokens, seed, ...(extra_body && { extra_body }) };
}
