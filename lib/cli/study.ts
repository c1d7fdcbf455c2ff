import { loadDataset } from "../dataset/load.ts";
import { UsageError } from "../errors.ts";
import { scoreRuns } from "../analysis/score_runs.ts";
import { readPrices } from "../pipeline/estimate.ts";
import { estimateStudy, loadStudy, runStudy, studyProgress } from "../pipeline/run_study.ts";
import { ENDPOINT_HELP, endpointConfig } from "./_endpoint.ts";
import { listFlag, parseFlags } from "./_flags.ts";
import { formatRows, stderrProgress } from "./_print.ts";
import { printReport } from "./score.ts";

/**
 * The text `bsa study --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, studyCommand } from "./study.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await studyCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa study FILE [--dry-run | --estimate] [options]

Expand a study file (models × conditions × decoding grid) into runs, generate and
judge each one (runs already complete are skipped, partial ones resumed), then
score them all in one table tagged with their condition columns.
  --dry-run               list the runs, how far each has got and its pending batches
  --estimate              requests, tokens and cost of the runs still to do (--prices FILE)
  --base-url URL          override the study's endpoint (repeatable for replicas)
  --judge-base-url URL, --judge-model NAME   override the study's judge
  --skip-judge            generate only
  --dataset PATH, --prompts DIR, --json
  (API keys come from the variables the study's endpoint.api_key_env and judge.api_key_env name, else OPENAI_API_KEY)
${ENDPOINT_HELP}`;

/**
 * `bsa study`.
 *
 * @param args The study file and flags.
 * @returns The exit code: 0, or 1 when requests failed after retries or runs were left to another process writing them.
 * @throws {BsaError} A bad flag or study file ({@linkcode UsageError}), or a run's failure.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studyCommand } from "./study.ts";
 * const dir = await Deno.makeTempDir();
 * const study = {
 *   name: "rules", k: 1, out: `${dir}/runs`,
 *   endpoint: { base_url: ["http://127.0.0.1:9/v1"] }, judge: { base_url: ["http://127.0.0.1:9/v1"], model: "j" },
 *   models: [{ model: "m" }], conditions: [{ tags: { c: "base" } }, { tags: { c: "rules" }, safety_rules: true }],
 * };
 * await Deno.writeTextFile(`${dir}/study.json`, JSON.stringify(study));
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * const code = await studyCommand([`${dir}/study.json`, "--dry-run", "--json"]).finally(() => (console.log = log));
 * const runs = JSON.parse(printed[0]) as { run: string; c: string; status: string }[];
 * assert(code === 0 && runs.map((r) => `${r.c}:${r.status}`).join(" ") === "base:new rules:new");
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
    backoff: { type: "string" },
    quiet: { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) return (console.log(HELP), 0);
  if (positionals.length !== 1) throw new UsageError(`bsa study: expected one study file\n${HELP}`);
  const file = positionals[0];
  const study = await loadStudy(file);
  if (values["dry-run"]) {
    const table = await studyProgress(study);
    console.log(values.json ? JSON.stringify(table, null, 2) : formatRows(table));
    return 0;
  }
  const dataset = await loadDataset({ path: values.dataset as string | undefined });
  if (values.estimate) {
    const table = await estimateStudy(study, dataset, {
      prices: values.prices ? await readPrices(values.prices as string) : undefined,
      promptsDir: values.prompts as string | undefined,
    });
    console.log(values.json ? JSON.stringify(table, null, 2) : formatRows(table));
    return 0;
  }
  const { failed, judged, busy } = await runStudy(study, {
    dataset,
    source: file,
    baseUrls: listFlag(values, "base-url"),
    judgeBaseUrls: listFlag(values, "judge-base-url"),
    judgeModel: values["judge-model"] as string | undefined,
    promptsDir: values.prompts as string | undefined,
    endpoint: endpointConfig("study", values),
    log: (line) => console.error(line),
    skipJudge: !!values["skip-judge"],
    progress: stderrProgress(!!values.quiet),
  });
  if (!values["skip-judge"] && judged.length) {
    printReport(await scoreRuns(judged), {
      json: !!values.json,
      details: false,
    });
  }
  if (busy.length) {
    console.error(
      `note: ${busy.length} run(s) were being written by another bsa process and were left to it: ${
        busy.join(", ")
      }; run the same command again once it has finished`,
    );
  }
  if (failed) {
    console.error(`error: ${failed} request(s) failed after retries; run the same command again to retry them`);
    return 1;
  }
  return busy.length ? 1 : 0;
}
