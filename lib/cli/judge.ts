import { stderrProgress } from "./_print.ts";
import { judge } from "../pipeline/judge.ts";
import { JudgeCache } from "../pipeline/judge_cache.ts";
import { loadRunDataset } from "../pipeline/run_dataset.ts";
import { readManifest } from "../store/mod.ts";
import { loadJudgePrompts } from "../pipeline/prompts.ts";
import { safeHost } from "../pipeline/client.ts";
import { BATCH_FLAGS, BATCH_HELP, batchModeFromFlags, describeBatch } from "./_batch.ts";
import { clientFromFlags, ENDPOINT_FLAGS, ENDPOINT_HELP } from "./_endpoint.ts";
import { checkBatchFileFlag, refuseOwnedBodyKeys } from "./_output.ts";
import { refuseBatchInFlight } from "../pipeline/batch/state.ts";
import { jsonObjectFlag, LIMITS, listFlag, numberFlag, parseFlags, requireString } from "./_flags.ts";

/**
 * The text `bsa judge --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, judgeCommand } from "./judge.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await judgeCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa judge --run DIR --judge-base-url URL --judge-model NAME [options]

Judge every generated sample of a run that has no judgment yet (resumable).
  --concurrency N       samples judged at once (default 16); each sends its answer and
                        reasoning calls together, so up to 2N requests are in flight
  --prompts DIR         judge prompt files (default: BSA_PROMPTS_DIR or the upstream files, pinned)
  --dataset PATH        the dataset the run was generated from (default: the run's own source)
  --temperature T       judge temperature (default 0); --top-p P, --max-tokens N, --seed S,
  --extra-body JSON     more request fields (not model, messages, n or stream: bsa sets
                        those); all of these, the model, the endpoint and the
                        prompt files make the judge's identity: a judgments file is resumed
                        only by the same judge, and the cache answers only for it
  --no-cache            no reuse at all: every verdict is asked (the cache is neither read nor written)
  --retry-failed        ask again the samples the judge's provider refused (recorded as failed)
  --retry-invalid       ask again the samples recorded with an invalid verdict
  --label NAME          keep this judge's verdicts apart (judgments-NAME.jsonl), e.g. a second
                        judge for 'bsa agreement'; score and compare read them with --judge NAME
  --api-key-env NAME    the variable holding the judge's API key (default OPENAI_API_KEY)
${ENDPOINT_HELP}
${BATCH_HELP}
                        With --batch-file, --judge-base-url is optional; it is part of the
                        judge's identity (give the one the results will come from).`;

/**
 * `bsa judge`.
 *
 * @param args The flags after `bsa judge`.
 * @returns The exit code: 0, or 1 when samples could not be judged.
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), a run of another dataset, an unreachable judge, a run locked by another judge.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgeCommand } from "./judge.ts";
 * import { ingestCommand } from "./ingest.ts";
 * import { runCommand } from "./run.ts";
 * const dir = await Deno.makeTempDir();
 * // Two generations, recorded from a batch; then the judge's requests for them, written to a file (no endpoint needed).
 * await runCommand(["--model", "m", "--k", "1", "--limit", "2", "--out", `${dir}/run`, "--batch-file", `${dir}/gen.jsonl`]);
 * const gen = (await Deno.readTextFile(`${dir}/gen.jsonl`)).trim().split("\n").map((l) => JSON.parse(l));
 * const body = { choices: [{ message: { role: "assistant", content: "<think>r</think>a" }, finish_reason: "stop" }] };
 * await Deno.writeTextFile(`${dir}/out.jsonl`, gen.map((r) => JSON.stringify({ custom_id: r.custom_id, response: { status_code: 200, body } })).join("\n"));
 * await ingestCommand(["--run", `${dir}/run`, `${dir}/out.jsonl`]);
 * const code = await judgeCommand(["--run", `${dir}/run`, "--judge-model", "j", "--no-cache", "--batch-file", `${dir}/judge.jsonl`]);
 * const requests = (await Deno.readTextFile(`${dir}/judge.jsonl`)).trim().split("\n");
 * assert(code === 0 && requests.length === 4); // an answer and a reasoning request per sample
 * ```
 */
