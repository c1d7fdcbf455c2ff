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
  target: { n: number } | { margin: number; expected_accuracy: number; reached: boolean; half_width: number };
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
      const r = planSizeForMargin(sizes, o.margin / 100, { expected: expected / 100, level, minimum: o.minimum });
      n = r.n;
      target = { margin: o.margin, expected_accuracy: expected, reached: r.reached, half_width: 100 * r.half_width };
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
