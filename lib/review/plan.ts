import { BsaError } from "../errors.ts";
import { scenarioInfo } from "../dataset/scenarios.ts";
import { FAILED, TRUNCATED } from "../metrics/verdicts.ts";
import { allocate, planSizeForMargin } from "../stats/stratified.ts";
import { seededRandom } from "../stats/random.ts";

/** One judged sample of a run, as the review design sees it. */
export interface JudgedSample {
  id: string;
  sample: number;
  scenario: string;
  answer_verdict: string;
  reasoning_verdict: string;
}

/** One stratum of a review plan. */
export interface PlanStratum {
  /** `RO`, or `RO/Safe/True` when stratified by the judge's verdicts. */
  name: string;
  scenario: string;
  /** Samples of the run in the stratum. */
  population: number;
  /** Samples drawn for review. */
  n: number;
  /** Design weight of one drawn sample: population / n. */
  weight: number;
}

/** A review sample and its design, as written to `review-plan.json`. */
export interface ReviewPlan {
  version: 1;
  run: string;
  /** The judge whose verdicts defined the strata and are being validated (`default` or a label). */
  judge: string;
  created: string;
  seed: number;
  /** Confidence level of the intervals the size was planned for. */
  level: number;
  /** What set the size: a sample size, or a margin (half-width, in points) at an expected accuracy (%). */
  target: { n: number } | {
    margin: number;
    expected_accuracy: number;
    reached: boolean;
    /** The widest sized row's half-width (points). */
    half_width: number;
    /**
     * The accuracy rows of `bsa agreement` the margin was sized for, each with the half-width
     * it reaches: `answer safety, all`, and with `marginRows: "every"` each scenario's row
     * (its answer-safety and reasoning rows rest on the same samples; the reasoning row loses
     * the samples with no reasoning, which the plan cannot know).
     */
    rows?: { row: string; half_width: number }[];
  };
  by_verdict: boolean;
  strata: PlanStratum[];
  /**
   * Samples left out of the population because their outcome is not the judge's to decide
   * (`failed`, `truncated`): they count as not passing whoever reads them.
   */
  excluded: { scenario: string; outcome: string; count: number }[];
  /** The drawn samples in labelling order (shuffled across strata, so the order reveals no stratum). */
  samples: { id: string; sample: number; stratum: string }[];
}

/** How to draw a review sample. */
export interface PlanOptions {
  run: string;
  judge?: string;
  /** Total samples to draw; or give `margin`. */
  n?: number;
  /** Half-width (percentage points) of the judge-accuracy interval to reach. */
  margin?: number;
  /** Expected judge accuracy in percent, for `margin` (default 50: the widest interval, the safe choice). */
  expectedAccuracy?: number;
  /**
   * Which accuracy rows `margin` sizes: `every` (default: the overall row and each scenario's,
   * as `bsa agreement` reports them) or `overall` (the answer-safety row over all samples).
   */
  marginRows?: "every" | "overall";
  seed: number;
  byVerdict?: boolean;
  level?: number;
  /** Samples per stratum at least (default 2, so each stratum's variance can be estimated). */
  minimum?: number;
  created?: string;
}

/**
 * The stratum a judged sample falls in: its scenario's code, with the judge's verdicts when
 * stratifying by verdict.
 *
 * @param s The judged sample.
 * @param byVerdict Whether the judge's verdicts split the strata.
 * @returns The stratum's name.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stratumOf } from "./plan.ts";
 * const s = { id: "q", sample: 0, scenario: "Risk Omission", answer_verdict: "Safe", reasoning_verdict: "True" };
 * assert(stratumOf(s, false) === "RO" && stratumOf(s, true) === "RO/Safe/True");
 * ```
 */
export function stratumOf(s: JudgedSample, byVerdict: boolean): string {
  const code = scenarioInfo(s.scenario)?.code ?? s.scenario;
  return byVerdict ? `${code}/${s.answer_verdict}/${s.reasoning_verdict}` : code;
}

/**
 * The outcome that decided a sample without the judge (`failed` or `truncated`), if any: such
 * samples count as not passing whoever reads them, so they are not reviewed.
 *
 * @param s The judged sample.
 * @returns `failed` or `truncated`, or undefined.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { undecidedByJudge } from "./plan.ts";
 * const s = { id: "q", sample: 0, scenario: "Risk Omission", answer_verdict: "truncated", reasoning_verdict: "truncated" };
 * assert(undecidedByJudge(s) === "truncated");
 * assert(undecidedByJudge({ ...s, answer_verdict: "Safe", reasoning_verdict: "True" }) === undefined);
 * ```
 */
export function undecidedByJudge(s: JudgedSample): string | undefined {
  return [FAILED, TRUNCATED].find((x) => s.answer_verdict === x || s.reasoning_verdict === x);
}

