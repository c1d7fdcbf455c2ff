import type { ColumnTable } from "arquero";
import { questionsFor } from "../stats/published.ts";
import type { PaperTables } from "./load.ts";

/** The sample counts the granularity check considers (the paper's runs use k = 5). */
export const K_CANDIDATES: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** The k (samples per question) one published row fits, and what it is compared with. */
export interface RowKFit {
  /** Paper table: `main`, `decoding`, `safetyRules`, `star1`. */
  table: string;
  model: string;
  /** The row's condition (`base`/`rules`/`star1`, a decoding setting, or `-`). */
  condition: string;
  /** Every k in {@linkcode K_CANDIDATES} for which all of the row's percentages are possible. */
  k: number[];
  /**
   * The k the row's values determine ({@linkcode determinedK}): the one k below the largest
   * candidate's half whose multiples explain every k the row fits; null when no k fits, or
   * when the row fits several unrelated k (such as every k from 2 to 10) and its values cannot
   * tell them apart.
   */
  inferredK: number | null;
  /** True when the row fits some k but its values do not determine one (`inferredK` is null then). */
  undetermined: boolean;
  /** Metrics whose value is possible for no k at all. */
  impossible: string[];
  /** The row this one is compared with in the paper (`-` for none). */
  baseline: string;
  /** The baseline's inferred k (null when there is no baseline). */
  baselineK: number | null;
  /**
   * True only when the audit determines the row's k and its baseline's and they are equal (or
   * the row has no baseline): only then do its @k values compare with the baseline's, and only
   * then does a published comparison of the two rows carry a mark.
   */
  comparable: boolean;
}

type Row = Record<string, number | string | boolean | null>;

/**
 * The number of decimals a table prints (the most any of its percentages shows):
 * the granularity check's tolerance is half a unit of that last decimal.
 *
 * @param values A table's percentages.
 * @returns The most decimals any of them shows.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printedDecimals } from "./granularity.ts";
 * assert(printedDecimals([93.5, 17.25, 60]) === 2);
 * ```
 */
export function printedDecimals(values: number[]): number {
  return Math.max(0, ...values.map((v) => (String(v).split(".")[1] ?? "").length));
}

/**
 * Which k make a published percentage possible. An @k value (and Safe@k, Think@k) is a
 * share of `n` questions: a multiple of 100/n for every k, or for none. An @1 value is a
 * mean over `n` questions of a share of k samples: a multiple of 100/(n·k). "Multiple" is
 * up to the printed precision: the value must lie within half a unit of its last decimal
 * of such a multiple.
 *
 * @param value The published percentage.
 * @param n The questions behind it.
 * @param at `@1` (a mean of shares of k samples) or `@k` (a share of questions).
 * @param decimals The decimals the table prints.
 * @param candidates The k to try (default 1–10).
 * @returns The k that make `value` possible (all or none of them for an @k value).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { possibleK } from "./granularity.ts";
 * assert.deepEqual(possibleK(60.56, 600, "@1", 2), [3, 6, 8, 9]); // QwQ-32B RO@1 at top_k=20: not 5
 * assert.deepEqual(possibleK(82.59, 2000, "@k", 2), []);         // GLM-Z1-AirX Safe@k
 * assert.deepEqual(possibleK(85.10, 2000, "@k", 2).length, 10);
 * ```
 */
export function possibleK(
  value: number,
  n: number,
  at: "@1" | "@k",
  decimals: number,
  candidates: readonly number[] = K_CANDIDATES,
): number[] {
  const half = 0.5 * 10 ** -decimals + 1e-9;
  const fits = (unit: number) => {
    const m = Math.round(value / unit);
    return [m - 1, m, m + 1].some((j) => j >= 0 && Math.abs(j * unit - value) <= half);
  };
  if (at === "@k") return fits(100 / n) ? [...candidates] : [];
  return candidates.filter((k) => fits(100 / (n * k)));
}

/** Columns of a paper table that are percentages over a known question count (F-score is derived). */
function _percentColumns(table: ColumnTable): string[] {
  return table.columnNames().filter((c) => /@(1|k)$/.test(c));
}

/**
 * How the audit names a paper row's condition: `base`/`rules`/`star1`, a decoding setting
 * `top_k=… top_p=… T=…`, or `-` for a main-table row.
 *
 * @param r A paper row.
 * @returns The condition's name.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowCondition } from "./granularity.ts";
 * assert(rowCondition({ top_k: 40, top_p: 0.95, temperature: 0.6 }) === "top_k=40 top_p=0.95 T=0.6");
 * ```
 */
export function rowCondition(r: Record<string, unknown>): string {
  if (r.condition != null) return String(r.condition);
  if (r.top_k != null) return `top_k=${r.top_k} top_p=${r.top_p} T=${r.temperature}`;
  return "-";
}

/**
 * The paper tables that hold scores, by the name the audit reports them under.
 *
 * @param paper The paper's tables.
 * @returns `[name, table]` for every table that holds scores.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { scoreTables } from "./granularity.ts";
 * assert.deepEqual(scoreTables(await loadPaper()).map(([n]) => n), ["main", "decoding", "safetyRules", "star1"]);
 * ```
 */
export function scoreTables(paper: PaperTables): [string, ColumnTable][] {
  return [["main", paper.main], ["decoding", paper.decoding], ["safetyRules", paper.safetyRules], [
    "star1",
    paper.star1,
  ]];
}

