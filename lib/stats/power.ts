import { BENCHMARK_SIZE, SCENARIOS } from "../dataset/scenarios.ts";
import { normalQuantile } from "./normal.ts";

/** Inputs of a sample-size question. */
export interface PowerOptions {
  /** Baseline value of the metric as a fraction (e.g. 0.33 for Think@1 = 33%). */
  baseline: number;
  /** Questions compared (2,000 for the full set, 600 / 1,200 / 200 for one scenario). */
  n: number;
  /** Samples per question (matters for @1 metrics only). */
  k: number;
  /** `@1` (mean of k samples per question) or `@k` (all k pass). */
  kind: "@1" | "@k";
  /**
   * Correlation of outcomes between samples of one question (intra-class correlation) for
   * @1 metrics; 1 means the k samples add no information. Default {@linkcode PUBLISHED_ICC}.
   */
  icc?: number;
  alpha?: number;
  power?: number;
}

/**
 * The smallest difference (in points) between two conditions on the same questions that a
 * two-sided test at level `alpha` detects with the given power. Conservative: the pairing
 * of questions, which helps, is ignored, and the variance of one question's @1 score is
 * p(1 − p)·(icc + (1 − icc)/k).
 *
 * @param o Baseline rate, question count, k, ICC, alpha, power and the metric kind.
 * @returns The difference in points.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minimumDetectableDifference } from "./power.ts";
 * const full = minimumDetectableDifference({ baseline: 0.15, n: 2000, k: 5, kind: "@k" });
 * const sub = minimumDetectableDifference({ baseline: 0.15, n: 200, k: 5, kind: "@k" });
 * assert(full > 2 && full < 4 && sub > full * 2.5);
 * ```
 */
export function minimumDetectableDifference(o: PowerOptions): number {
  const alpha = o.alpha ?? 0.05;
  const power = o.power ?? 0.8;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  const icc = o.icc ?? PUBLISHED_ICC;
  const design = o.kind === "@1" ? icc + (1 - icc) / o.k : 1;
  // Solve d = z * sqrt((v(p) + v(p + d)) / n) by fixed-point iteration (converges in a few steps).
  const v = (p: number) => Math.max(p * (1 - p), 1e-6) * design;
  let d = z * Math.sqrt((2 * v(o.baseline)) / o.n);
  for (let i = 0; i < 50; i++) {
    const p2 = Math.min(0.999, Math.max(0.001, o.baseline + d));
    d = z * Math.sqrt((v(o.baseline) + v(p2)) / o.n);
  }
  return 100 * d;
}

/**
 * The smallest detectable difference (points, 2 decimals) for @1 and @k metrics on the
 * full set and on each scenario's questions.
 *
 * @param o Baseline rate (a fraction), k, and optionally ICC, alpha and power.
 * @returns One row per question set and metric kind.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { powerTable } from "./power.ts";
 * const t = powerTable({ baseline: 0.15, k: 5 });
 * assert(t.length === 8 && t[0].set === "full set" && t[0].questions === 2000);
 * ```
 */
export function powerTable(
  o: { baseline: number; k: number; icc?: number; alpha?: number; power?: number },
): { set: string; questions: number; kind: "@1" | "@k"; mdd_points: number }[] {
  const sets: [string, number][] = [
    ["full set", BENCHMARK_SIZE],
    ...SCENARIOS.map((s) => [s.name, s.size] as [string, number]),
  ];
  return sets.flatMap(([set, n]) =>
    (["@1", "@k"] as const).map((kind) => ({
      set,
      questions: n,
      kind,
      mdd_points: Math.round(100 * minimumDetectableDifference({ ...o, n, kind })) / 100,
    }))
  );
}

/**
 * The default intra-question correlation for power planning: the largest value the paper's
 * published Safe@1/Safe@k pairs imply (R1-Distill-Qwen-32B, 0.74; the 23 main-table models
 * range 0.26–0.74, median 0.51; see {@linkcode iccFromAt1AtK} and `publishedIcc` in
 * lib/paper). The largest is the conservative choice: a higher ICC means k samples add less
 * information, so the detectable difference is not understated for any published model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PUBLISHED_ICC } from "./power.ts";
 * assert(PUBLISHED_ICC === 0.74);
 * ```
 */
export const PUBLISHED_ICC = 0.74;

/**
 * The intra-question correlation a pair of published @1 and @k values implies, under a
 * beta-binomial model of the k samples of a question: with mean μ = @1 and ICC ρ, the chance
 * that all k pass is ∏ᵢ (a + i)/(a + b + i), a = μ(1 − ρ)/ρ, b = (1 − μ)(1 − ρ)/ρ, which rises
 * from μᵏ (ρ = 0, independent samples) to μ (ρ = 1, identical samples). Solved by bisection;
 * null when @k is outside [μᵏ, μ].
 *
 * @param at1 The @1 value (a fraction).
 * @param atK The @k value (a fraction).
 * @param k The number of samples.
 * @returns The implied ICC, or null when the pair is impossible under the model.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { iccFromAt1AtK } from "./power.ts";
 * assert(Math.abs(iccFromAt1AtK(0.8064, 0.717, 5)! - 0.74) < 0.005);   // R1-Distill-Qwen-32B Safe@1/Safe@k
 * assert(iccFromAt1AtK(0.5, 0.5 ** 5, 5)! < 1e-6 && iccFromAt1AtK(0.5, 0.9, 5) === null);
 * ```
 */
export function iccFromAt1AtK(at1: number, atK: number, k: number): number | null {
  const all = (rho: number) => {
    if (rho <= 0) return at1 ** k;
    if (rho >= 1) return at1;
    const s = (1 - rho) / rho, a = at1 * s, b = (1 - at1) * s;
    let p = 1;
    for (let i = 0; i < k; i++) p *= (a + i) / (a + b + i);
    return p;
  };
  if (atK < at1 ** k - 1e-12 || atK > at1 + 1e-12) return null;
  let lo = 0, hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (all(mid) < atK) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Estimate the intra-question correlation from a run: the one-way ANOVA estimator
 * (MSB − MSW) / (MSB + (k − 1)·MSW) over questions, from each question's number of passing
 * samples out of k. Null when there are fewer than two questions, k < 2, or no variation.
 *
 * @param passes Each question's number of passing samples.
 * @param k The number of samples per question.
 * @returns The ICC estimate (clipped to [0, 1]), or null.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateIcc } from "./power.ts";
 * assert(estimateIcc([0, 5, 0, 5, 5, 0], 5) === 1);          // all or nothing per question
 * assert(Math.abs(estimateIcc([2, 3, 2, 3, 2, 3], 5)!) < 0.3); // little between-question variation
 * ```
 */
export function estimateIcc(passes: number[], k: number): number | null {
  const n = passes.length;
  if (n < 2 || k < 2) return null;
  const f = passes.map((x) => x / k);
  const mean = f.reduce((a, b) => a + b, 0) / n;
  const msb = (k * f.reduce((a, x) => a + (x - mean) ** 2, 0)) / (n - 1);
  const msw = f.reduce((a, x) => a + k * x * (1 - x), 0) / (n * (k - 1));
  const denom = msb + (k - 1) * msw;
  if (denom <= 0) return null;
  return Math.max(0, Math.min(1, (msb - msw) / denom));
}
