import { stderrProgress } from "./_print.ts";
import { loadDataset } from "../dataset/load.ts";
import { selectQuestions } from "../dataset/select.ts";
import { UsageError } from "../errors.ts";
import { generate } from "../pipeline/generate.ts";
import { systemPromptFor } from "../pipeline/prompts.ts";
import { safeHost } from "../pipeline/client.ts";
import { ForeignFolderError, runFolderState } from "../store/mod.ts";
import { BATCH_FLAGS, BATCH_HELP, batchModeFromFlags, describeBatch } from "./_batch.ts";
import type { TokenCounts } from "../dataset/token_counts.ts";
import { clientFromFlags, ENDPOINT_FLAGS, ENDPOINT_HELP } from "./_endpoint.ts";
import { checkBatchFileFlag, refuseOwnedBodyKeys } from "./_output.ts";
import { refuseBatchInFlight } from "../pipeline/batch/state.ts";
import {
  jsonObjectFlag,
  LIMITS,
  listFlag,
  listFlagRaw,
  numberFlag,
  parseFlags,
  parseTags,
  requireString,
  selectionFlags,
} from "./_flags.ts";

/**
 * The text `bsa run --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, runCommand } from "./run.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await runCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP: string = `bsa run --base-url URL --model NAME --k K --out DIR [options]

Generate K answers per question into the run folder DIR (resumable: run the same
command again after an interruption and it continues where it stopped).
  --base-url URL        OpenAI-compatible endpoint; repeat (or comma-separate) to spread over replicas
  --model NAME          model name the server knows
  --k K                 samples per question (default 5)
  --out DIR             run folder
  --concurrency N       requests in flight (default 16)
  --temperature T, --top-p P, --top-k K, --max-tokens N, --seed S (sample i gets S+i)
  --extra-body JSON     more fields for the request body, e.g. '{"repetition_penalty":1.05}'
                        (not model, messages, n or stream: bsa sets those)
  --system-prompt FILE  a system prompt; --safety-rules uses the paper's safety rules
  --tag NAME=VALUE      a condition column for score tables (repeatable)
  --use-n               one request per question with n = missing samples (servers that support n)
  --retry-failed        ask again the samples recorded as failed (a refusal the provider gave
                        for good); the new record supersedes the old one
${BATCH_HELP}
                        With --batch-file, --base-url is optional (recorded when given).
  --dataset PATH        the dataset (default: BSA_DATASET or the pinned download)
  --prompts DIR         where Safe_Rules.md is (default: BSA_PROMPTS_DIR or the pinned download)
  --ids FILE            question ids, one per line; --limit N, --scenario S, --category C narrow further
  --api-key-env NAME    the variable holding the API key (default OPENAI_API_KEY)
${ENDPOINT_HELP}`;

/**
 * `bsa run`.
 *
 * @param args The flags after `bsa run`.
 * @returns The exit code: 0, or 1 when samples failed after retries.
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), an unreachable endpoint, a wrong key or model, a run folder locked or of other settings.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCommand } from "./run.ts";
 * const out = await Deno.makeTempDir();
 * // An unreachable endpoint stops the run before anything is recorded.
 * const args = ["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--k", "1", "--limit", "1", "--out", `${out}/run`];
 * await assert.rejects(runCommand(args), /unreachable/);
 * await assert.rejects(Deno.stat(`${out}/run/generations.jsonl`), Deno.errors.NotFound);
 * // With --batch-file it writes the requests instead (for the Batch API or 'vllm run-batch'), one per sample.
 * assert(await runCommand(["--model", "m", "--k", "2", "--limit", "3", "--out", `${out}/b`, "--batch-file", `${out}/b.jsonl`]) === 0);
 * assert((await Deno.readTextFile(`${out}/b.jsonl`)).trim().split("\n").length === 6);
 * ```
 */
