import { mcnemarExact } from "./binomial.ts";
import { zFor } from "./wilson.ts";

/** One estimated change with its 95% interval and whether it survives the family's control. */
export interface ChangeEstimate {
  /** Who changed, e.g. a model name. */
  subject: string;
  /** Change in points (after − before). */
  diff: number;
  /** 95% interval of the change, in points. */
  lo: number;
  hi: number;
  /** Significant after the family's multiple-comparison control. */
  significant: boolean;
}

function _signed(x: number, digits = 1): string {
  return `${x > 0 ? "+" : x < 0 ? "−" : ""}${Math.abs(x).toFixed(digits)}`;
}

/**
 * One change as a phrase with its (unadjusted) interval and its significance after the
 * family's control `after`, when given: `QwQ-32B −7.8 points (95% CI −17.4 to +1.8, not
 * significant after Holm)`.
 *
 * @param c The change, its interval and its p-values.
 * @param after The family's control (e.g. `Holm`) for the significance wording; omitted: none.
 * @returns The phrase.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { changePhrase } from "./claims.ts";
 * const s = changePhrase({ subject: "QwQ-32B", diff: -7.8, lo: -17.4, hi: 1.8, significant: false });
 * assert(s === "QwQ-32B −7.8 points (95% CI −17.4 to +1.8, not significant)");
 * ```
 */
export function changePhrase(c: ChangeEstimate, after?: string): string {
  return `${c.subject} ${_signed(c.diff)} points (95% CI ${_signed(c.lo)} to ${_signed(c.hi)}, ${
    c.significant ? "significant" : "not significant"
  }${after ? ` after ${after}` : ""})`;
}

/**
 * What a family of changes shows taken together: the pooled change with its interval (the
 * fixed-effect, inverse-variance weighted mean of independent changes, each se from its 95%
 * interval, as `statsmodels.stats.meta_analysis.combine_effects` gives it; the plain mean
 * when a change has no variance) and the exact two-sided sign test on how many rise against
 * how many fall (changes of 0 left out).
 *
 * @param changes The family's changes, each with its 95% interval.
 * @param level The confidence level of the pooled interval (default 0.95; the changes' intervals are 95%).
 * @returns The pooled change, its interval, the rises and falls and the sign test's p.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pooledChange } from "./claims.ts";
 * const c = (diff: number) => ({ subject: "m", diff, lo: diff - 1.96, hi: diff + 1.96, significant: false });
 * const p = pooledChange([1, 2, 3, 1, 2, 3].map(c)); // scipy.stats.binomtest(6, 6).pvalue = 0.03125
 * assert(p.up === 6 && p.down === 0 && Math.abs(p.p - 0.03125) < 1e-12 && Math.abs(p.diff - 2) < 1e-12);
 * assert(Math.abs(p.hi - p.lo - 2 * 1.96 / Math.sqrt(6)) < 1e-3); // equal variances: the plain mean
 * ```
 */
export function pooledChange(
  changes: ChangeEstimate[],
  level = 0.95,
): { diff: number; lo: number; hi: number; up: number; down: number; p: number } {
  const n = changes.length;
  const z95 = zFor(0.95);
  const se2 = changes.map((c) => ((c.hi - c.lo) / (2 * z95)) ** 2);
  let diff: number, se: number;
  if (se2.every((v) => v > 0)) {
    // Fixed-effect (inverse-variance) pooling, as statsmodels' combine_effects computes it.
    const w = se2.map((v) => 1 / v), sw = w.reduce((a, b) => a + b, 0);
    diff = changes.reduce((a, c, i) => a + w[i] * c.diff, 0) / sw;
    se = Math.sqrt(1 / sw);
  } else {
    // A change known exactly (a 0% or 100% pair) would take all the weight: the plain mean then.
    diff = changes.reduce((a, c) => a + c.diff, 0) / n;
    se = Math.sqrt(se2.reduce((a, b) => a + b, 0)) / n;
  }
  const h = zFor(level) * se;
  const up = changes.filter((c) => c.diff > 0).length, down = changes.filter((c) => c.diff < 0).length;
  // The sign test is the exact binomial test of rises against falls at 1/2: McNemar's exact test.
  return { diff, lo: diff - h, hi: diff + h, up, down, p: mcnemarExact(up, down) };
}