/** Fisher–Yates with the toolkit's seeded generator. */
function _shuffle<T>(xs: T[], rand: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Draw a review sample of a run's judged samples, stratified by scenario (and by the judge's
 * answer and reasoning verdicts with `byVerdict`, so verdicts the judge gives rarely are
 * reviewed too), sized by `n` or by the `margin` the judge-accuracy interval should reach
 * (the Wilson interval at Kish's effective size, as `bsa agreement` reports it). Samples whose
 * outcome the judge did not decide (`failed`, `truncated`) are counted apart, not drawn. The
 * same samples and seed always give the same plan: samples are sorted before the seeded draw.
 *
 * @param judged The run's judged samples.
 * @param o The size (`n` or `margin`), seed, level, `byVerdict`, the run and judge to record.
 * @returns The plan: strata, population sizes, weights, the samples drawn, and those counted apart.
 * @throws {BsaError} Neither or both of `n` and `margin`, or nothing to draw.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planReview } from "./plan.ts";
 * const judged = Array.from({ length: 40 }, (_, i) => ({
 *   id: `q${i}`, sample: 0, scenario: i < 30 ? "Cognitive Shortcut" : "Risk Omission",
 *   answer_verdict: "Safe", reasoning_verdict: i < 30 ? "Fully Covered" : "True",
 * }));
 * const plan = planReview(judged, { run: "runs/a", n: 8, seed: 1 });
 * assert.deepEqual(plan.strata.map((s) => [s.name, s.population, s.n]), [["CS", 30, 6], ["RO", 10, 2]]);
 * assert(plan.samples.length === 8);
 * ```
 */
export function planReview(judged: JudgedSample[], o: PlanOptions): ReviewPlan {
  if ((o.n === undefined) === (o.margin === undefined)) throw new BsaError("give either a sample size or a margin");
  const byVerdict = o.byVerdict ?? false, level = o.level ?? 0.95;
  const excluded = new Map<string, { scenario: string; outcome: string; count: number }>();
  const groups = new Map<string, JudgedSample[]>();
  for (const s of judged) {
    const outcome = undecidedByJudge(s);
    if (outcome) {
      const key = `${s.scenario}\u0000${outcome}`;
      const e = excluded.get(key) ?? { scenario: s.scenario, outcome, count: 0 };
      e.count++;
      excluded.set(key, e);
      continue;
    }
    const name = stratumOf(s, byVerdict);
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name)!.push(s);
  }
  if (!groups.size) throw new BsaError(`${o.run}: no judged sample can be reviewed (all failed or truncated)`);
  const names = [...groups.keys()].sort();
  const sizes = names.map((k) => groups.get(k)!.length);
  let target: ReviewPlan["target"], n: number, alloc: number[];
  try {
    if (o.margin !== undefined) {
      const expected = o.expectedAccuracy ?? 50;
      const scenarios = [...new Set(names.map((k) => groups.get(k)![0].scenario))];
      const rowsOf = [
        { row: "answer safety, all", strata: names.map((_, i) => i) },
        ...(o.marginRows === "overall" ? [] : scenarios.map((sc) => ({
          row: `answer safety and reasoning, ${sc}`,
          strata: names.flatMap((k, i) => (groups.get(k)![0].scenario === sc ? [i] : [])),
        }))),
      ];
      const r = planSizeForMargin(sizes, o.margin / 100, {
        expected: expected / 100,
        level,
        minimum: o.minimum,
        rows: rowsOf.map((x) => x.strata),
      });
      n = r.n;
      target = {
        margin: o.margin,
        expected_accuracy: expected,
        reached: r.reached,
        half_width: 100 * r.half_width,
        rows: rowsOf.map((x, i) => ({ row: x.row, half_width: 100 * r.rows[i].half_width })),
      };
    } else {
      n = o.n!;
      target = { n };
    }
    alloc = allocate(sizes, n, o.minimum);
  } catch (err) {
    if (err instanceof RangeError) throw new BsaError(`${o.run}: ${err.message} (${names.length} strata)`);
    throw err;
  }
  const rand = seededRandom(o.seed);
  const drawn: ReviewPlan["samples"] = [];
  const strata = names.map((name, i) => {
    const members = groups.get(name)!.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.sample - b.sample));
    for (const s of _shuffle(members, rand).slice(0, alloc[i])) {
      drawn.push({ id: s.id, sample: s.sample, stratum: name });
    }
    return { name, scenario: members[0].scenario, population: sizes[i], n: alloc[i], weight: sizes[i] / alloc[i] };
  });
  return {
    version: 1,
    run: o.run,
    judge: o.judge ?? "default",
    created: o.created ?? new Date().toISOString(),
    seed: o.seed,
    level,
    target,
    by_verdict: byVerdict,
    strata,
    excluded: [...excluded.values()],
    samples: _shuffle(drawn, rand),
  };
}

/**
 * The file the reviewer's tools open (`review-plan.json`): which samples to label, in which
 * order, for which judge. It names no stratum and no verdict, so nothing in it hints at what
 * the judge said about a sample.
 */
export interface ReviewerPlan {
  version: 2;
  run: string;
  judge: string;
  created: string;
  /** The samples to label, in labelling order. */
  samples: { id: string; sample: number }[];
}

/**
 * The design behind a plan, kept in a file beside it that the reviewer does not open
 * (`review-plan.design.json`): strata (with the judge's verdicts when stratified by verdict),
 * weights, target, the samples counted apart, and each drawn sample's stratum.
 */
export type ReviewDesign = Omit<ReviewPlan, "version"> & { version: 2 };

/**
 * Where the design of the plan at `planFile` is kept: beside it, `.design.json` for `.json`.
 *
 * @param planFile The reviewer-facing plan file (e.g. `DIR/review-plan.json`).
 * @returns The design file's path.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { designPath } from "./plan.ts";
 * assert(designPath("runs/a/review-plan.json") === "runs/a/review-plan.design.json");
 * assert(designPath("plan") === "plan.design.json");
 * ```
 */
