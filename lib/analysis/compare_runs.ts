import { BsaError } from "../errors.ts";
import { questionTable } from "../metrics/score.ts";
import { loadRunJudgments } from "../pipeline/runs.ts";
import { readManifest } from "../pipeline/manifest.ts";
import { questionColumns } from "../stats/bootstrap.ts";
import { type CompareOptions, comparePaired, type Comparison } from "../stats/compare.ts";
import { type AdjustedComparison, adjustHolm } from "../stats/holm.ts";

/**
 * Paired comparison of two judged runs on the questions both cover (B − A for every metric).
 * Returns the rows and how many questions were left out because only one run judged them.
 *
 * @example
 * ```ts ignore
 * const { rows } = await compareRuns("runs/base", "runs/rules", { seed: 0 });
 * ```
 */
export async function compareRuns(
  dirA: string,
  dirB: string,
  o: CompareOptions & { judge?: string } = {},
): Promise<{ rows: Comparison[]; compared: number; leftOut: number }> {
  const [a, b] = await Promise.all([loadRunJudgments([dirA], o.judge), loadRunJudgments([dirB], o.judge)]);
  if (a.k !== b.k) throw new BsaError(`the runs have different k (${a.k} and ${b.k})`);
  const qa = questionTable(a.table, { k: a.k, by: [] });
  const qb = questionTable(b.table, { k: b.k, by: [] });
  const inB = new Set(qb.array("id") as string[]);
  const ids = (qa.array("id") as string[]).filter((id) => inB.has(id)).sort();
  if (!ids.length) throw new BsaError(`${dirA} and ${dirB} share no judged question`);
  const pos = (t: typeof qa) => {
    const m = new Map((t.array("id") as string[]).map((id, i) => [id, i]));
    return ids.map((id) => m.get(id)!);
  };
  return {
    rows: comparePaired(questionColumns(qa, pos(qa)), questionColumns(qb, pos(qb)), o),
    compared: ids.length,
    leftOut: qa.numRows() + qb.numRows() - 2 * ids.length,
  };
}

/**
 * Compare two conditions across a study's runs: runs are paired by `pairBy` (a tag such as
 * `paper_model`, or `model`) and split by the tag `tag` (e.g. condition = base vs rules).
 * All comparisons of the study are Holm-adjusted together.
 *
 * @example
 * ```ts ignore
 * const rows = await compareConditions(["runs/safety-rules"], { tag: "condition", a: "base", b: "rules" });
 * ```
 */
export async function compareConditions(
  dirs: string[],
  o: { tag: string; a: string | number | boolean; b: string | number | boolean; pairBy?: string } & CompareOptions,
): Promise<(AdjustedComparison & { pair: string })[]> {
  const pairBy = o.pairBy ?? "paper_model";
  const runs = await Promise.all(dirs.map(async (d) => ({ dir: d, m: await readManifest(d) })));
  const key = (r: (typeof runs)[number]) => String(pairBy === "model" ? r.m.model : r.m.tags?.[pairBy] ?? r.m.model);
  const pairs = new Map<string, { a?: string; b?: string }>();
  for (const r of runs) {
    const v = r.m.tags?.[o.tag];
    const p = pairs.get(key(r)) ?? {};
    if (String(v) === String(o.a)) p.a = r.dir;
    if (String(v) === String(o.b)) p.b = r.dir;
    pairs.set(key(r), p);
  }
  const out: (Comparison & { pair: string })[] = [];
  for (const [pair, p] of pairs) {
    if (!p.a || !p.b) continue;
    for (const row of (await compareRuns(p.a, p.b, o)).rows) out.push({ ...row, pair });
  }
  if (!out.length) {
    throw new BsaError(`no pair of runs with ${o.tag}=${o.a} and ${o.tag}=${o.b} for the same ${pairBy}`);
  }
  return adjustHolm(out);
}
