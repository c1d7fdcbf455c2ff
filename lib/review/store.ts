import { BsaError } from "../errors.ts";
import { writeAtomic } from "../fs.ts";
import { scoreJudgments } from "../metrics/score.ts";
import { JsonlAppender, readLatest } from "../pipeline/jsonl.ts";
import type { JudgmentRecord } from "../pipeline/judge.ts";
import { readManifest, runFiles } from "../pipeline/manifest.ts";
import { loadRunJudgments, noJudgmentsError } from "../pipeline/runs.ts";
import { humanAgreement, type HumanAgreementReport } from "./agreement.ts";
import { type HumanLabel, type LabelRecord, labelsPath, parseLabels } from "./labels.ts";
import type { JudgedSample, ReviewPlan } from "./plan.ts";

/**
 * Where a run's review plan lives unless told otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planPath } from "./store.ts";
 * assert(planPath("runs/a") === "runs/a/review-plan.json");
 * ```
 */
export function planPath(run: string): string {
  return `${run}/review-plan.json`;
}

/**
 * The judged samples of a run (the latest record of each), as the review sees them.
 *
 * @example
 * ```ts ignore
 * const judged = await loadJudged("runs/a", "default");
 * ```
 */
export async function loadJudged(run: string, judge = "default"): Promise<JudgedSample[]> {
  const label = judge === "default" ? undefined : judge;
  // A folder that is no run says so before its judgments are looked for.
  await readManifest(run);
  const file = runFiles(run, label).judgments;
  const out: JudgedSample[] = [];
  try {
    for await (const r of readLatest<JudgmentRecord>(file)) {
      out.push({
        id: r.id,
        sample: r.sample,
        scenario: r.scenario,
        answer_verdict: r.answer_verdict,
        reasoning_verdict: r.reasoning_verdict,
      });
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw noJudgmentsError(run, label);
    throw err;
  }
  if (!out.length) throw noJudgmentsError(run, label);
  return out;
}

/**
 * Write a review plan; an existing plan is kept unless `force` (labels refer to it).
 *
 * @example
 * ```ts ignore
 * await writePlan("runs/a/review-plan.json", plan);
 * ```
 */
export async function writePlan(path: string, plan: ReviewPlan, force = false): Promise<void> {
  if (!force) {
    try {
      await Deno.lstat(path);
      throw new BsaError(`${path} exists: labels may refer to it; pass --force to replace it or --out another file`);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  await writeAtomic(path, JSON.stringify(plan, null, 2) + "\n");
}

/**
 * Read a review plan written by {@linkcode writePlan}.
 *
 * @example
 * ```ts ignore
 * const plan = await readPlan("runs/a/review-plan.json");
 * ```
 */
export async function readPlan(path: string): Promise<ReviewPlan> {
  let plan: ReviewPlan;
  try {
    plan = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new BsaError(`cannot read the review plan ${path}: ${(err as Error).message}`);
  }
  if (plan?.version !== 1 || !Array.isArray(plan.strata) || !Array.isArray(plan.samples)) {
    throw new BsaError(`${path} is not a review plan (version 1 with strata and samples)`);
  }
  return plan;
}

/**
 * Append one label to the reviewer's labels file beside the run, at once: the file is
 * opened, the line written and the file closed, so a closed tab or a killed server loses
 * nothing already answered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendLabel } from "./store.ts";
 * const run = await Deno.makeTempDir();
 * await appendLabel(run, { id: "q", sample: 0, reviewer: "ana", skipped: "unreadable", time: "t", seconds: 2 });
 * assert((await Deno.readTextFile(`${run}/labels-ana.jsonl`)).includes('"skipped":"unreadable"'));
 * ```
 */
export async function appendLabel(run: string, record: LabelRecord): Promise<string> {
  const path = labelsPath(run, record.reviewer);
  const w = await JsonlAppender.open(path);
  try {
    await w.append(record);
  } finally {
    await w.close();
  }
  return path;
}

/**
 * Read and check labels files against a run's judged samples (and the plan, if any); two
 * files of the same reviewer are an error.
 *
 * @example
 * ```ts ignore
 * const labels = await readLabelFiles(["runs/a/labels-ana.jsonl"], judged, plan);
 * ```
 */
export async function readLabelFiles(
  paths: string[],
  judged: JudgedSample[],
  plan: ReviewPlan | null,
): Promise<HumanLabel[]> {
  const scen = new Map(judged.map((s) => [`${s.id}\u0000${s.sample}`, s.scenario]));
  const drawn = plan ? new Set(plan.samples.map((s) => `${s.id}\u0000${s.sample}`)) : null;
  const ctx = {
    scenarioOf: (id: string, sample: number) => scen.get(`${id}\u0000${sample}`),
    inPlan: drawn ? (id: string, sample: number) => drawn.has(`${id}\u0000${sample}`) : undefined,
  };
  const out: HumanLabel[] = [];
  const owner = new Map<string, string>();
  for (const path of paths) {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      throw new BsaError(`cannot read ${path}: ${(err as Error).message}`);
    }
    const labels = parseLabels(text, path, ctx);
    const who = labels[0]?.reviewer;
    if (who !== undefined) {
      if (owner.has(who)) throw new BsaError(`${path} and ${owner.get(who)} are both labels of reviewer ${who}`);
      owner.set(who, path);
    }
    out.push(...labels);
  }
  return out;
}

/**
 * `bsa agreement --human`: the judge of one run against people's labels, with the review
 * plan's design weights (`plan`, or `review-plan.json` in the run when it exists).
 *
 * @example
 * ```ts ignore
 * const report = await loadHumanAgreement({ run: "runs/a", judge: "default", human: ["runs/a/labels-ana.jsonl"] });
 * ```
 */
export async function loadHumanAgreement(
  o: { run: string; judge: string; human: string[]; plan?: string; level?: number },
): Promise<HumanAgreementReport> {
  const judged = await loadJudged(o.run, o.judge);
  const plan = o.plan ? await readPlan(o.plan) : await _planIfAny(o.run);
  if (plan && plan.judge !== o.judge) {
    throw new BsaError(
      `the review plan was drawn for judge ${plan.judge}, not ${o.judge}; pass --judges ${plan.judge}`,
    );
  }
  const labels = await readLabelFiles(o.human, judged, plan);
  const loaded = await loadRunJudgments([o.run], o.judge === "default" ? undefined : o.judge);
  const score = scoreJudgments(loaded.table, { k: loaded.k, by: [] });
  const judgeScores = score.table.objects()[0] as Record<string, number | null>;
  const report = humanAgreement({ judge: o.judge, judged, plan, labels, judgeScores, level: o.level });
  report.warnings.unshift(...loaded.warnings, ...score.warnings);
  return report;
}

/**
 * The labels files beside a run (`labels-*.jsonl`), sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { discoverLabels } from "./store.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${run}/labels-ana.jsonl`, "");
 * assert.deepEqual(await discoverLabels(run), [`${run}/labels-ana.jsonl`]);
 * ```
 */
export async function discoverLabels(run: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(run)) {
      if (e.isFile && /^labels-[A-Za-z0-9._-]+\.jsonl$/.test(e.name)) out.push(`${run}/${e.name}`);
    }
  } catch (err) {
    throw new BsaError(`cannot read the run folder ${run}: ${(err as Error).message}`);
  }
  return out.sort();
}

/**
 * A run's judge against every labels file beside it, with the run's review plan when there is
 * one (and the plan's judge); null when nobody has labelled the run yet. For notebooks.
 *
 * @example
 * ```ts ignore
 * const report = await validateRunJudge("runs/a");
 * ```
 */
export async function validateRunJudge(run: string): Promise<HumanAgreementReport | null> {
  const human = await discoverLabels(run);
  if (!human.length) return null;
  const judge = (await _planIfAny(run))?.judge ?? "default";
  return await loadHumanAgreement({ run, judge, human });
}

async function _planIfAny(run: string): Promise<ReviewPlan | null> {
  try {
    await Deno.lstat(planPath(run));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  return await readPlan(planPath(run));
}
