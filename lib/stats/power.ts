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
   * @1 metrics; 1 means the k samples add no information. Default 0.5.
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
  const design = o.kind === "@1" ? (o.icc ?? 0.5) + (1 - (o.icc ?? 0.5)) / o.k : 1;
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