export async function judgeCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("judge", args, {
    run: { type: "string" },
    "judge-base-url": { type: "string", multiple: true },
    "judge-model": { type: "string" },
    concurrency: { type: "string" },
    prompts: { type: "string" },
    dataset: { type: "string" },
    temperature: { type: "string" },
    "top-p": { type: "string" },
    "max-tokens": { type: "string" },
    seed: { type: "string" },
    "extra-body": { type: "string" },
    "no-cache": { type: "boolean" },
    "retry-failed": { type: "boolean" },
    "retry-invalid": { type: "boolean" },
    label: { type: "string" },
    quiet: { type: "boolean" },
    ...ENDPOINT_FLAGS,
    ...BATCH_FLAGS,
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const run = requireString("judge", values, "run");
  const judgeModel = requireString("judge", values, "judge-model");
  // Every flag is checked before anything is read or printed.
  const extraBody = jsonObjectFlag("judge", values, "extra-body");
  refuseOwnedBodyKeys("judge", "extra-body", extraBody);
  const params = {
    temperature: numberFlag("judge", values, "temperature", { min: 0, max: LIMITS.temperature, default: 0 }),
    top_p: numberFlag("judge", values, "top-p", { min: 0, max: 1 }),
    max_tokens: numberFlag("judge", values, "max-tokens", { integer: true, min: 1, max: LIMITS.tokens }),
    seed: numberFlag("judge", values, "seed", { integer: true, min: -LIMITS.seed, max: LIMITS.seed }),
    ...(extraBody && { extra_body: extraBody }),
  };
  const concurrency = numberFlag("judge", values, "concurrency", {
    integer: true,
    min: 1,
    max: LIMITS.concurrency,
    default: 16,
  })!;
  const batch = batchModeFromFlags("judge", values, "judge-");
  const client = batch?.mode === "file" ? null : clientFromFlags("judge", values, "judge-");
  const manifest = await readManifest(run);
  if (batch?.mode === "file") await checkBatchFileFlag("judge", run, batch.path, batch.force === true);
  if (batch?.mode !== "live") await refuseBatchInFlight(run, values.label ? `judge-${values.label}` : "judge");
  const dataset = await loadRunDataset(manifest, values.dataset as string | undefined);
  const prompts = await loadJudgePrompts({ dir: values.prompts as string | undefined });
  const cache = values["no-cache"] ? null : await JudgeCache.open();
  for (const w of cache?.warnings ?? []) console.error(`warning: ${w}; --no-cache judges without the cache`);
  try {
    const r = await judge({
      run,
      client,
      endpoints: listFlag(values, "judge-base-url").map(safeHost),
      batch,
      judgeModel,
      prompts,
      dataset,
      cache,
      concurrency,
      params,
      progress: stderrProgress(!!values.quiet),
      log: (line) => console.error(line),
      label: values.label as string | undefined,
      retryFailed: !!values["retry-failed"],
      retryInvalid: !!values["retry-invalid"],
    });
    for (const w of r.warnings) console.error(`warning: ${w}`);
    if (r.batch) {
      for (
        const line of describeBatch(r.batch, `bsa ingest --run ${run}${values.label ? ` --label ${values.label}` : ""}`)
      ) console.error(line);
    }
    console.log(
      `${run}: ${
        r.alreadyDone + r.judged
      } of ${r.total} samples judged (${r.judged} new, ${r.cached} verdicts from the cache, ${r.invalid} with an invalid verdict, ${r.failed} refused by the judge's provider, ${r.sentinels} failed or truncated generations recorded without a judge call)`,
    );
    if (r.unseen > 0 || r.generating) {
      console.error(
        `note: the run is still generating${
          r.unseen > 0
            ? `: ${r.unseen} generated sample(s) came after this judge read the run and are not judged yet`
            : ""
        }; the judge is not marked finished: run the same command again once the run is done`,
      );
    }
    if (values.label && r.cached > 0) {
      // A label is often a second reading for agreement: cached verdicts repeat an earlier reply.
      console.error(
        `note: ${r.cached} verdict(s) came from the judge cache: this judge (model, endpoint, prompts) answered the same inputs before, so they repeat its earlier replies and agree with them by construction; for an independent second reading use --no-cache`,
      );
    }
    if (r.invalid > 0) console.error(`note: --retry-invalid asks the samples with an invalid verdict again`);
    if (r.failed > 0) console.error(`note: --retry-failed asks the samples the judge's provider refused again`);
    if (r.errors > 0) {
      console.error(`error: ${r.errors} sample(s) could not be judged; run the same command again to retry them`);
      return 1;
    }
    return 0;
  } finally {
    await cache?.close();
  }
}
