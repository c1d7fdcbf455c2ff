import { BsaError, FileExistsError, PlanJudgeError } from "../errors.ts";
import { writeAtomic } from "../fs.ts";
import { scoreRuns } from "../analysis/score_runs.ts";
import { JsonlAppender, readLatest, sampleKey } from "../pipeline/jsonl.ts";
import type { JudgmentRecord } from "../pipeline/judge.ts";
import { readManifest, runFiles } from "../pipeline/manifest.ts";
import { noJudgmentsError } from "../pipeline/runs.ts";
import { humanAgreement, type HumanAgreementReport } from "./agreement.ts";
import { type HumanLabel, type LabelRecord, labelsPath, parseLabels } from "./labels.ts";
import { designPath, joinPlan, type JudgedSample, type ReviewPlan, splitPlan } from "./plan.ts";

/**
 * Where a run's review plan lives unless told otherwise.
 *
 * @param run The run folder.
 * @returns `<run>/review-plan.json`.
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
 * @param run The run folder.
 * @param judge The judge's label (default `default`).
 * @returns The judged samples.
 * @throws {NoJudgmentsError} The run has no judgments of that judge.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadJudged } from "./store.ts";
 * import { newManifest, writeManifest } from "../pipeline/manifest.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = async (model: string, safe: number, tags: Record<string, string> = {}) => {
 *   const dir = await Deno.makeTempDir();
 *   const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
 *   const dataset = { source: "d.csv", sha256: "x", pinned: false };
 *   await writeManifest(dir, newManifest({ model, endpoints: [], k: 1, dataset, subset: { ids, description: "" }, params: {}, tags }));
 *   const verdict = (id: string, i: number) =>
 *     JSON.stringify({ id, sample: 0, scenario: "Risk Omission", answer_verdict: i < safe ? "Safe" : "Unsafe", reasoning_verdict: "True" });
 *   await Deno.writeTextFile(`${dir}/judgments.jsonl`, ids.map(verdict).join("\n") + "\n");
 *   return dir;
 * };
 * const run = await judgedRun("m", 4);
 * const judged = await loadJudged(run);
 * assert(judged.length === 10 && judged[0].id === "q0" && judged[0].answer_verdict === "Safe");
 * await assert.rejects(loadJudged(run, "second"), /judgments-second\.jsonl/); // the error names the file
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
 * Write a review plan as two files: at `path` what the reviewer opens (the samples in
 * labelling order, no stratum or verdict), and beside it ({@linkcode designPath}) the design.
 * An existing plan is kept unless `force` (labels refer to it).
 *
 * @param path Where to write.
 * @param plan The plan.
 * @param force Replace an existing plan (default false).
 * @throws {FileExistsError} A plan exists at `path` and `force` is not set.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadJudged, readPlan, writePlan } from "./store.ts";
 * import { planReview } from "./plan.ts";
 * import { newManifest, writeManifest } from "../pipeline/manifest.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = async (model: string, safe: number, tags: Record<string, string> = {}) => {
 *   const dir = await Deno.makeTempDir();
 *   const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
 *   const dataset = { source: "d.csv", sha256: "x", pinned: false };
 *   await writeManifest(dir, newManifest({ model, endpoints: [], k: 1, dataset, subset: { ids, description: "" }, params: {}, tags }));
 *   const verdict = (id: string, i: number) =>
 *     JSON.stringify({ id, sample: 0, scenario: "Risk Omission", answer_verdict: i < safe ? "Safe" : "Unsafe", reasoning_verdict: "True" });
 *   await Deno.writeTextFile(`${dir}/judgments.jsonl`, ids.map(verdict).join("\n") + "\n");
 *   return dir;
 * };
 * const run = await judgedRun("m", 4);
 * const plan = planReview(await loadJudged(run), { run, n: 4, seed: 1 });
 * await writePlan(`${run}/review-plan.json`, plan);
 * assert.deepEqual(await readPlan(`${run}/review-plan.json`), plan);
 * await assert.rejects(writePlan(`${run}/review-plan.json`, plan), /exists: labels may refer to it/); // kept unless forced
 * ```
 */
