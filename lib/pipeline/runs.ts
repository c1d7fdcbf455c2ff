import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { BsaError } from "../errors.ts";
import type { JudgmentRecord } from "./judge.ts";
import { readJsonl } from "./jsonl.ts";
import { readManifest, runFiles, type RunManifest } from "./manifest.ts";

/** Judgments of one or more runs as one table, with each run's tags as columns. */
export interface RunJudgments {
  table: ColumnTable;
  k: number;
  manifests: RunManifest[];
  /** The tag columns (condition columns) found across the runs. */
  tags: string[];
}

/**
 * Read the judgments of run folders into one table:
 * `model, <tags...>, run, id, scenario, sample, answer_verdict, reasoning_verdict`.
 * All runs must share k.
 *
 * @example
 * ```ts ignore
 * import { loadRunJudgments } from "./runs.ts";
 * const { table, k } = await loadRunJudgments(["runs/base", "runs/rules"]);
 * ```
 */
export async function loadRunJudgments(dirs: string[], judge?: string): Promise<RunJudgments> {
  if (!dirs.length) throw new BsaError("no run folder given");
  const manifests: RunManifest[] = [];
  const tags = new Set<string>();
  for (const d of dirs) {
    const m = await readManifest(d);
    manifests.push(m);
    Object.keys(m.tags ?? {}).forEach((t) => tags.add(t));
  }
  const ks = new Set(manifests.map((m) => m.k));
  if (ks.size > 1) throw new BsaError(`runs have different k (${[...ks].join(", ")}); score them separately`);
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
    for await (const r of readJsonl<JudgmentRecord>(runFiles(d, judge).judgments)) {
      cols.model.push(m.model);
      cols.run.push(d);
      cols.id.push(r.id);
      cols.scenario.push(r.scenario);
      cols.sample.push(r.sample);
      cols.answer_verdict.push(r.answer_verdict);
      cols.reasoning_verdict.push(r.reasoning_verdict);
      for (const t of tags) cols[t].push(m.tags?.[t] ?? null);
      n++;
    }
    if (n === 0) {
      throw new BsaError(
        `${runFiles(d, judge).judgments} holds no judgments yet; run 'bsa judge --run ${d}${
          judge ? ` --label ${judge}` : ""
        }' first`,
      );
    }
  }
  return { table: aq.table(cols), k: [...ks][0], manifests, tags: [...tags] };
}
