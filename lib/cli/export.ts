import { checkOutputFlag } from "./_output.ts";
import { loadDataset } from "../dataset/load.ts";
import type { Dataset } from "../dataset/load.ts";
import { UsageError } from "../errors.ts";
import { readRunRecords, runFolders } from "../store/mod.ts";
import { inspectLogOfRun } from "../interop/inspect_export.ts";
import { writeInspectLog } from "../interop/inspect_files.ts";
import { runSystemPrompt } from "../interop/system_prompt.ts";
import { roundHalfEven } from "../metrics/round.ts";
import { LIMITS, numberFlag, parseFlags, subcommandName } from "./_flags.ts";
import { printWarnings } from "./_print.ts";

/**
 * The text `bsa export --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportCommand, HELP } from "./export.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await exportCommand(["inspect", "--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa export inspect --run DIR [--run DIR ...] --out FILE.json|FILE.eval|DIR [options]

Write judged runs as inspect_ai eval logs, to open in 'inspect view' or load with
inspect_ai.analysis (evals_df, samples_df). One sample per question and sample
(epoch = sample + 1): the question (after the system prompt, if any), the answer with
its reasoning as reasoning content, the judge's verdicts as the scores bsa_answer and
bsa_reasoning, and the BSA metrics of 'bsa score --ci' as the log's results.
  --run DIR            a judged run folder, or a folder of runs (repeatable)
  --out PATH           FILE.json or FILE.eval for one run; for several runs a folder
                       (as 'inspect view' reads), one log per run named after its folder
  --format json|eval   the format of the logs written into a folder (default eval)
  --judge NAME         a labelled judge's verdicts (judgments-NAME.jsonl)
  --dataset PATH       the dataset the runs were generated from (default: BSA_DATASET,
                       else the run's own source); its checksum must be the run's
  --system-prompt FILE the run's system prompt file, when it is no longer where the
                       run read it (its checksum must be the run's)
  --prompts DIR        the folder of the safety rules (default: BSA_PROMPTS_DIR or the
                       pinned download), for runs generated with --safety-rules
  --level L, --bootstrap B, --seed S
                       the intervals, as 'bsa score --ci' takes them (0.95, 2000, 0)
  --force              replace a log file that exists`;

/**
 * `bsa export inspect`.
 *
 * @param args The arguments after `bsa export`.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), an output file that exists, a run that cannot be exported.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportCommand } from "./export.ts";
 * await assert.rejects(exportCommand(["inspect"]), /--run DIR/);
 * await assert.rejects(exportCommand(["csv", "--run", "r"]), /expected the format 'inspect'/);
 * ```
 */
export async function exportCommand(args: string[]): Promise<number> {
  const name = subcommandName("export", args, "inspect");
  const { values, positionals } = parseFlags(name, args, {
    run: { type: "string", multiple: true },
    out: { type: "string" },
    format: { type: "string" },
    judge: { type: "string" },
    dataset: { type: "string" },
    "system-prompt": { type: "string" },
    prompts: { type: "string" },
    level: { type: "string" },
    bootstrap: { type: "string" },
    seed: { type: "string" },
    force: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) return (console.log(HELP), 0);
  if (positionals[0] !== "inspect" || positionals.length > 1) {
    throw new UsageError(`bsa export: expected the format 'inspect', got ${JSON.stringify(positionals.join(" "))}`);
  }
  const given = (values.run as string[] | undefined) ?? [];
  const out = values.out as string | undefined;
  if (!given.length || !out) throw new UsageError(`bsa ${name}: give --run DIR (repeatable) and --out FILE or DIR`);
  const format = (values.format as string | undefined) ?? "eval";
  if (format !== "eval" && format !== "json") throw new UsageError(`bsa ${name}: --format must be eval or json`);
  const runs = await runFolders(given);
  if (!runs.length) throw new UsageError(`bsa ${name}: --run ${given.join(", ")}: no run folder there`);
  const file = /\.(json|eval)$/.test(out);
  if (!file && (await Deno.stat(out).then((st) => st.isFile, () => false))) {
    throw new UsageError(
      `bsa ${name}: --out ${out} is a file that is neither .json nor .eval: give FILE.json, FILE.eval or a folder for the logs`,
    );
  }
  if (file && runs.length > 1) {
    throw new UsageError(
      `bsa ${name}: --out ${out} is one file but ${runs.length} runs were given: give a folder, one log per run`,
    );
  }
  if (file && values.format !== undefined && !out.endsWith(`.${format}`)) {
    throw new UsageError(`bsa ${name}: --format ${format} disagrees with --out ${out}`);
  }
  const targets = file ? [out] : _logNames(runs).map((n) => `${out.replace(/\/+$/, "")}/${n}.${format}`);
  if (!file) await checkOutputFlag(name, "out", out, { folder: true });
  for (const t of targets) {
    // A log in a folder not made yet is new; an existing one is replaced only with --force.
    const inNewFolder = !file && !(await Deno.stat(out).then(() => true, () => false));
    if (!inNewFolder) await checkOutputFlag(name, "out", t, { force: values.force === true });
  }
  const ci = {
    level: numberFlag(name, values, "level", { min: 0.5, max: 0.999, default: 0.95 }),
    replicates: numberFlag(name, values, "bootstrap", {
      integer: true,
      min: 100,
      max: LIMITS.replicates,
      default: 2000,
    }),
    seed: numberFlag(name, values, "seed", { integer: true, min: -LIMITS.seed, max: LIMITS.seed, default: 0 }),
  };
  if (!file) await Deno.mkdir(out, { recursive: true });
  const datasets = new Map<string, Dataset>();
  for (const [i, run] of runs.entries()) {
    const { manifest } = await readRunRecords(run, values.judge as string | undefined);
    const path = (values.dataset as string | undefined) ?? Deno.env.get("BSA_DATASET") ?? manifest.dataset.source;
    if (!datasets.has(path)) datasets.set(path, await loadDataset({ path }));
    const systemPrompt = await runSystemPrompt(manifest, {
      file: values["system-prompt"] as string | undefined,
      promptsDir: values.prompts as string | undefined,
    });
    const { log, warnings } = await inspectLogOfRun(run, {
      dataset: datasets.get(path)!,
      judge: values.judge as string | undefined,
      systemPrompt,
      ci,
    });
    const target = targets[i];
    await writeInspectLog(target, log);
    printWarnings(warnings.map((w) => `${run}: ${w}`));
    const metrics = log.results!.scores[0].metrics;
    const shown = ["Safe@1", "Safe@k", "Think@1", "Think@k", "F-score"].filter((m) => metrics[m])
      .map((m) => `${m} ${roundHalfEven(metrics[m].value, 2)}`).join(", ");
    console.log(`${target}: ${log.samples!.length} samples of ${run} (k=${manifest.k}); ${shown}`);
  }
  return 0;
}

// One log name per run: its folder's name, made unique with its parent's when two share one.
function _logNames(runs: string[]): string[] {
  const base = (r: string) => r.replace(/\/+$/, "").split("/").at(-1) || "run";
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(base(r), (counts.get(base(r)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const b = base(r);
    if (counts.get(b) === 1) return b;
    const n = (seen.get(b) ?? 0) + 1;
    seen.set(b, n);
    return `${b}-${n}`;
  });
}
