/**
 * Krippendorff's alpha for nominal labels: agreement among any number of raters, each unit
 * labelled by any subset of them (`null` where a rater gave no label). Units with fewer than
 * two labels carry no information on agreement and are left out. 1 is perfect agreement,
 * 0 is agreement at chance; `NaN` when fewer than two values can be paired or only one label
 * value occurs (no variation to agree on).
 *
 * With `weights` (design weights: population / sample per stratum), a unit counts as that
 * many units: the coincidences are the design's estimate of the population's (a weight of 2 is
 * the unit given twice).
 *
 * @param units One array per unit, one label (or null) per rater.
 * @param weights Each unit's weight (default 1 each).
 * @returns Alpha, or `NaN` when it is undefined.
 * @throws {RangeError} `weights` and `units` differ in length.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { krippendorffAlpha } from "./krippendorff.ts";
 * // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the nominal example: 0.743.
 * const _ = null;
 * const units = [
 *   [1, 1, _, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
 *   [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [_, 5, 5, 5], [_, _, 1, 1], [_, 3, _, _],
 * ].map((u) => u.map((v) => (v === null ? null : String(v))));
 * assert(Math.abs(krippendorffAlpha(units) - 0.743) < 0.0005);
 * const twice = units.map((_, i) => (i === 5 ? 2 : 1)); // unit 6 weighs as two units
 * assert(Math.abs(krippendorffAlpha(units, twice) - krippendorffAlpha([...units, units[5]])) < 1e-12);
 * ```
 */
export function krippendorffAlpha(units: (string | null)[][], weights?: number[]): number {
  if (weights && weights.length !== units.length) {
    throw new RangeError(`weights differ in length from the units (${weights.length} vs ${units.length})`);
  }
  const o = new Map<string, number>(); // coincidences, key `c\u0000k`
  const totals = new Map<string, number>();
  let n = 0;
  for (const [u, unit] of units.entries()) {
    const w = weights ? weights[u] : 1;
    const vals = unit.filter((v): v is string => v !== null);
    const m = vals.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        const key = `${vals[i]}\u0000${vals[j]}`;
        o.set(key, (o.get(key) ?? 0) + w / (m - 1));
      }
      totals.set(vals[i], (totals.get(vals[i]) ?? 0) + w);
    }
    n += w * m;
  }
  if (n < 2 || totals.size < 2) return NaN;
  let disagree = 0;
  for (const [key, v] of o) {
    const [c, k] = key.split("\u0000");
    if (c !== k) disagree += v;
  }
  let expected = 0;
  const counts = [...totals.values()];
  for (let a = 0; a < counts.length; a++) {
    for (let b = 0; b < counts.length; b++) if (a !== b) expected += counts[a] * counts[b];
  }
  return 1 - ((n - 1) * disagree) / expected;
}
