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
 * A sentence summarising a family of changes of one metric, computed from the numbers: how
 * many rise and fall, how many are significant under the stated control, and the largest
 * change with its interval. When none is significant the sentence says so and makes no
 * directional claim.
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
 * assert(s.startsWith("OS@1 with safety rules: falls for 1 of 2, rises for 1 of 2; no change is significant"), s);
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
  const sig = sigUp + sigDown === 0
    ? `no change is significant (${control}): the data do not support a change in ${metric}`
    : [
      sigUp ? `a significant rise for ${sigUp}` : "",
      sigDown ? `a significant fall for ${sigDown}` : "",
    ].filter(Boolean).join(" and ") + ` of ${n} (${control})`;
  return `${metric} ${what}: ${counts || "unchanged"}; ${sig}. Largest change: ${
    largest ? changePhrase(largest, control.split(" over ")[0]) : "none"
  }.`;
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