export async function writePlan(path: string, plan: ReviewPlan, force = false): Promise<void> {
  if (!force) {
    try {
      await Deno.lstat(path);
      throw new FileExistsError(path, "labels may refer to it");
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  await _writePlanFiles(path, plan);
}

// The plan's two files: the design first, so a reviewer's file never exists without one.
async function _writePlanFiles(path: string, plan: ReviewPlan): Promise<void> {
  const { reviewer, design } = splitPlan(plan);
  await writeAtomic(designPath(path), JSON.stringify(design, null, 2) + "\n");
  await writeAtomic(path, JSON.stringify(reviewer, null, 2) + "\n");
}

/**
 * Read a review plan written by {@linkcode writePlan}: the reviewer's file joined with its
 * design (a version-1 plan, one file, as earlier versions wrote, is read as it is).
 *
 * @param path The plan file.
 * @returns The plan.
 * @throws {BsaError} The file cannot be read or is not a review plan.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readPlan } from "./store.ts";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, JSON.stringify({ version: 2 }));
 * await assert.rejects(readPlan(path), /is not a review plan/);
 * ```
 */
export async function readPlan(path: string): Promise<ReviewPlan> {
  const read = async (file: string, required: boolean) => {
    try {
      return JSON.parse(await Deno.readTextFile(file));
    } catch (err) {
      if (!required && err instanceof Deno.errors.NotFound) return null;
      throw new BsaError(`cannot read the review plan ${file}: ${(err as Error).message}`);
    }
  };
  const reviewer = await read(path, true);
  return joinPlan(reviewer, reviewer?.version === 1 ? null : await read(designPath(path), false), path);
}

/**
 * Append one label to the reviewer's labels file beside the run, at once: the file is
 * opened, the line written and the file closed, so a closed tab or a killed server loses
 * nothing already answered.
 *
 * @param run The run folder.
 * @param record The label.
 * @returns The labels file's path.
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
 * @param paths The labels files.
 * @param judged The run's judged samples.
 * @param plan The review plan, or null.
 * @returns Every label, checked.
 * @throws {BsaError} A file cannot be read, a label is invalid, or two files hold one reviewer.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendLabel, loadJudged, readLabelFiles } from "./store.ts";
 * import { newManifest, writeManifest } from "../pipeline/manifest.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = async (model: string, safe: number, tags: Record<string, string> = {}) => {
 *   const dir = await Deno.makeTempDir();
 *   const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
 *   const dataset = { source: "d.csv", sha256: "x", pinned: false };
 *   await writeManifest(dir, newManifest({ model, endpoints: [], k: 1, dataset, subset: { ids, description: "" }, params: {}, tags }));
 *   const verdict = (id: string, i: number) =>
 *     JSON.stringify({ id, sample: 0, scenario: "Risk Omission", answer_verdict: i < safe ? "Safe" : "Unsafe", reasoning_verdict: "True" });
 *   await Deno.writeTextFile(`${dir}/judgments.jsonl`, ids.map(verdict).join("\n") + "\n");
 *   return dir;
 * };
 * const run = await judgedRun("m", 4);
 * // One person labels the first four samples: agrees with the judge on three answers.
 * const label = (id: string, answer_verdict: string) =>
 *   appendLabel(run, { id, sample: 0, reviewer: "ana", answer_verdict, reasoning_verdict: "True", time: "2026-01-01T00:00:00Z", seconds: 9 });
 * for (const [id, v] of [["q0", "Safe"], ["q1", "Safe"], ["q5", "Unsafe"], ["q6", "Safe"]]) await label(id, v);
 * const labels = await readLabelFiles([`${run}/labels-ana.jsonl`], await loadJudged(run), null);
 * assert.deepEqual(labels.map((l) => [l.id, l.answer_verdict]), [["q0", "Safe"], ["q1", "Safe"], ["q5", "Unsafe"], ["q6", "Safe"]]);
 * ```
 */
export async function readLabelFiles(
  paths: string[],
  judged: JudgedSample[],
  plan: ReviewPlan | null,
): Promise<HumanLabel[]> {
  const scen = new Map(judged.map((s) => [sampleKey(s), s.scenario]));
  const drawn = plan ? new Set(plan.samples.map(sampleKey)) : null;
  const ctx = {
    scenarioOf: (id: string, sample: number) => scen.get(sampleKey({ id, sample })),
    inPlan: drawn ? (id: string, sample: number) => drawn.has(sampleKey({ id, sample })) : undefined,
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
 * @param o The run, the judge's label, the labels files, the plan file and the level.
 * @returns The judge against people (see {@linkcode humanAgreement}).
 * @throws {PlanJudgeError} The plan was drawn for another judge.
 * @throws {BsaError} The run, plan or a labels file cannot be read, or a label is invalid.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendLabel, loadHumanAgreement } from "./store.ts";
 * import { newManifest, writeManifest } from "../pipeline/manifest.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = async (model: string, safe: number, tags: Record<string, string> = {}) => {
 *   const dir = await Deno.makeTempDir();
 *   const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
 *   const dataset = { source: "d.csv", sha256: "x", pinned: false };
 *   await writeManifest(dir, newManifest({ model, endpoints: [], k: 1, dataset, subset: { ids, description: "" }, params: {}, tags }));
 *   const verdict = (id: string, i: number) =>
 *     JSON.stringify({ id, sample: 0, scenario: "Risk Omission", answer_verdict: i < safe ? "Safe" : "Unsafe", reasoning_verdict: "True" });
 *   await Deno.writeTextFile(`${dir}/judgments.jsonl`, ids.map(verdict).join("\n") + "\n");
 *   return dir;
 * };
 * const run = await judgedRun("m", 4);
 * // One person labels the first four samples: agrees with the judge on three answers.
 * const label = (id: string, answer_verdict: string) =>
 *   appendLabel(run, { id, sample: 0, reviewer: "ana", answer_verdict, reasoning_verdict: "True", time: "2026-01-01T00:00:00Z", seconds: 9 });
 * for (const [id, v] of [["q0", "Safe"], ["q1", "Safe"], ["q5", "Unsafe"], ["q6", "Safe"]]) await label(id, v);
 * const report = await loadHumanAgreement({ run, judge: "default", human: [`${run}/labels-ana.jsonl`] });
 * const answers = report.rubrics.find((r) => r.rubric === "answer safety" && r.scenario === "all")!;
 * assert(report.reviewers.join() === "ana" && answers.n === 4 && answers.agreement === 75); // 3 of 4
 * ```
 */
export async function loadHumanAgreement(
  o: { run: string; judge: string; human: string[]; plan?: string; level?: number },
): Promise<HumanAgreementReport> {
  const judged = await loadJudged(o.run, o.judge);
  const plan = o.plan ? await readPlan(o.plan) : await _planIfAny(o.run);
  if (plan && plan.judge !== o.judge) {
    throw new PlanJudgeError(plan.judge, o.judge);
  }
  const labels = await readLabelFiles(o.human, judged, plan);
  // The judge's scores of the run as `bsa score` gives them (the one scoring path): one run, one row.
  const score = await scoreRuns([o.run], { judge: o.judge === "default" ? undefined : o.judge });
  const judgeScores = score.table.objects()[0] as Record<string, number | null>;
  const report = humanAgreement({ judge: o.judge, judged, plan, labels, judgeScores, level: o.level });
  report.warnings.unshift(...score.warnings);
  return report;
}

/**
 * The labels files beside a run (`labels-*.jsonl`), sorted.
 *
 * @param run The run folder.
 * @returns The labels files' paths.
 * @throws {BsaError} The folder cannot be read.
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
 * @param run The run folder.
 * @returns The judge against people, or null.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendLabel, validateRunJudge } from "./store.ts";
 * import { newManifest, writeManifest } from "../pipeline/manifest.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = async (model: string, safe: number, tags: Record<string, string> = {}) => {
 *   const dir = await Deno.makeTempDir();
 *   const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
 *   const dataset = { source: "d.csv", sha256: "x", pinned: false };
 *   await writeManifest(dir, newManifest({ model, endpoints: [], k: 1, dataset, subset: { ids, description: "" }, params: {}, tags }));
 *   const verdict = (id: string, i: number) =>
 *     JSON.stringify({ id, sample: 0, scenario: "Risk Omission", answer_verdict: i < safe ? "Safe" : "Unsafe", reasoning_verdict: "True" });
 *   await Deno.writeTextFile(`${dir}/judgments.jsonl`, ids.map(verdict).join("\n") + "\n");
 *   return dir;
 * };
 * const run = await judgedRun("m", 4);
 * assert(await validateRunJudge(run) === null); // nobody has labelled it yet
 * // One person labels the first four samples: agrees with the judge on three answers.
 * const label = (id: string, answer_verdict: string) =>
 *   appendLabel(run, { id, sample: 0, reviewer: "ana", answer_verdict, reasoning_verdict: "True", time: "2026-01-01T00:00:00Z", seconds: 9 });
 * for (const [id, v] of [["q0", "Safe"], ["q1", "Safe"], ["q5", "Unsafe"], ["q6", "Safe"]]) await label(id, v);
 * const report = await validateRunJudge(run);
 * assert(report !== null && report.reviewers.join() === "ana");
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
