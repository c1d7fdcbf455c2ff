import * as aq from "arquero";
import { loadDataset } from "../dataset/load.ts";
import { BsaError, UsageError } from "../errors.ts";
import { scoreJudgments } from "../metrics/score.ts";
import { ChatClient } from "../pipeline/client.ts";
import { estimateRun } from "../pipeline/estimate.ts";
import { generate } from "../pipeline/generate.ts";
import { judge } from "../pipeline/judge.ts";
import { JudgeCache } from "../pipeline/judge_cache.ts";
import { loadJudgePrompts, systemPromptFor } from "../pipeline/prompts.ts";
import { loadRunJudgments } from "../pipeline/runs.ts";
import { runStatus } from "../pipeline/status.ts";
import { expandStudy, type StudyRun, validateStudy } from "../pipeline/study.ts";
import { rows } from "../table.ts";
import { listFlag, numberFlag, parseFlags } from "./_flags.ts";
import { formatRows } from "./_print.ts";
import { readPrices } from "./estimate.ts";
import { printReport } from "./score.ts";

/**
 * The text `bsa study --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP } from "./study.ts";
 * assert(HELP.startsWith("bsa study"));
 * ```
 */
export const HELP = `bsa study FILE [--dry-run | --estimate] [options]

Expand a study file (models × conditions × decoding grid) into runs, generate and
judge each one (runs already complete are skipped, partial ones resumed), then
score them all in one table tagged with their condition columns.
  --dry-run               list the runs and how far each has got
  --estimate              requests, tokens and cost of the runs still to do (--prices FILE)
  --base-url URL          override the study's endpoint (repeatable for replicas)
  --judge-base-url URL, --judge-model NAME   override the study's judge
  --skip-judge            generate only
  --dataset PATH, --prompts DIR, --timeout SECONDS, --retries N, --json`;

/**
 * `bsa study`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studyCommand } from "./study.ts";
 * assert(await studyCommand(["--help"]) === 0);
 * ```
 */
