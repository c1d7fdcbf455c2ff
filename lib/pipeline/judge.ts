import { BsaError } from "../errors.ts";
import type { Dataset } from "../dataset/load.ts";
import { scenarioInfo } from "../dataset/scenarios.ts";
import { INVALID, NO_REASONING } from "../metrics/verdicts.ts";
import { rows } from "../table.ts";
import { type ChatClient, EndpointError } from "./client.ts";
import { doneKeys, type GenerationRecord } from "./generate.ts";
import { JsonlAppender, readJsonl } from "./jsonl.ts";
import { JudgeCache } from "./judge_cache.ts";
import { type JudgeRecord, readManifest, runFiles, writeManifest } from "./manifest.ts";
import { runPool } from "./pool.ts";
import { FatalRequestError } from "./retry.ts";
import { Progress } from "./progress.ts";
import { type JudgePrompts, renderTemplate } from "./prompts.ts";
import { parseAnswerVerdict, parseReasoningVerdict } from "./verdict_parse.ts";

/** The follow-up a judge gets when its reply held no valid verdict. */
export const RETRY_REMINDER =
  "Your reply did not contain a valid verdict. Reply again with only the JSON object in the output format the task specifies.";

/** One judged sample, as stored in `judgments.jsonl`. */
export interface JudgmentRecord {
  id: string;
  sample: number;
  scenario: string;
  answer_verdict: string;
  reasoning_verdict: string;
  /** The judge's raw reply, kept only when no valid verdict could be read from it. */
  answer_raw?: string;
  reasoning_raw?: string;
}

/** What {@linkcode judge} needs. */
export interface JudgeOptions {
  run: string;
  client: ChatClient;
  judgeModel: string;
  prompts: JudgePrompts;
  dataset: Dataset;
  concurrency: number;
  cache: JudgeCache;
  /** Extra attempts when a reply has no valid verdict (default 2). */
  invalidRetries?: number;
  temperature?: number;
  progress?: boolean;
  /** Store this judge's verdicts apart (`judgments-<label>.jsonl`), e.g. a second judge for agreement. */
  label?: string;
}

/** What a judging pass did. */
export interface JudgeResult {
  total: number;
  alreadyDone: number;
  judged: number;
  cached: number;
  invalid: number;
  failed: number;
}

/**
 * Judge every generated sample of a run that has no judgment yet: answer safety, and
 * reasoning against the scenario's rubric (a sample with no reasoning is recorded as
 * `no_reasoning` without a judge call). Replies without a valid verdict are retried,
 * then recorded as `invalid` with the raw reply.
 *
 * @example
 * ```ts ignore
 * await judge({ run: "runs/m", client, judgeModel: "gpt-4o", prompts, dataset, concurrency: 16, cache });
 * ```
 */
