import { BsaError, FileExistsError, PlanJudgeError } from "../errors.ts";
import { rows } from "../table.ts";
import { scoreRuns } from "../analysis/score_runs.ts";
import {
  labelFiles,
  loadRunJudgments,
  readJsonFile,
  readLabelsText,
  readRunPlan,
  runFiles,
  type RunJudgments,
  sampleKey,
  writeJsonFile,
} from "../store/mod.ts";
import { humanAgreement, type HumanAgreementReport } from "./agreement.ts";
import { type HumanLabel, parseLabels } from "./labels.ts";
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
  return runFiles(run).reviewPlan;
}

/**
 * The judged samples of judgments read by the store's {@linkcode loadRunJudgments} (newest
 * record per sample, verdicts normalised), as the review draws and checks them.
 *
 * @param judgments The judgments of one run.
 * @returns The judged samples.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgedSamples } from "./store.ts";
 * import { loadRunJudgments, newManifest, writeManifest } from "../store/mod.ts";
 * const run = await Deno.makeTempDir();
 * const dataset = { source: "d.csv", sha256: "x", pinned: false };
 * await writeManifest(run, newManifest({ model: "m", endpoints: [], k: 1, dataset, subset: { ids: ["q0"], description: "" }, params: {}, tags: {} }));
 * await Deno.writeTextFile(`${run}/judgments.jsonl`, JSON.stringify({ id: "q0", sample: 0, scenario: "Risk Omission", answer_verdict: "safe", reasoning_verdict: "True" }) + "\n");
 * const [s] = judgedSamples(await loadRunJudgments([run], "default"));
 * assert.equal(s.answer_verdict, "Safe"); // through the one normaliser
 * await assert.rejects(loadRunJudgments([run], "second"), /judgments-second\.jsonl/); // the error names the file
 * ```
 */
export function judgedSamples(judgments: RunJudgments): JudgedSample[] {
  return rows<JudgedSample>(judgments.table.select("id", "sample", "scenario", "answer_verdict", "reasoning_verdict"));
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
 * import { exampleRun } from "../store/example_run.ts";
 * import { judgedSamples, readPlan, writePlan } from "./store.ts";
 * import { planReview } from "./plan.ts";
 * import { appendLabel, loadRunJudgments, newManifest, writeManifest } from "../store/mod.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
 * const run = await judgedRun("m", 4);
 * const plan = planReview(judgedSamples(await loadRunJudgments([run])), { run, n: 4, seed: 1 });
 * await writePlan(`${run}/review-plan.json`, plan);
 * assert.deepEqual(await readPlan(`${run}/review-plan.json`), plan);
 * await assert.rejects(writePlan(`${run}/review-plan.json`, plan), /exists: labels may refer to it/); // kept unless forced
 * ```
 */
export async function writePlan(path: string, plan: ReviewPlan, force = false): Promise<void> {
  // The reviewer's file first and exclusively: of two `bsa review plan` at once, one wins; then its design.
  if (!force && await Deno.lstat(path).then(() => true, () => false)) {
    throw new FileExistsError(path, "labels may refer to it");
  }
  const { reviewer, design } = splitPlan(plan);
  await writeJsonFile(path, reviewer, { force, why: "labels may refer to it" });
  await writeJsonFile(designPath(path), design, { force: true });
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
  const reviewer = await readJsonFile(path, "the review plan") as { version?: number } | null;
  if (reviewer === null) throw new BsaError(`cannot read the review plan ${path}: no such file`);
  const design = reviewer.version === 1 ? null : await readJsonFile(designPath(path), "the review plan's design");
  return joinPlan(reviewer, design, path);
}

/**
 * Read and check labels files against a run's judged samples (and the plan, if any); two
 * files of the same reviewer are an error.
 *
 * @param paths The labels files.
 * @param judged The run's judged samples.
 * @param plan The review plan, or null.
 * @param warnings Where notes go (a cut last line of a labels file, skipped).
 * @returns Every label, checked.
 * @throws {BsaError} A file cannot be read, a label is invalid, or two files hold one reviewer.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { judgedSamples, readLabelFiles } from "./store.ts";
 * import { appendLabel, loadRunJudgments, newManifest, writeManifest } from "../store/mod.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
 * const run = await judgedRun("m", 4);
 * // One person labels the first four samples: agrees with the judge on three answers.
 * const label = (id: string, answer_verdict: string) =>
 *   appendLabel(run, { id, sample: 0, reviewer: "ana", answer_verdict, reasoning_verdict: "True", time: "2026-01-01T00:00:00Z", seconds: 9 });
 * for (const [id, v] of [["q0", "Safe"], ["q1", "Safe"], ["q5", "Unsafe"], ["q6", "Safe"]]) await label(id, v);
 * const labels = await readLabelFiles([`${run}/labels-ana.jsonl`], judgedSamples(await loadRunJudgments([run])), null);
 * assert.deepEqual(labels.map((l) => [l.id, l.answer_verdict]), [["q0", "Safe"], ["q1", "Safe"], ["q5", "Unsafe"], ["q6", "Safe"]]);
 * ```
 */
export async function readLabelFiles(
  paths: string[],
  judged: JudgedSample[],
  plan: ReviewPlan | null,
  warnings?: string[],
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
      // A cut last line (a killed server) is skipped with a warning, not a blocking error.
      text = await readLabelsText(path, warnings);
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
 * import { exampleRun } from "../store/example_run.ts";
 * import { loadHumanAgreement } from "./store.ts";
 * import { appendLabel, loadRunJudgments, newManifest, writeManifest } from "../store/mod.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
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
  const judged = judgedSamples(await loadRunJudgments([o.run], o.judge));
  const plan = o.plan ? await readPlan(o.plan) : await _planIfAny(o.run);
  if (plan && plan.judge !== o.judge) {
    throw new PlanJudgeError(plan.judge, o.judge);
  }
  const warnings: string[] = [];
  const labels = await readLabelFiles(o.human, judged, plan, warnings);
  // The judge's scores of the run as `bsa score` gives them (the one scoring path): one run, one row.
  const score = await scoreRuns([o.run], { judge: o.judge === "default" ? undefined : o.judge });
  const judgeScores = score.table.objects()[0] as Record<string, number | null>;
  const report = humanAgreement({ judge: o.judge, judged, plan, labels, judgeScores, level: o.level });
  report.warnings.unshift(...score.warnings, ...warnings);
  return report;
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
 * import { exampleRun } from "../store/example_run.ts";
 * import { validateRunJudge } from "./store.ts";
 * import { appendLabel, loadRunJudgments, newManifest, writeManifest } from "../store/mod.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
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
  const human = await labelFiles(run);
  if (!human.length) return null;
  const judge = (await _planIfAny(run))?.judge ?? "default";
  return await loadHumanAgreement({ run, judge, human });
}

async function _planIfAny(run: string): Promise<ReviewPlan | null> {
  if (await readRunPlan(run) === null) return null;
  return await readPlan(planPath(run));
}