export async function studyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags("study", args, {
    "dry-run": { type: "boolean" },
    estimate: { type: "boolean" },
    prices: { type: "string" },
    "base-url": { type: "string", multiple: true },
    "judge-base-url": { type: "string", multiple: true },
    "judge-model": { type: "string" },
    "skip-judge": { type: "boolean" },
    dataset: { type: "string" },
    prompts: { type: "string" },
    timeout: { type: "string" },
    retries: { type: "string" },
    quiet: { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) return (console.log(HELP), 0);
  if (positionals.length !== 1) throw new UsageError(`bsa study: expected one study file\n${HELP}`);
  const file = positionals[0];
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(file));
  } catch (err) {
    throw new BsaError(`${file}: ${(err as Error).message}`);
  }
  const study = validateStudy(raw, file);
  const runs = expandStudy(study);
  const dataset = await loadDataset({ path: values.dataset as string | undefined });
  const ids = study.limit ? (dataset.questions.array("id") as string[]).slice(0, study.limit) : null;

  if (values["dry-run"]) {
    const table = [];
    for (const r of runs) {
      const s = await runStatus(r.dir);
      table.push({
        run: r.dir,
        model: r.model,
        ...r.tags,
        generated: s.generated,
        judged: s.judged,
        status: _status(s),
      });
    }
    console.log(values.json ? JSON.stringify(table, null, 2) : formatRows(table));
    return 0;
  }
  if (values.estimate) {
    const prices = values.prices ? await readPrices(values.prices as string) : undefined;
    const qs = rows<{ query: string; risk_summary: string }>(
      ids ? dataset.questions.semijoin(aq.table({ id: ids }), "id") : dataset.questions,
    );
    const table = [];
    for (const r of runs) {
      const s = await runStatus(r.dir);
      if (s.generationComplete) continue;
      const sys = await systemPromptFor({
        safetyRules: !!r.params.safety_rules,
        promptsDir: values.prompts as string | undefined,
      });
      table.push({
        run: r.dir,
        ...estimateRun(qs, {
          model: r.model,
          judgeModel: study.judge?.model,
          k: study.k,
          systemPrompt: sys?.text,
          prices,
        }),
      });
    }
    console.log(values.json ? JSON.stringify(table, null, 2) : formatRows(table));
    return 0;
  }

  const timeoutMs = 1000 * numberFlag("study", values, "timeout", { min: 1, default: 600 })!;
  const retries = numberFlag("study", values, "retries", { integer: true, min: 0, default: 6 })!;
  const clientFor = (urls: string[] | undefined, keyVar: string | undefined, what: string) => {
    if (!urls?.length) {
      throw new UsageError(
        `bsa study: no ${what} base URL (set it in ${file} or pass --${what === "judge" ? "judge-" : ""}base-url)`,
      );
    }
    const name = keyVar ?? "OPENAI_API_KEY";
    return new ChatClient({ baseUrls: urls, apiKey: Deno.env.get(name), timeoutMs, retry: { retries } });
  };
  const cliUrls = listFlag(values, "base-url");
  let failed = 0;
  for (const r of runs) {
    const s = await runStatus(r.dir);
    if (!s.generationComplete) {
      console.error(`== ${r.dir}: generating`);
      const res = await generate({
        out: r.dir,
        client: clientFor(
          cliUrls.length ? cliUrls : r.baseUrls ?? study.endpoint?.base_url,
          study.endpoint?.api_key_env,
          "endpoint",
        ),
        model: r.model,
        k: study.k,
        dataset,
        ids,
        subsetDescription: ids ? `first ${study.limit}` : "all 2,000 questions",
        params: _runParams(r),
        systemPrompt: await systemPromptFor({
          safetyRules: !!r.params.safety_rules,
          promptsDir: values.prompts as string | undefined,
        }),
        concurrency: r.params.concurrency ?? 16,
        tags: r.tags,
        progress: !values.quiet,
      });
      failed += res.failed;
    }
  }
  if (!values["skip-judge"]) {
    const judgeModel = (values["judge-model"] as string | undefined) ?? study.judge?.model;
    if (!judgeModel) {
      throw new UsageError(`bsa study: no judge model (set judge.model in ${file} or pass --judge-model)`);
    }
    const judgeUrls = listFlag(values, "judge-base-url");
    const client = clientFor(judgeUrls.length ? judgeUrls : study.judge?.base_url, study.judge?.api_key_env, "judge");
    const prompts = await loadJudgePrompts({ dir: values.prompts as string | undefined });
    const cache = await JudgeCache.open();
    try {
      for (const r of runs) {
        const s = await runStatus(r.dir);
        if (s.judgingComplete || !s.exists) continue;
        console.error(`== ${r.dir}: judging`);
        const res = await judge({
          run: r.dir,
          client,
          judgeModel,
          prompts,
          dataset,
          cache,
          concurrency: study.judge?.concurrency ?? 16,
          progress: !values.quiet,
        });
        failed += res.failed;
      }
    } finally {
      await cache.close();
    }
    const judged = [];
    for (const r of runs) if ((await runStatus(r.dir)).judged > 0) judged.push(r.dir);
    if (judged.length) {
      const loaded = await loadRunJudgments(judged);
      printReport(scoreJudgments(loaded.table, { k: loaded.k, by: ["model", ...loaded.tags] }), {
        json: !!values.json,
        details: false,
      });
    }
  }
  if (failed) {
    console.error(`error: ${failed} request(s) failed after retries; run the same command again to retry them`);
    return 1;
  }
  return 0;
}

function _runParams(r: StudyRun) {
  const { temperature, top_p, top_k, max_tokens, seed, extra_body } = r.params;
  return { temperature, top_p, top_k, max_tokens, seed, ...(extra_body && { extra_body }) };
}

function _status(s: Awaited<ReturnType<typeof runStatus>>): string {
  if (!s.exists) return "new";
  if (s.judgingComplete) return "complete";
  if (s.generationComplete) return "generated";
  return "partial";
}
