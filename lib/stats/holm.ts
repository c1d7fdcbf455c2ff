import type { Comparison } from "./compare.ts";

/**
 * A comparison row with its adjusted p-value (`p_adj`, Holm's unless the family says otherwise)
 * and whether it is below the family's level after adjustment.
 */
export type AdjustedComparison = Comparison & { p_adj: number; significant: boolean };

/**
 * Holm's step-down adjustment of p-values (family-wise error control across the
 * comparisons of one study). Returns adjusted p-values in the input order.
 *
 * @param pValues The family's p-values.
 * @returns The Holm-adjusted p-values, in input order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holm } from "./holm.ts";
 * assert.deepEqual(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
 * ```
 */
export function holm(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = Math.round(running * 1e12) / 1e12;
  });
  return out;
}

/**
 * The multiple-comparison controls the toolkit applies to a family of significance marks.
 * `holm`: family-wise error rate (Holm's step-down); `bh`: false discovery rate
 * (Benjamini–Hochberg).
 */
export type FamilyControl = "holm" | "bh";

/**
 * Benjamini–Hochberg adjusted p-values (false discovery rate across a family), in input order.
 *
 * @param pValues The family's p-values.
 * @returns The BH-adjusted p-values, in input order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benjaminiHochberg } from "./holm.ts";
 * assert.deepEqual(benjaminiHochberg([0.01, 0.04, 0.03]), [0.03, 0.04, 0.04]);
 * ```
 */
export function benjaminiHochberg(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]);
  const out = new Array<number>(m);
  let running = 1;
  order.forEach(([p, i], j) => {
    running = Math.min(running, (m / (m - j)) * p);
    out[i] = Math.round(Math.min(1, running) * 1e12) / 1e12;
  });
  return out;
}

/**
 * Adjust a family of comparisons' p-values and mark those below `alpha` after adjustment;
 * `label` names the control for a figure subtitle or table note.
 *
 * @param rows The family's comparisons, each with `p`.
 * @param control `holm` (family-wise error, the default) or `bh` (false discovery rate).
 * @param alpha The level (default 0.05).
 * @returns The rows with `p_adj` and `significant`, and the control's `label`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adjustFamily } from "./holm.ts";
 * const r = adjustFamily([{ p: 0.01 }, { p: 0.04 }, { p: 0.03 }], "holm");
 * assert(r.rows[0].significant && !r.rows[1].significant && r.label.startsWith("Holm"));
 * ```
 */
export function adjustFamily<T extends { p: number }>(
  rows: T[],
  control: FamilyControl = "holm",
  alpha = 0.05,
): { rows: (T & { p_adj: number; significant: boolean })[]; label: string } {
  const adj = control === "holm" ? holm(rows.map((r) => r.p)) : benjaminiHochberg(rows.map((r) => r.p));
  return {
    rows: rows.map((r, i) => ({ ...r, p_adj: adj[i], significant: adj[i] < alpha })),
    label: `${control === "holm" ? "Holm-adjusted (family-wise" : "Benjamini–Hochberg-adjusted (false discovery"} ` +
      `rate ${alpha}) over ${rows.length} comparisons`,
  };
}