/**
 * A sentence summarising a family of changes of one metric, computed from the numbers: how
 * many rise and fall, how many are significant under the stated control, the largest change
 * with its interval, and what the changes show together ({@linkcode pooledChange}: the pooled
 * change with its interval and the sign test). "The data do not support a change" only when
 * no change is significant and neither the pooled interval nor the sign test (at 0.05) shows one.
 *
 * @param metric The metric's name (e.g. `Think@1`).
 * @param what What changed (e.g. `with safety rules`).
 * @param changes The family's changes.
 * @param control The family's control (e.g. `Holm`).
 * @returns The sentence.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { changeClaim } from "./claims.ts";
 * const s = changeClaim("OS@1", "with safety rules", [
 *   { subject: "a", diff: -7.8, lo: -17.4, hi: 1.8, significant: false },
 *   { subject: "b", diff: 5.2, lo: -4.0, hi: 14.4, significant: false },
 * ], "Holm over 2 comparisons");
 * assert(s.includes("the data do not support a change in OS@1") && s.includes("sign test"));
 * const rise = [1.2, 1.5, 1.9, 1.1, 1.6, 1.7].map((d) => ({ subject: "m", diff: d, lo: d - 2, hi: d + 2, significant: false }));
 * const t = changeClaim("CS@1", "after STAR-1", rise, "Holm over 30 comparisons");
 * assert(!t.includes("do not support") && t.includes("rises for 6 of 6") && t.includes("p = 0.031"));
 * ```
 */
export function changeClaim(metric: string, what: string, changes: ChangeEstimate[], control: string): string {
  const n = changes.length;
  const up = changes.filter((c) => c.diff > 0), down = changes.filter((c) => c.diff < 0);
  const sigUp = up.filter((c) => c.significant).length, sigDown = down.filter((c) => c.significant).length;
  const largest = [...changes].sort((a, b) => Math.abs(b.diff) - Math.abs(a.diff))[0];
  const counts = [
    down.length ? `falls for ${down.length} of ${n}` : "",
    up.length ? `rises for ${up.length} of ${n}` : "",
  ].filter(Boolean).join(", ");
  const pool = n ? pooledChange(changes) : null;
  const together = pool
    ? `taken together, pooled ${_signed(pool.diff, 2)} points (95% CI ${_signed(pool.lo, 2)} to ${
      _signed(pool.hi, 2)
    }), sign test ${pool.up} rise vs ${pool.down} fall (p = ${_p(pool.p)})`
    : "";
  const shown = pool !== null && (pool.lo > 0 || pool.hi < 0 || pool.p < 0.05);
  const direction = pool && pool.diff > 0 ? "rise" : "fall";
  const sig = sigUp + sigDown === 0
    ? shown
      ? `no single change is significant (${control}), but ${together}: the changes together show a ${direction} in ${metric}`
      : `no change is significant (${control}); ${together}: the data do not support a change in ${metric}`
    : [
      sigUp ? `a significant rise for ${sigUp}` : "",
      sigDown ? `a significant fall for ${sigDown}` : "",
    ].filter(Boolean).join(" and ") + ` of ${n} (${control}); ${together}`;
  return `${metric} ${what}: ${counts || "unchanged"}; ${sig}. Largest change: ${
    largest ? changePhrase(largest, control.split(" over ")[0]) : "none"
  }.`;
}

function _p(p: number): string {
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

/**
 * Whether one estimated quantity exceeds another, as a sentence: the difference with its 95%
 * interval (independent estimates: half-widths add in quadrature) and "not significant" when
 * the interval contains zero.
 *
 * @param a The first quantity, its value and the half-width of its 95% interval.
 * @param b The second quantity, likewise.
 * @returns The sentence.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareClaim } from "./claims.ts";
 * const s = compareClaim({ name: "RO gain", value: 20, halfWidth: 6 }, { name: "CS gain", value: 10, halfWidth: 3 });
 * assert(s === "RO gain (+20.0 ± 6.0) exceeds CS gain (+10.0 ± 3.0) by 10.0 points (95% CI +3.3 to +16.7, significant)");
 * ```
 */
export function compareClaim(
  a: { name: string; value: number; halfWidth: number },
  b: { name: string; value: number; halfWidth: number },
): string {
  const d = a.value - b.value;
  const h = Math.sqrt(a.halfWidth ** 2 + b.halfWidth ** 2);
  const significant = Math.abs(d) > h;
  const verb = d >= 0 ? "exceeds" : "falls short of";
  return `${a.name} (${_signed(a.value)} ± ${a.halfWidth.toFixed(1)}) ${verb} ${b.name} (${_signed(b.value)} ± ${
    b.halfWidth.toFixed(1)
  }) by ${Math.abs(d).toFixed(1)} points (95% CI ${_signed(Math.abs(d) - h)} to ${_signed(Math.abs(d) + h)}, ${
    significant ? "significant" : "not significant"
  })`;
}
