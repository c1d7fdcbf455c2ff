import { BsaError } from "../errors.ts";
import { countTokens } from "../dataset/tokens.ts";

/** Prices in a currency of the user's choice per million tokens. */
export interface Price {
  input_per_mtok: number;
  output_per_mtok: number;
  /** Batch API prices; absent: half the list price (OpenAI's batch discount). */
  batch_input_per_mtok?: number;
  batch_output_per_mtok?: number;
}

/** The share of the list price a batch costs when the price table gives no batch price. */
export const BATCH_PRICE_FACTOR = 0.5;

/**
 * Assumed completion length of one sample (reasoning + answer), in tokens, when the caller gives none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_COMPLETION_TOKENS, estimateRun } from "./estimate.ts";
 * const e = estimateRun([{ query_tokens: 10, risk_tokens: 5 }], { model: "m", k: 2 });
 * assert(e.completion_tokens === 2 * DEFAULT_COMPLETION_TOKENS);
 * ```
 */
export const DEFAULT_COMPLETION_TOKENS = 1500;

/** The size and cost of a run before it starts. */
export interface Estimate {
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  judge_requests: number;
  judge_prompt_tokens: number;
  judge_completion_tokens: number;
  /** Cost where the price table names the model (and the judge), else null. */
  cost: number | null;
  judge_cost: number | null;
  /** The same through the Batch API (`--batch`). */
  batch_cost: number | null;
  judge_batch_cost: number | null;
}

/** Assumptions of an estimate (completions are unknown until they exist). */
export interface EstimateOptions {
  model: string;
  judgeModel?: string;
  k: number;
  systemPrompt?: string | null;
  /** The system prompt's token count, when already known (no tokenizer needed). */
  systemPromptTokens?: number;
  /** Assumed completion length of the model (reasoning + answer), tokens. Default {@linkcode DEFAULT_COMPLETION_TOKENS}. */
  completionTokens?: number;
  /** Assumed length of one judge reply, tokens. Default 250. */
  judgeCompletionTokens?: number;
  /** Judge template sizes in tokens (answer, reasoning), as the prompts render them. */
  judgeTemplateTokens?: { answer: number; reasoning: number };
  prices?: Record<string, Price>;
}

/**
 * Estimate requests, tokens (cl100k_base counts of the real prompts, or counts given with
 * the questions) and cost of a run.
 * Judge prompts hold the template, the question, its risk summary and the assumed answer or
 * reasoning length; the reasoning judge is counted for every sample.
 *
 * @param questions The questions, or their token counts.
 * @param o Model, k, judge model, prices, system prompt and assumed completion lengths.
 * @returns Requests, tokens and costs.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateRun } from "./estimate.ts";
 * const e = estimateRun([{ query: "hello world", risk_summary: "none" }], { model: "m", k: 5, prices: { m: { input_per_mtok: 1, output_per_mtok: 2 } } });
 * assert(e.requests === 5 && e.prompt_tokens === 10 && e.cost !== null && e.batch_cost === e.cost / 2);
 * ```
 */
export function estimateRun(
  questions: ({ query: string; risk_summary: string } | { query_tokens: number; risk_tokens: number })[],
  o: EstimateOptions,
): Estimate {
  const sys = o.systemPromptTokens ?? (o.systemPrompt ? countTokens(o.systemPrompt) : 0);
  const completion = o.completionTokens ?? DEFAULT_COMPLETION_TOKENS;
  const judgeReply = o.judgeCompletionTokens ?? 250;
  const tmpl = o.judgeTemplateTokens ?? { answer: 600, reasoning: 1100 };
  let prompt = 0, judgePrompt = 0;
  for (const q of questions) {
    // Counted here only when not given (see lib/dataset/token_counts.ts: cached per dataset).
    const qt = "query_tokens" in q ? q.query_tokens : countTokens(q.query);
    const rt = "risk_tokens" in q ? q.risk_tokens : countTokens(q.risk_summary);
    prompt += (sys + qt) * o.k;
    // Answer and reasoning split the completion roughly 1:3 in reasoning models.
    judgePrompt += (tmpl.answer + qt + rt + completion / 4) * o.k +
      (tmpl.reasoning + qt + rt + (3 * completion) / 4) * o.k;
  }
  const requests = questions.length * o.k;
  const cost = (name: string | undefined, inTok: number, outTok: number, batch = false) => {
    const p = name ? o.prices?.[name] : undefined;
    if (!p) return null;
    const input = batch ? p.batch_input_per_mtok ?? p.input_per_mtok * BATCH_PRICE_FACTOR : p.input_per_mtok;
    const output = batch ? p.batch_output_per_mtok ?? p.output_per_mtok * BATCH_PRICE_FACTOR : p.output_per_mtok;
    return (inTok * input + outTok * output) / 1e6;
  };
  const e: Estimate = {
    model: o.model,
    requests,
    prompt_tokens: prompt,
    completion_tokens: requests * completion,
    judge_requests: 2 * requests,
    judge_prompt_tokens: Math.round(judgePrompt),
    judge_completion_tokens: 2 * requests * judgeReply,
    cost: null,
    judge_cost: null,
    batch_cost: null,
    judge_batch_cost: null,
  };
  e.cost = cost(o.model, e.prompt_tokens, e.completion_tokens);
  e.judge_cost = cost(o.judgeModel, e.judge_prompt_tokens, e.judge_completion_tokens);
  e.batch_cost = cost(o.model, e.prompt_tokens, e.completion_tokens, true);
  e.judge_batch_cost = cost(o.judgeModel, e.judge_prompt_tokens, e.judge_completion_tokens, true);
  return e;
}

/**
 * Read a price table; a malformed entry names the model and field.
 *
 * @param path The prices JSON file.
 * @returns The price of each model.
 * @throws {BsaError} The file cannot be read, or an entry is malformed (naming the model and field).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readPrices } from "./estimate.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, JSON.stringify({ m: { input_per_mtok: 1, output_per_mtok: 2 } }));
 * assert((await readPrices(p)).m.output_per_mtok === 2);
 * ```
 */
export async function readPrices(path: string): Promise<Record<string, Price>> {
  let obj: Record<string, Price>;
  try {
    obj = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new BsaError(`price table ${path}: ${(err as Error).message}`);
  }
  for (const [m, p] of Object.entries(obj)) {
    for (const f of ["input_per_mtok", "output_per_mtok"] as const) {
      if (typeof p?.[f] !== "number" || p[f] < 0) {
        throw new BsaError(`price table ${path}: ${m}.${f} must be a non-negative number`);
      }
    }
    for (const f of ["batch_input_per_mtok", "batch_output_per_mtok"] as const) {
      if (p[f] !== undefined && (typeof p[f] !== "number" || p[f]! < 0)) {
        throw new BsaError(`price table ${path}: ${m}.${f} must be a non-negative number when given`);
      }
    }
  }
  return obj;
}