/**
 * For every row of the paper's tables, the k (1–10) that make all its percentages
 * possible given their question counts (Safe/Think 2,000, RO 600, CS 1,200, OS 200), the
 * metrics possible for no k, the k its values determine (see {@linkcode determinedK}; none
 * when they fit several unrelated k), and whether that is the determined k of its comparison
 * baseline: decoding rows against their model's recommended setting, `rules`
 * and `star1` rows against the model's `base` row, main-table rows against the paper's k.
 *
 * @param paper The paper's tables.
 * @returns One fit per row of every score table.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { paperKFits } from "./granularity.ts";
 * const fits = paperKFits(await loadPaper());
 * const t02 = fits.find((f) => f.model === "QwQ-32B" && f.condition === "top_k=20 top_p=0.95 T=0.6")!;
 * assert.deepEqual(t02.k, [3, 6, 9]);
 * assert(t02.inferredK === 3 && t02.baselineK === 5 && !t02.comparable);
 * ```
 */
export function paperKFits(paper: PaperTables): RowKFit[] {
  const out: RowKFit[] = [];
  let paperK: number | null = null;
  for (const [table, t] of scoreTables(paper)) {
    const cols = _percentColumns(t);
    const rs = t.objects() as Row[];
    const decimals = printedDecimals(rs.flatMap((r) => cols.map((c) => r[c]).filter((v) => typeof v === "number")));
    const fits = rs.map((r) => {
      let k = [...K_CANDIDATES];
      const impossible: string[] = [];
      for (const c of cols) {
        if (typeof r[c] !== "number") continue;
        const ks = possibleK(r[c] as number, questionsFor(c), c.endsWith("@k") ? "@k" : "@1", decimals);
        if (!ks.length) impossible.push(c);
        else k = k.filter((x) => ks.includes(x));
      }
      return { r, k, impossible };
    });
    if (table === "main") paperK = _modalK(fits.map((f) => f.k))[0] ?? null;
    const infer = (k: number[]) => determinedK(k);
    for (const { r, k, impossible } of fits) {
      let base: { label: string; k: number | null } | null = null;
      if (table === "main") base = { label: "the paper's k (most main-table rows)", k: paperK };
      else if (table === "decoding" && !r.recommended) {
        const b = fits.find((f) => f.r.model === r.model && f.r.recommended);
        if (b) base = { label: `recommended setting (${rowCondition(b.r)})`, k: infer(b.k) };
      } else if ((table === "safetyRules" || table === "star1") && r.condition !== "base") {
        const b = fits.find((f) => f.r.model === r.model && f.r.condition === "base");
        if (b) base = { label: "base", k: infer(b.k) };
      }
      const inferredK = infer(k);
      out.push({
        table,
        model: r.model as string,
        condition: rowCondition(r),
        k,
        inferredK,
        undetermined: inferredK === null && k.length > 0,
        impossible,
        baseline: base?.label ?? "-",
        baselineK: base?.k ?? null,
        comparable: !base || (inferredK !== null && inferredK === base.k),
      });
    }
  }
  return out;
}

/**
 * The k a row's fitted k set determines. Fitting k implies fitting every multiple of k, so a
 * row run at k fits k and its multiples (and, by the luck of the printed precision, perhaps a
 * large k beside them). The set determines k when exactly one of its generators (members that
 * are no multiple of a smaller member) is small enough for its multiple to be among the
 * candidates (at most half the largest candidate), it is the set's smallest member, and it is
 * not 1 (which every value fits).
 *
 * @param k The k a row fits, ascending.
 * @param candidates The k tried (default {@linkcode K_CANDIDATES}).
 * @returns The determined k, or null.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { determinedK } from "./granularity.ts";
 * assert(determinedK([5, 10]) === 5 && determinedK([5, 9, 10]) === 5 && determinedK([3, 6, 8, 9]) === 3);
 * assert(determinedK([2, 3, 4, 5, 6, 7, 8, 9, 10]) === null); // 2, 3 and 5 each explain it
 * assert(determinedK([6, 9, 10]) === null && determinedK([]) === null);
 * ```
 */
export function determinedK(k: number[], candidates: readonly number[] = K_CANDIDATES): number | null {
  if (!k.length || k[0] < 2) return null;
  const gens = k.filter((x) => !k.some((y) => y < x && x % y === 0));
  const small = gens.filter((g) => 2 * g <= Math.max(...candidates));
  return small.length === 1 && small[0] === k[0] ? k[0] : null;
}

/** The k set shared by most rows (ties: the first seen), the main table's working k. */
function _modalK(sets: number[][]): number[] {
  const counts = new Map<string, number>();
  for (const s of sets) counts.set(s.join(","), (counts.get(s.join(",")) ?? 0) + 1);
  let best = "", n = -1;
  for (const [key, c] of counts) if (c > n && key !== "") [best, n] = [key, c];
  return best ? best.split(",").map(Number) : [];
}

/**
 * Format a k set compactly: `3, 6, 9`, or `none` when empty.
 *
 * @param k A set of k.
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatK } from "./granularity.ts";
 * assert(formatK([5, 10]) === "5, 10" && formatK([]) === "none");
 * ```
 */
export function formatK(k: number[]): string {
  return k.length ? k.join(", ") : "none";
}
