import { roundHalfEven } from "../metrics/round.ts";

/** Agreement between two raters on the same items. */
export interface AgreementReport {
  n: number;
  /** Share of items on which both gave the same label. */
  agreement: number;
  /** Cohen's kappa: agreement beyond what the raters' label frequencies imply by chance. */
  kappa: number;
  labels: string[];
  /** `confusion[i][j]`: items (weighted, when weights are given) rater A labelled `labels[i]` and rater B `labels[j]`. */
  confusion: number[][];
}

/**
 * Cohen's kappa and the confusion matrix of two label sequences of equal length. With
 * `weights` (design weights of a sample: population / sample per stratum), each item counts
 * with its weight: agreement, chance agreement and the confusion matrix are the design's
 * estimates of the population's, as `sklearn.metrics.cohen_kappa_score(sample_weight=...)`
 * computes them.
 *
 * @param a The first rater's labels.
 * @param b The second rater's labels, for the same items in the same order.
 * @param labels The label values, in the confusion matrix's order (default: those seen, sorted).
 * @param weights Each item's weight (default 1 each).
 * @returns Kappa, the observed agreement, the labels and the confusion matrix.
 * @throws {RangeError} `a`, `b` (and `weights`) differ in length.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cohensKappa } from "./agreement.ts";
 * // A hand-worked table: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> kappa 0.4.
 * const a = [...Array(25).fill("yes"), ...Array(25).fill("no")];
 * const b = [...Array(20).fill("yes"), ...Array(5).fill("no"), ...Array(10).fill("yes"), ...Array(15).fill("no")];
 * const r = cohensKappa(a, b);
 * assert(Math.abs(r.kappa - 0.4) < 1e-12 && r.agreement === 0.7);
 * // Weights count an item that many times (the confusion holds the weighted counts).
 * const w = cohensKappa(["y", "n", "n"], ["y", "n", "y"], undefined, [2, 1, 1]);
 * const twice = cohensKappa(["y", "y", "n", "n"], ["y", "y", "n", "y"]);
 * assert(Math.abs(w.kappa - twice.kappa) < 1e-12 && w.confusion[1][1] === 2 && w.n === 3);
 * ```
 */
export function cohensKappa(a: string[], b: string[], labels?: string[], weights?: number[]): AgreementReport {
  if (a.length !== b.length) throw new RangeError(`label sequences differ in length (${a.length} vs ${b.length})`);
  if (weights && weights.length !== a.length) {
    throw new RangeError(`weights differ in length from the labels (${weights.length} vs ${a.length})`);
  }
  const ls = labels ?? [...new Set([...a, ...b])].sort();
  const idx = new Map(ls.map((l, i) => [l, i]));
  const confusion = ls.map(() => ls.map(() => 0));
  for (let i = 0; i < a.length; i++) confusion[idx.get(a[i])!][idx.get(b[i])!] += weights ? weights[i] : 1;
  const n = a.length;
  const total = weights ? weights.reduce((x, y) => x + y, 0) : n;
  const po = ls.reduce((s, _, i) => s + confusion[i][i], 0) / total;
  const pe = ls.reduce((s, _, i) => {
    const row = confusion[i].reduce((x, y) => x + y, 0);
    const col = confusion.reduce((x, r) => x + r[i], 0);
    return s + (row / total) * (col / total);
  }, 0);
  return { n, agreement: po, kappa: pe === 1 ? 1 : (po - pe) / (1 - pe), labels: ls, confusion };
}

/**
 * Kendall's tau-b between two scorings of the same items (e.g. a leaderboard's models under
 * two judges): 1 when the rankings agree, −1 when reversed; ties handled as tau-b.
 *
 * @param xs The first scoring of the items.
 * @param ys The second scoring, same items in the same order.
 * @param o `digits`: compare values rounded half-even to this many decimals (the precision a
 *   table prints), so values that print alike are ties.
 * @returns Tau-b in [−1, 1] (`NaN` when either scoring is constant).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kendallTau } from "./agreement.ts";
 * assert(kendallTau([1, 2, 3, 4], [10, 20, 30, 40]) === 1);
 * assert(Math.abs(kendallTau([1, 2, 3], [1, 3, 2]) - 1 / 3) < 1e-12);
 * assert(kendallTau([0.1 + 0.2, 0.3], [1, 2]) === -1 && Number.isNaN(kendallTau([0.1 + 0.2, 0.3], [1, 2], { digits: 2 })));
 * ```
 */
export function kendallTau(xs: number[], ys: number[], o: { digits?: number } = {}): number {
  // Items without a value under either scoring cannot be ranked.
  const keep = xs.map((_, i) => i).filter((i) => Number.isFinite(xs[i]) && Number.isFinite(ys[i]));
  // Values equal at the printed precision are ties, not an order set by floating-point noise.
  const at = (v: number) => (o.digits === undefined ? v : roundHalfEven(v, o.digits));
  const x = keep.map((i) => at(xs[i])), y = keep.map((i) => at(ys[i]));
  let concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i] - x[j]), dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom === 0 ? NaN : (concordant - discordant) / denom;
}
