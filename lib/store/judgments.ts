/**
 * Reading the judgments of run folders: newest record per sample, verdicts through the one
 * normaliser (lib/metrics/verdicts.ts).
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { BsaError, NoJudgmentsError } from "../errors.ts";
import { normalizeVerdict } from "../metrics/verdicts.ts";
import type { JudgmentRecord } from "./records.ts";
import { readLatest, sampleKey } from "./jsonl.ts";
import { judgeLabel, runFiles } from "./files.ts";
import { sampleKeys } from "./samples.ts";
import { readManifest, type RunManifest } from "./manifest.ts";

/**
 * The error for a run folder whose judgments file (of `judge`, a label) holds nothing yet:
 * every reader of judgments says it the same way (the CLI adds what to run).
 *
 * @param dir The run folder.
 * @param judge The judge's label; none for the default judge.
 * @returns The error, naming the judgments file and carrying the folder and label.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noJudgmentsError } from "./judgments.ts";
 * const e = noJudgmentsError("runs/a", "second");
 * assert(e.message === "runs/a/judgments-second.jsonl holds no judgments yet: runs/a is not judged by judge second");
 * assert(e.run === "runs/a" && e.judge === "second");
 * ```
 */
export function noJudgmentsError(dir: string, judge?: string): NoJudgmentsError {
  const label = judgeLabel(judge);
  return new NoJudgmentsError(dir, runFiles(dir, label).judgments, label);
}

/** Judgments of one or more runs as one table, with each run's tags as columns. */
export interface RunJudgments {
  table: ColumnTable;
  k: number;
  manifests: RunManifest[];
  /** The tag columns (condition columns) found across the runs. */
  tags: string[];
  /** Things a reader should know (a cut-short last line skipped). */
  warnings: string[];
}

/**
 * Read the judgments of run folders into one table:
 * `model, <tags...>, run, id, scenario, sample, answer_verdict, reasoning_verdict`.
 * Verdicts go through the one normaliser (`**Safe**` reads as `Safe`; anything off the rubric
 * as `invalid`). All runs must share k. When a sample has several records (a `--retry-failed` or
 * `--retry-invalid` appended a newer one), the last one wins.
 *
 * @param dirs Run folders, or folders holding run folders.
 * @param judge A judge's label (default: the default judge).
 * @returns The judgments table, k, the manifests and the tag columns.
 * @throws {BsaError} No folder given, a folder that is not a run, runs with different k.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "./example_run.ts";
 * import { loadRunJudgments } from "./judgments.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
 * const dir = await judgedRun("m", 3, { condition: "rules" });
 * // A retry appended a newer record for q9: the last one wins.
 * const retry = { id: "q9", sample: 0, scenario: "Risk Omission", answer_verdict: "**Safe**", reasoning_verdict: "True" };
 * await Deno.writeTextFile(`${dir}/judgments.jsonl`, JSON.stringify(retry) + "\n", { append: true });
 * const { table, k, tags } = await loadRunJudgments([dir]);
 * assert(k === 1 && table.numRows() === 10 && tags.includes("condition"));
 * const safe = table.filter((d: { answer_verdict: string }) => d.answer_verdict === "Safe").array("id");
 * assert.deepEqual(safe, ["q0", "q1", "q2", "q9"]); // `**Safe**` normalised
 * ```
 */
export async function loadRunJudgments(dirs: string[], judge?: string): Promise<RunJudgments> {
  if (!dirs.length) throw new BsaError("no run folder given");
  const manifests: RunManifest[] = [];
  const tags = new Set<string>();
  const warnings: string[] = [];
  for (const d of dirs) {
    const m = await readManifest(d, { warnings });
    manifests.push(m);
    Object.keys(m.tags ?? {}).forEach((t) => tags.add(t));
  }
  const ks = new Set(manifests.map((m) => m.k));
  if (ks.size > 1) {
    // Every score counts over one fixed k: runs of different k are scored apart, never pooled.
    throw new BsaError(
      `runs have different k (${dirs.map((d, i) => `${d}: k=${manifests[i].k}`).join(", ")}); score them separately`,
    );
  }
  const cols: Record<string, unknown[]> = {
    model: [],
    run: [],
    id: [],
    scenario: [],
    sample: [],
    answer_verdict: [],
    reasoning_verdict: [],
  };
  for (const t of tags) cols[t] = [];
  for (const [i, d] of dirs.entries()) {
    const m = manifests[i];
    let n = 0;
    const judged = new Set<string>();
    for await (const r of readLatest<JudgmentRecord>(runFiles(d, judge).judgments, { warnings })) {
      judged.add(sampleKey(r));
      cols.model.push(m.model);
      cols.run.push(d);
      cols.id.push(r.id);
      cols.scenario.push(r.scenario);
      cols.sample.push(r.sample);
      cols.answer_verdict.push(normalizeVerdict(r.answer_verdict, "answer"));
      cols.reasoning_verdict.push(normalizeVerdict(r.reasoning_verdict, r.scenario));
      for (const t of tags) cols[t].push(m.tags?.[t] ?? null);
      n++;
    }
    if (!judgeLabel(judge) && await Deno.stat(`${d}/judgments-default.jsonl`).then(() => true, () => false)) {
      // Older versions wrote `--label default` there; `default` is judgments.jsonl now.
      warnings.push(
        `${d}/judgments-default.jsonl (written by an older version for the label default) is not read: the default judge is judgments.jsonl; rename the file to judgments-NAME.jsonl, and its manifest entry under "judges" to NAME, to read it as judge NAME`,
      );
    }
    if (n === 0) throw noJudgmentsError(d, judge);
    // Generated samples without a judgment (a judge still running, or one started before the
    // run was done) are not in any denominator: said with their count.
    let missing = 0;
    for (const k of await sampleKeys(runFiles(d).generations)) if (!judged.has(k)) missing++;
    if (missing) {
      warnings.push(
        `${d}: ${missing} generated sample(s) are not judged yet${
          judgeLabel(judge) ? ` by judge ${judge}` : ""
        }; the scores cover the ${n} judged (judge the run again to include them)`,
      );
    }
  }
  return { table: aq.table(cols), k: [...ks][0], manifests, tags: [...tags], warnings };
}