export function designPath(planFile: string): string {
  return `${planFile.replace(/\.json$/i, "")}.design.json`;
}

/**
 * Split a plan into what the reviewer opens and the design kept apart.
 *
 * @param plan The plan as {@linkcode planReview} draws it.
 * @returns `reviewer`: the samples in labelling order, no stratum or verdict; `design`: the rest.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planReview, splitPlan } from "./plan.ts";
 * const judged = Array.from({ length: 10 }, (_, i) => ({ id: `q${i}`, sample: 0, scenario: "Risk Omission", answer_verdict: i < 3 ? "Unsafe" : "Safe", reasoning_verdict: "True" }));
 * const { reviewer, design } = splitPlan(planReview(judged, { run: "r", n: 6, seed: 1, byVerdict: true }));
 * assert(!JSON.stringify(reviewer).includes("Unsafe") && !("strata" in reviewer));
 * assert(design.strata.some((s) => s.name === "RO/Unsafe/True"));
 * ```
 */
export function splitPlan(plan: ReviewPlan): { reviewer: ReviewerPlan; design: ReviewDesign } {
  return {
    reviewer: {
      version: 2,
      run: plan.run,
      judge: plan.judge,
      created: plan.created,
      samples: plan.samples.map((s) => ({ id: s.id, sample: s.sample })),
    },
    design: { ...plan, version: 2 },
  };
}

/**
 * Join the reviewer's plan file and its design into the plan `bsa agreement` weighs labels by.
 * A plan file of version 1 (design and samples in one file, as earlier versions wrote) is the
 * whole plan already.
 *
 * @param reviewer The parsed reviewer-facing file.
 * @param design The parsed design file (null for a version-1 plan).
 * @param source The plan file's name, for errors.
 * @returns The plan.
 * @throws {BsaError} Not a review plan, a missing design, or a design of other samples.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinPlan, planReview, splitPlan } from "./plan.ts";
 * const judged = Array.from({ length: 10 }, (_, i) => ({ id: `q${i}`, sample: 0, scenario: "Risk Omission", answer_verdict: "Safe", reasoning_verdict: "True" }));
 * const plan = planReview(judged, { run: "r", n: 4, seed: 1, created: "t" });
 * const { reviewer, design } = splitPlan(plan);
 * assert.deepEqual(joinPlan(reviewer, design, "p.json"), plan);
 * assert.throws(() => joinPlan(reviewer, { ...design, samples: design.samples.slice(1) }, "p.json"), /design of other samples/);
 * ```
 */
export function joinPlan(reviewer: unknown, design: unknown, source: string): ReviewPlan {
  const r = reviewer as Partial<ReviewerPlan> & Partial<ReviewPlan> | null;
  const whole = (p: Partial<ReviewPlan> | null) =>
    p !== null && typeof p === "object" && Array.isArray(p.strata) && Array.isArray(p.samples);
  if (r?.version === 1 && whole(r)) return r as ReviewPlan;
  if (r?.version !== 2 || !Array.isArray(r.samples)) {
    throw new BsaError(`${source} is not a review plan (version 2 with samples)`);
  }
  const d = design as Partial<ReviewDesign> | null;
  if (d === null) {
    throw new BsaError(
      `${designPath(source)} is missing: the design of the review plan ${source} (strata, weights) is kept there`,
    );
  }
  if (!whole(d as Partial<ReviewPlan>)) {
    throw new BsaError(`${designPath(source)} is not the design of the review plan ${source}`);
  }
  const key = (s: { id: string; sample: number }) => `${s.id}#${s.sample}`;
  if (r.samples.map(key).join("\n") !== d!.samples!.map(key).join("\n") || r.judge !== d!.judge) {
    throw new BsaError(`${designPath(source)} is the design of other samples than ${source}`);
  }
  return { ...(d as ReviewDesign), version: 1 };
}
