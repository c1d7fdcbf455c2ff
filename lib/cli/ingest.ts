import { stderrProgress } from "./_print.ts";
import { loadDataset } from "../dataset/load.ts";
import { UsageError } from "../errors.ts";
import { ingestResults } from "../pipeline/batch/ingest.ts";
import { JudgeCache } from "../pipeline/judge_cache.ts";
import { readManifest } from "../store/mod.ts";
import { loadJudgePrompts } from "../pipeline/prompts.ts";
import { parseFlags, requireString } from "./_flags.ts";

/**
 * The text `bsa ingest --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, ingestCommand } from "./ingest.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await ingestCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa ingest --run DIR FILE [options]

Read a batch result file into the run folder DIR: the output (or error) file of an OpenAI
batch, or what 'vllm run-batch' writes, for requests written by 'bsa run --batch-file' or
'bsa judge --batch-file'. The records are those a direct run or judge writes; lines of
samples already recorded are duplicates (reading a file twice changes nothing). Lines that
failed are not recorded: write the request file again (it holds only what is missing).
Every line is counted: recorded, failed, without a verdict, duplicate, unknown id, cut
short. A file of another run, of another judge of the run, answered by another model, or a
request file given as a result is refused (naming the file and line) and nothing is recorded.
  --run DIR             the run folder the requests were written for
  --label NAME          the judge's label, for judge replies (as given to 'bsa judge')
  --prompts DIR         the judge prompt files (default: BSA_PROMPTS_DIR or the pinned download)
  --dataset PATH        the dataset (default: BSA_DATASET, else the run's own source)
  --no-cache            do not store the judge's verdicts in the verdict cache
  --quiet               no progress display`;

/**
 * `bsa ingest`.
 *
 * @param args `--run DIR`, the result file, and options.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), or a result file with no line bsa wrote the request for.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCommand } from "./run.ts";
 * import { ingestCommand } from "./ingest.ts";
 * const dir = await Deno.makeTempDir();
 * // Write the requests of two questions (no endpoint needed), answer them as a batch would, read the answers in.
 * await runCommand(["--model", "m", "--k", "1", "--limit", "2", "--out", `${dir}/run`, "--batch-file", `${dir}/requests.jsonl`]);
 * const requests = (await Deno.readTextFile(`${dir}/requests.jsonl`)).trim().split("\n").map((l) => JSON.parse(l));
 * const message = { role: "assistant", content: "<think>It insults.</think>Please be kind." };
 * const body = { choices: [{ message, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 3 } };
 * const results = requests.map((r) => JSON.stringify({ custom_id: r.custom_id, response: { status_code: 200, body } }));
 * await Deno.writeTextFile(`${dir}/results.jsonl`, results.join("\n") + "\n");
 * assert(await ingestCommand(["--run", `${dir}/run`, `${dir}/results.jsonl`]) === 0);
 * const [first] = (await Deno.readTextFile(`${dir}/run/generations.jsonl`)).trim().split("\n").map((l) => JSON.parse(l));
 * assert(first.answer === "Please be kind." && first.reasoning === "It insults." && first.outcome === "ok");
 * ```
 */
export async function ingestCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags("ingest", args, {
    run: { type: "string" },
    label: { type: "string" },
    prompts: { type: "string" },
    dataset: { type: "string" },
    "no-cache": { type: "boolean" },
    quiet: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) return (console.log(HELP), 0);
  const run = requireString("ingest", values, "run");
  if (positionals.length !== 1) throw new UsageError("bsa ingest: give exactly one result FILE after the flags");
  const manifest = await readManifest(run);
  const dataset = await loadDataset({
    path: (values.dataset as string | undefined) ?? Deno.env.get("BSA_DATASET") ?? manifest.dataset.source,
  });
  const cache = values["no-cache"] ? null : await JudgeCache.open();
  try {
    const r = await ingestResults({
      run,
      file: positionals[0],
      dataset,
      prompts: () => loadJudgePrompts({ dir: values.prompts as string | undefined }),
      label: values.label as string | undefined,
      cache,
      progress: stderrProgress(!!values.quiet),
    });
    const l = r.lines;
    // Every line of the file, counted once.
    console.error(
      `${
        positionals[0]
      }: ${l.total} line(s): ${l.recorded} recorded, ${l.failed} failed (${l.refused} refused for good and recorded as failed, ${
        l.failed - l.refused
      } not recorded: write the request file again to ask them), ${l.invalid} without a verdict, ${l.duplicate} duplicate (already recorded), ${l.unknown} unknown id${
        l.foreign ? ` (${l.foreign} not written by bsa)` : ""
      }, ${l.cut} cut short (not read)`,
    );
    const g = r.generation;
    if (g) {
      const o = g.outcomes;
      console.log(
        `${run}: ${
          o.ok + o.no_reasoning + o.truncated + o.failed
        } of ${g.total} samples recorded: ${o.ok} ok, ${o.no_reasoning} without visible reasoning, ${o.truncated} truncated, ${o.failed} failed`,
      );
    }
    const j = r.judge;
    if (j) {
      console.log(
        `${run}: ${
          j.alreadyDone + j.judged
        } of ${j.total} samples judged (${j.judged} new, ${j.invalid} with an invalid verdict, ${j.failed} refused by the judge's provider)`,
      );
    }
    return 0;
  } finally {
    await cache?.close();
  }
}