export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("run", args, {
    "base-url": { type: "string", multiple: true },
    model: { type: "string" },
    k: { type: "string" },
    out: { type: "string" },
    concurrency: { type: "string" },
    temperature: { type: "string" },
    "top-p": { type: "string" },
    "top-k": { type: "string" },
    "max-tokens": { type: "string" },
    seed: { type: "string" },
    "extra-body": { type: "string" },
    "system-prompt": { type: "string" },
    "safety-rules": { type: "boolean" },
    tag: { type: "string", multiple: true },
    dataset: { type: "string" },
    prompts: { type: "string" },
    ids: { type: "string" },
    limit: { type: "string" },
    scenario: { type: "string", multiple: true },
    category: { type: "string", multiple: true },
    quiet: { type: "boolean" },
    "use-n": { type: "boolean" },
    "retry-failed": { type: "boolean" },
    ...ENDPOINT_FLAGS,
    ...BATCH_FLAGS,
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const model = requireString("run", values, "model");
  const out = requireString("run", values, "out");
  const k = numberFlag("run", values, "k", { integer: true, min: 1, max: LIMITS.k, default: 5 })!;
  const concurrency = numberFlag("run", values, "concurrency", {
    integer: true,
    min: 1,
    max: LIMITS.concurrency,
    default: 16,
  })!;
  const extraBody = jsonObjectFlag("run", values, "extra-body");
  refuseOwnedBodyKeys("run", "extra-body", extraBody);
  if (values["system-prompt"] && values["safety-rules"]) {
    throw new UsageError("bsa run: --system-prompt and --safety-rules exclude each other");
  }
  // Every flag is checked before anything is printed or read: a bad value is the only output.
  const params = {
    temperature: numberFlag("run", values, "temperature", { min: 0, max: LIMITS.temperature }),
    top_p: numberFlag("run", values, "top-p", { min: 0, max: 1 }),
    top_k: numberFlag("run", values, "top-k", { integer: true, min: -1, max: LIMITS.topK }),
    max_tokens: numberFlag("run", values, "max-tokens", { integer: true, min: 1, max: LIMITS.tokens }),
    seed: numberFlag("run", values, "seed", { integer: true, min: -LIMITS.seed, max: LIMITS.seed }),
    ...(extraBody && { extra_body: extraBody }),
  };
  const tags = parseTags("run", listFlagRaw(values, "tag"));
  const selection = selectionFlags("run", values);
  const batch = batchModeFromFlags("run", values);
  const state = await _outFolderState(out);
  if (batch?.mode === "file") await checkBatchFileFlag("run", out, batch.path, batch.force === true);
  // Direct calls or a request file while a batch of this run is in flight would ask its samples twice.
  if (state === "run" && batch?.mode !== "live") await refuseBatchInFlight(out, "generation");
  // A request file is sent by someone else (a cluster's vLLM): no endpoint needed now.
  const client = batch?.mode === "file" ? null : clientFromFlags("run", values);
  const dataset = await loadDataset({ path: values.dataset as string | undefined });
  const { ids, description } = await selectQuestions(dataset, selection);
  const systemPrompt = await systemPromptFor({
    safetyRules: !!values["safety-rules"],
    file: values["system-prompt"] as string | undefined,
    promptsDir: values.prompts as string | undefined,
  });
  // The size of a new run, before it starts; a resumed run goes straight to its first request.
  // Printed once the run's lock is held and the endpoint has answered (generate's onStart): with
  // no key (or a wrong URL) its error is the only output, and a second writer sends nothing.
  let estimateLine: Promise<void> | undefined;
  const printEstimate = async () => {
    const { DEFAULT_COMPLETION_TOKENS, estimateRun } = await import("../pipeline/estimate.ts");
    const tc = await import("../dataset/token_counts.ts");
    const say = (counts: TokenCounts, note = "") => {
      const questions = ids ? ids.map((id) => counts.questions.get(id)!) : [...counts.questions.values()];
      const est = estimateRun(questions, { model, k, systemPromptTokens: counts.systemPrompt });
      const perSample = DEFAULT_COMPLETION_TOKENS.toLocaleString("en-US");
      return `estimate: ${est.requests} requests, ${note}${est.prompt_tokens} prompt tokens, ~${est.completion_tokens} completion tokens (at ~${perSample} per sample); 'bsa estimate' prices it`;
    };
    const stored = await tc.storedTokenCounts(dataset, systemPrompt?.text);
    if (stored) console.error(say(stored));
    else {
      // A cold cache: the tokenizer runs in a child process while the run starts, and the line
      // comes when it is done; without a child, the length of the texts stands in for it.
      estimateLine = tc.countTokensInBackground(dataset, systemPrompt?.text).then(
        (counts) => console.error(`\n${say(counts)}`),
        () =>
          console.error(
            `\n${
              say(tc.approximateTokenCounts(dataset, systemPrompt?.text), "~")
            } (prompt tokens from the texts' length)`,
          ),
      );
    }
  };
  const result = await generate({
    out,
    client,
    endpoints: listFlag(values, "base-url").map(safeHost),
    batch,
    model,
    k,
    dataset,
    ids,
    subsetDescription: description,
    params,
    systemPrompt,
    concurrency,
    tags,
    progress: stderrProgress(!!values.quiet),
    log: (line) => console.error(line),
    useN: !!values["use-n"],
    retryFailed: !!values["retry-failed"],
    onStart: state === "new" ? printEstimate : undefined,
  });
  // The estimate of a cold cache, if it has not come yet (it is printed as soon as it is counted).
  await estimateLine;
  for (const w of result.warnings) console.error(`warning: ${w}`);
  if (result.batch) { for (const line of describeBatch(result.batch, `bsa ingest --run ${out}`)) console.error(line); }
  const o = result.outcomes;
  console.log(
    `${out}: ${
      o.ok + o.no_reasoning + o.truncated + o.failed
    } of ${result.total} samples recorded (${result.generated} new): ${o.ok} ok, ${o.no_reasoning} without visible reasoning, ${o.truncated} truncated, ${o.failed} failed`,
  );
  if (o.truncated > 0) {
    console.error(
      `note: ${o.truncated} sample(s) were cut by the length limit (finish_reason "length"); they count as not passing and are not judged`,
    );
  }
  if (o.failed > 0) {
    console.error(
      `note: ${o.failed} sample(s) were refused for good by the provider; they count as not passing; --retry-failed asks them again`,
    );
  }
  if (result.errors > 0) {
    console.error(
      `error: ${result.errors} sample(s) failed after retries${
        batch ? " and batch rounds" : ""
      }; run the same command again to retry them`,
    );
    return 1;
  }
  return 0;
}

// A new or empty folder starts a run, a run folder resumes; any other folder is refused.
async function _outFolderState(out: string): Promise<"new" | "run"> {
  try {
    return await runFolderState(out);
  } catch (err) {
    if (!(err instanceof ForeignFolderError)) throw err;
    throw new UsageError(
      `bsa run: --out ${out}: ${err.message}; give a new or empty folder, or a run folder to resume it`,
    );
  }
}
