import { BsaError } from "../errors.ts";
import { expandRunPaths, readManifest } from "../store/mod.ts";
import { questionColumns } from "../stats/bootstrap.ts";
import { type CompareOptions, comparePaired, type Comparison } from "../stats/compare.ts";
import { type AdjustedComparison, adjustFamily } from "../stats/holm.ts";
import { SCENARIOS } from "../dataset/scenarios.ts";
import { METRIC_TABLE } from "../metrics/metric_table.ts";
import { METRICS } from "../metrics/names.ts";
import { scoreRuns } from "./score_runs.ts";

/**
 * Paired comparison of two judged runs on the questions both cover (B − A for every metric).
 * Returns the rows and how many questions were left out because only one run judged them.
 *
 * @param dirA The baseline run folder (A).
 * @param dirB The other run folder (B).
 * @param o The judge label, and the paired tests' replicates, permutations, seed and level.
 * @returns One row per metric (B − A, interval, p, Holm-adjusted `p_adj` across the metrics), the questions
 *   compared and left out, and the warnings to show (scoring's, questions left out, metrics not compared).
 * @throws {BsaError} A run cannot be read, or the two runs have no judged question in common.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { compareRuns } from "./compare_runs.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
 * const { rows, compared, leftOut } = await compareRuns(await judgedRun("m", 5), await judgedRun("m", 9), { seed: 1 });
 * const safe1 = rows.find((r) => r.metric === "Safe@1")!;
 * assert(compared === 10 && leftOut === 0 && safe1.a === 50 && safe1.b === 90 && safe1.diff === 40);
 * assert(safe1.p_adj >= safe1.p && rows.find((r) => r.metric === "RO@1")!.n === 10);
 * ```
 */
export async function compareRuns(
  dirA: string,
  dirB: string,
  o: CompareOptions & { judge?: string } = {},
): Promise<RunComparison> {
  const c = await _comparePair(dirA, dirB, o);
  return { ...c, rows: adjustFamily(c.rows, "holm").rows };
}

/** What {@linkcode compareRuns} returns. */
export interface RunComparison {
  /** One row per metric both runs give (B − A), Holm-adjusted across the metrics (`p_adj`). */
  rows: AdjustedComparison[];
  /** Questions both runs judged (the ones compared). */
  compared: number;
  /** Questions judged by only one of the runs, left out. */
  leftOut: number;
  /**
   * For the caller to show: each run's scoring warnings (as `bsa score` gives them), the
   * questions left out, and every metric not compared with why.
   */
  warnings: string[];
}

// The unadjusted comparison of one pair of runs: one Holm family is formed by the caller.
async function _comparePair(
  dirA: string,
  dirB: string,
  o: CompareOptions & { judge?: string },
): Promise<Omit<RunComparison, "rows"> & { rows: Comparison[] }> {
  // Each run's per-question table as `bsa score` builds it (the one scoring path).
  const [a, b] = await Promise.all([scoreRuns([dirA], { judge: o.judge }), scoreRuns([dirB], { judge: o.judge })]);
  const [ka, kb] = [a.manifests[0].k, b.manifests[0].k];
  if (ka !== kb) throw new BsaError(`the runs have different k (${ka} and ${kb})`);
  const qa = a.questionTable, qb = b.questionTable;
  const inB = new Set(qb.array("id") as string[]);
  const ids = (qa.array("id") as string[]).filter((id) => inB.has(id)).sort();
  if (!ids.length) throw new BsaError(`${dirA} and ${dirB} share no judged question`);
  const pos = (t: typeof qa) => {
    const m = new Map((t.array("id") as string[]).map((id, i) => [id, i]));
    return ids.map((id) => m.get(id)!);
  };
  const ca = questionColumns(qa, pos(qa)), cb = questionColumns(qb, pos(qb));
  const rows = comparePaired(ca, cb, o);
  const leftOut = qa.numRows() + qb.numRows() - 2 * ids.length;
  const warnings = [
    ...a.warnings.map((w) => `A (${dirA}): ${w}`),
    ...b.warnings.map((w) => `B (${dirB}): ${w}`),
    ...(leftOut ? [`${leftOut} question(s) judged in only one run are left out; ${ids.length} compared`] : []),
  ];
  const given = new Set(rows.map((r) => r.metric));
  const codes = new Set(ca.code);
  const absent = METRICS.filter((m) => !given.has(m)).map((m) => {
    const def = METRIC_TABLE[m];
    const lacking = SCENARIOS.filter((sc) => !codes.has(sc.code)).map((sc) => sc.code);
    return `${m} (${
      def.scenario ? `no ${def.scenario} question` : `no ${lacking.join("/")} question; Think weights every scenario`
    })`;
  });
  if (absent.length) {
    warnings.push(`not compared, for want of questions both runs judged: ${absent.join(", ")}`);
  }
  return { rows, compared: ids.length, leftOut, warnings };
}