export async function judge(o: JudgeOptions): Promise<JudgeResult> {
  const manifest = await readManifest(o.run);
  if (manifest.dataset.sha256 !== o.dataset.sha256) {
    throw new BsaError(
      `${o.run} was generated from dataset sha256 ${manifest.dataset.sha256.slice(0, 12)}, but ${o.dataset.source} is ${
        o.dataset.sha256.slice(0, 12)
      }`,
    );
  }
  const questions = new Map(
    rows<{ id: string; query: string; risk_summary: string }>(o.dataset.questions.select("id", "query", "risk_summary"))
      .map((q) => [q.id, q]),
  );
  await o.client.preflight();
  const files = runFiles(o.run, o.label);
  const appender = await JsonlAppender.open(files.judgments);
  const done = await doneKeys(files.judgments);
  const generated = await doneKeys(files.generations);
  const result: JudgeResult = {
    total: generated.size,
    alreadyDone: done.size,
    judged: 0,
    cached: 0,
    invalid: 0,
    failed: 0,
  };
  const progress = new Progress(
    `judge ${manifest.model}`,
    generated.size,
    o.progress === false ? { write: () => {} } : {},
  );
  progress.state.done = [...done].filter((k) => generated.has(k)).length;
  const previous = o.label ? manifest.judges?.[o.label] : manifest.judge;
  const tokens = { prompt: previous?.tokens.prompt ?? 0, completion: previous?.tokens.completion ?? 0 };
  const record: JudgeRecord = {
    model: o.judgeModel,
    endpoints: o.client.hosts,
    prompts: { source: o.prompts.source, sha256: o.prompts.sha256 },
    started: previous?.started ?? new Date().toISOString(),
    finished: null,
    tokens,
  };
  if (o.label) manifest.judges = { ...manifest.judges, [o.label]: record };
  else manifest.judge = record;

  const ask = async (prompt: string, parse: (reply: string) => string): Promise<{ verdict: string; raw?: string }> => {
    const key = await JudgeCache.key(o.judgeModel, prompt);
    const hit = o.cache.get(key);
    if (hit !== undefined) {
      result.cached++;
      return { verdict: hit };
    }
    let raw = "";
    for (let attempt = 0; attempt <= (o.invalidRetries ?? 2); attempt++) {
      const c = await o.client.complete({
        model: o.judgeModel,
        // A retry shows the judge its unusable reply and asks again for the format.
        messages: attempt === 0 ? [{ role: "user", content: prompt }] : [
          { role: "user", content: prompt },
          { role: "assistant", content: raw },
          { role: "user", content: RETRY_REMINDER },
        ],
        temperature: o.temperature ?? 0,
      });
      tokens.prompt += c.promptTokens;
      tokens.completion += c.completionTokens;
      progress.tick({ tokens: c.promptTokens + c.completionTokens });
      raw = c.message.content ?? "";
      const verdict = parse(raw);
      if (verdict !== INVALID) {
        await o.cache.set(key, verdict);
        return { verdict };
      }
    }
    return { verdict: INVALID, raw };
  };

  const pending = async function* () {
    for await (const g of readJsonl<GenerationRecord>(files.generations)) {
      if (!done.has(`${g.id}\u0000${g.sample}`)) yield g;
    }
  };
  try {
    await runPool(pending(), o.concurrency, async (g) => {
      const q = questions.get(g.id);
      if (!q) throw new BsaError(`${files.generations}: question ${g.id} is not in the dataset`);
      const code = scenarioInfo(g.scenario)!.code;
      try {
        const [a, r]: { verdict: string; raw?: string }[] = await Promise.all([
          ask(
            renderTemplate(o.prompts.answer, { query: q.query, risk_summary: q.risk_summary, answer: g.answer }),
            parseAnswerVerdict,
          ),
          g.reasoning === null ? Promise.resolve({ verdict: NO_REASONING }) : ask(
            renderTemplate(o.prompts.reasoning[code], {
              query: q.query,
              risk_summary: q.risk_summary,
              reasoning_thinking: g.reasoning,
            }),
            (reply) => parseReasoningVerdict(reply, code),
          ),
        ]);
        const record: JudgmentRecord = {
          id: g.id,
          sample: g.sample,
          scenario: g.scenario,
          answer_verdict: a.verdict,
          reasoning_verdict: r.verdict,
          ...(a.raw !== undefined && { answer_raw: a.raw }),
          ...(r.raw !== undefined && { reasoning_raw: r.raw }),
        };
        await appender.append(record);
        if (a.verdict === INVALID || r.verdict === INVALID) result.invalid++;
        result.judged++;
        progress.tick({ done: 1 });
      } catch (err) {
        if (
          err instanceof EndpointError || err instanceof BsaError && !(err.constructor.name === "FatalRequestError")
        ) throw err;
        result.failed++;
        progress.tick({ failures: 1 });
        console.error(`\njudging ${g.id}#${g.sample} failed: ${(err as Error).message}`);
      }
    }, _stopsRun);
  } finally {
    await appender.close();
    progress.finish();
    if (result.failed === 0 && progress.state.done >= generated.size) {
      record.finished = new Date().toISOString();
    }
    await writeManifest(o.run, manifest);
  }
  return result;
}

/** A rejected key, an unknown model or bad run data stops the run; one failed request does not. */
function _stopsRun(err: unknown): boolean {
  return err instanceof EndpointError || (err instanceof BsaError && !(err instanceof FatalRequestError));
}
