import * as aq from "arquero";
import { loadDataset } from "../dataset/load.ts";
import { selectQuestions } from "../dataset/select.ts";
import { systemPromptFor } from "../pipeline/prompts.ts";
import { DEFAULT_COMPLETION_TOKENS, estimateRun, readPrices } from "../pipeline/estimate.ts";
import { rows } from "../table.ts";
import { LIMITS, numberFlag, parseFlags, requireString, selectionFlags } from "./_flags.ts";
import { formatRows } from "./_print.ts";

/**
 * The text `bsa estimate --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, estimateCommand } from "./estimate.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await estimateCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa estimate --model NAME [--k K] [--judge-model NAME] [--prices FILE] [subset flags] [--json]

Requests, tokens and cost of a run before it starts. Prompt tokens are counted
(cl100k_base) on the real prompts; completions are assumed.
  --prices FILE                JSON: {"<model>": {"input_per_mtok": 0.5, "output_per_mtok": 1.5}, ...};
                               batch_cost and judge_batch_cost price the Batch API (--batch):
                               "batch_input_per_mtok"/"batch_output_per_mtok", else half the list price
  --completion-tokens N        assumed tokens per sample, reasoning + answer (default ${DEFAULT_COMPLETION_TOKENS})
  --judge-completion-tokens N  assumed tokens per judge reply (default 250)
  --safety-rules, --system-prompt FILE, --ids FILE, --limit N, --scenario S, --category C, --dataset PATH`;

/**
 * `bsa estimate`.
 *
 * @param args The flags after `bsa estimate`.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), the dataset or a prices file that cannot be read.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateCommand } from "./estimate.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * const args = ["--model", "m", "--k", "5", "--scenario", "OS", "--completion-tokens", "1000", "--json"];
 * const code = await estimateCommand(args).finally(() => (console.log = log)); // counts tokens on BSA_DATASET
 * const e = JSON.parse(printed[0]);
 * assert(code === 0 && e.requests === 1000 && e.judge_requests === 2000); // 200 questions × 5; two judge calls each
 * assert(e.completion_tokens === 1_000_000 && e.prompt_tokens > 0 && e.cost === null); // no --prices: no cost
 * ```
 */
export async function estimateCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("estimate", args, {
    model: { type: "string" },
    k: { type: "string" },
    "judge-model": { type: "string" },
    prices: { type: "string" },
    "completion-tokens": { type: "string" },
    "judge-completion-tokens": { type: "string" },
    "safety-rules": { type: "boolean" },
    "system-prompt": { type: "string" },
    prompts: { type: "string" },
    dataset: { type: "string" },
    ids: { type: "string" },
    limit: { type: "string" },
    scenario: { type: "string", multiple: true },
    category: { type: "string", multiple: true },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const model = requireString("estimate", values, "model");
  // Every flag is checked before anything is read.
  const k = numberFlag("estimate", values, "k", { integer: true, min: 1, max: LIMITS.k, default: 5 })!;
  const completionTokens = numberFlag("estimate", values, "completion-tokens", {
    integer: true,
    min: 1,
    max: LIMITS.tokens,
  });
  const judgeCompletionTokens = numberFlag("estimate", values, "judge-completion-tokens", {
    integer: true,
    min: 1,
    max: LIMITS.tokens,
  });
  const selection = selectionFlags("estimate", values);
  const dataset = await loadDataset({ path: values.dataset as string | undefined });
  const { ids } = await selectQuestions(dataset, selection);
  const qs = ids ? dataset.questions.semijoin(aq.table({ id: ids }), "id") : dataset.questions;
  const systemPrompt = await systemPromptFor({
    safetyRules: !!values["safety-rules"],
    file: values["system-prompt"] as string | undefined,
    promptsDir: values.prompts as string | undefined,
  });
  const e = estimateRun(rows(qs), {
    model,
    judgeModel: values["judge-model"] as string | undefined,
    k,
    systemPrompt: systemPrompt?.text,
    completionTokens,
    judgeCompletionTokens,
    prices: values.prices ? await readPrices(values.prices as string) : undefined,
  });
  if (values.json) console.log(JSON.stringify(e, null, 2));
  else {
    console.log(formatRows([e as unknown as Record<string, unknown>]));
    if (e.cost === null) {
      console.error(
        values.prices
          ? `note: cost – : ${values.prices} has no price for ${values.model}`
          : "note: cost – : no prices given (--prices FILE)",
      );
    }
  }
  return 0;
}