/** Paired comparisons of two conditions across a study's runs, with what was left out. */
export interface ConditionComparison {
  /** One row per pair and metric (B − A), Holm-adjusted across the whole study. */
  rows: (AdjustedComparison & { pair: string })[];
  /** Runs without a partner, questions judged by only one run of a pair: for the caller to show. */
  warnings: string[];
}

/**
 * Compare two conditions across a study's runs: runs are paired by `pairBy` (a tag such as
 * `paper_model`, or `model`) and split by the tag `tag` (e.g. condition = base vs rules).
 * All comparisons of the study are Holm-adjusted together. A run without a partner, and the
 * questions only one run of a pair judged, are left out with a counted warning.
 *
 * @param dirs Run folders, or folders holding run folders.
 * @param o The tag that splits the runs, its two values `a` (baseline) and `b`, the pairing
 *   column, and the options of the paired tests.
 * @returns The comparison rows and warnings.
 * @throws {BsaError} Two runs share one condition of one pair (the pairing would be a guess),
 *   or no pair has both conditions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { compareConditions } from "./compare_runs.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
 * const runs = [
 *   await judgedRun("x", 4, { condition: "base" }), await judgedRun("x", 8, { condition: "rules" }),
 *   await judgedRun("y", 6, { condition: "base" }), await judgedRun("y", 6, { condition: "rules" }),
 * ];
 * const { rows, warnings } = await compareConditions(runs, { tag: "condition", a: "base", b: "rules", pairBy: "model" });
 * const safe1 = rows.filter((r) => r.metric === "Safe@1").map((r) => [r.pair, r.diff]);
 * assert.deepEqual(safe1, [["x", 40], ["y", 0]]);
 * assert(rows.every((r) => r.p_adj >= r.p)); // one Holm family across both pairs
 * assert(warnings.some((w) => w.startsWith("model=x: not compared") && w.includes("OS@1 (no OS question)")));
 * ```
 */
export async function compareConditions(
  dirs: string[],
  o: { tag: string; a: string | number | boolean; b: string | number | boolean; pairBy?: string } & CompareOptions,
): Promise<ConditionComparison> {
  const pairBy = o.pairBy ?? "paper_model";
  const expanded = await expandRunPaths(dirs);
  const runs = await Promise.all(expanded.map(async (d) => ({ dir: d, m: await readManifest(d) })));
  const key = (r: (typeof runs)[number]) => String(pairBy === "model" ? r.m.model : r.m.tags?.[pairBy] ?? r.m.model);
  const pairs = new Map<string, { a: string[]; b: string[] }>();
  for (const r of runs) {
    const v = String(r.m.tags?.[o.tag]);
    const p = pairs.get(key(r)) ?? { a: [], b: [] };
    if (v === String(o.a)) p.a.push(r.dir);
    if (v === String(o.b)) p.b.push(r.dir);
    pairs.set(key(r), p);
  }
  const warnings: string[] = [];
  const out: (Comparison & { pair: string })[] = [];
  for (const [pair, p] of pairs) {
    for (const [side, value] of [["a", o.a], ["b", o.b]] as const) {
      if (p[side].length > 1) {
        throw new BsaError(
          `${p[side].length} runs have ${o.tag}=${value} for ${pairBy}=${pair} (${p[side].join(", ")}): ` +
            `a paired comparison needs one run per condition; leave the repeats out, or tag them apart and pair by that tag`,
        );
      }
    }
    if (!p.a.length || !p.b.length) {
      const [has, lacks] = p.a.length ? [o.a, o.b] : [o.b, o.a];
      if (p.a.length || p.b.length) {
        warnings.push(`${pairBy}=${pair}: a run with ${o.tag}=${has} but none with ${o.tag}=${lacks}; not compared`);
      }
      continue;
    }
    const c = await _comparePair(p.a[0], p.b[0], o);
    for (const w of c.warnings) warnings.push(`${pairBy}=${pair}: ${w}`);
    for (const row of c.rows) out.push({ ...row, pair });
  }
  if (!out.length) {
    throw new BsaError(`no pair of runs with ${o.tag}=${o.a} and ${o.tag}=${o.b} for the same ${pairBy}`);
  }
  return { rows: adjustFamily(out, "holm").rows, warnings };
}
