import { SCENARIOS } from "../dataset/scenarios.ts";
import { DEFAULT_ALPHA, fScore, impliedAlpha } from "../metrics/fscore.ts";
import { thinkFromScenarios } from "../metrics/metric_table.ts";
import { roundHalfEven } from "../metrics/round.ts";
import { questionsFor } from "../stats/published.ts";
import { formatK, paperKFits, rowCondition, scoreTables } from "./granularity.ts";
import type { PaperTables } from "./load.ts";

/** One printed value that disagrees with its recomputation from other printed values. */
export interface AuditFinding {
  /** Paper table: `main`, `decoding`, `safetyRules`, `star1`, or `cross-table`. */
  table: string;
  model: string;
  /** The row's condition: `base`/`rules`/`star1`, a decoding setting such as `top_k=40 top_p=0.95 T=0.6`, or `-`. */
  condition: string;
  metric: string;
  printed: number;
  recomputed: number;
  note: string;
}

type Row = Record<string, number | string | boolean | null>;

function _decimals(values: number[]): number {
  return Math.max(...values.map((v) => (String(v).split(".")[1] ?? "").length), 0);
}

/**
 * Recompute every derived number of the paper from its parts and list each printed
 * value that disagrees beyond what rounding allows:
 * - Think@1 / Think@k as the question-weighted mean of RO, CS, OS (600/1,200/200);
 * - F-score from Think@1 and Safe@1 with α = 0.7639… (and, where that fails, the α
 *   the printed value implies, checked against the nearest two-decimal α);
 * - the same model and setting printed in two tables (main vs decoding default,
 *   main vs safety-rules base, main vs STAR-1 base);
 * - granularity: a percentage that no k in 1–10 makes possible for its question count
 *   (metric as printed), and a row whose inferred k differs from its comparison baseline's
 *   (metric `k`: printed = the row's k, recomputed = the baseline's; see {@linkcode paperKFits});
 * - every @k no larger than its @1 (the best of k samples cannot beat the mean of one).
 * A value agrees when it lies inside the range its inputs' rounding spans, widened
 * by half a unit of the printed value's own last decimal.
 *
 * @param paper The paper's tables ({@linkcode loadPaper}).
 * @param alpha The F-score weight to check against (default {@linkcode DEFAULT_ALPHA}).
 * @returns One finding per printed value that disagrees: table, model, condition, metric, printed, recomputed, note.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { auditPaper } from "./audit.ts";
 * const findings = auditPaper(await loadPaper());
 * assert(findings.some((f) => f.table === "main" && f.metric === "F-score"));
 * ```
 */
export function auditPaper(paper: PaperTables, alpha: number = DEFAULT_ALPHA): AuditFinding[] {
  const out: AuditFinding[] = [];
  for (const [name, table] of scoreTables(paper)) {
    const rows = table.objects() as Row[];
    const cols = table.columnNames();
    const half = 0.5 *
      10 ** -_decimals(rows.flatMap((r) => cols.filter((c) => c.includes("@")).map((c) => r[c] as number)));
    for (const r of rows) {
      const condition = rowCondition(r);
      for (const n of ["1", "k"]) {
        const parts = SCENARIOS.map((s) => r[`${s.code}@${n}`]);
        if (r[`Think@${n}`] == null || parts.some((p) => p == null)) continue;
        const recomputed = thinkFromScenarios(
          Object.fromEntries(SCENARIOS.map((s) => [s.code, r[`${s.code}@${n}`] as number])),
        )!;
        const printed = r[`Think@${n}`] as number;
        if (Math.abs(printed - recomputed) > 2 * half + 1e-9) {
          out.push({
            table: name,
            model: r.model as string,
            condition,
            metric: `Think@${n}`,
            printed,
            recomputed: roundHalfEven(recomputed, 3),
            note: `printed Think@${n} is not the ${
              SCENARIOS.map((s) => s.size).join("/")
            }-weighted mean of RO, CS, OS@${n} (off by ${(printed - recomputed).toFixed(3)})`,
          });
        }
      }
      if (r["F-score"] != null && r["Think@1"] != null && r["Safe@1"] != null) {
        const f = _checkF(r["F-score"] as number, r["Think@1"] as number, r["Safe@1"] as number, alpha, half);
        if (f) out.push({ table: name, model: r.model as string, condition, metric: "F-score", ...f });
      }
    }
  }
  out.push(..._crossTable(paper), ..._granularity(paper), ..._atKBelowAt1(paper));
  return out;
}

function _granularity(paper: PaperTables): AuditFinding[] {
  const out: AuditFinding[] = [];
  const tables = Object.fromEntries(scoreTables(paper));
  for (const f of paperKFits(paper)) {
    const row = (tables[f.table].objects() as Row[]).find((r) =>
      r.model === f.model && rowCondition(r) === f.condition
    )!;
    for (const metric of f.impossible) {
      const at1 = metric.endsWith("@1");
      out.push({
        table: f.table,
        model: f.model,
        condition: f.condition,
        metric,
        printed: row[metric] as number,
        recomputed: NaN,
        note: at1
          ? `possible for no k in 1–10: not a multiple of 100/(${questionsFor(metric)}·k) at the printed precision`
          : `impossible for any k: not a multiple of 100/${questionsFor(metric)} = ${
            roundHalfEven(100 / questionsFor(metric), 4)
          } at the printed precision`,
      });
    }
    if (f.undetermined && f.baseline !== "-") {
      out.push({
        table: f.table,
        model: f.model,
        condition: f.condition,
        metric: "k",
        printed: NaN,
        recomputed: f.baselineK ?? NaN,
        note: `the row fits k ∈ {${formatK(f.k)}}: its values do not determine its k, so its @k values ` +
          `cannot be compared with its baseline's (${f.baseline}${
            f.baselineK === null ? ", k undetermined" : `, k=${f.baselineK}`
          }); only its @1 values compare`,
      });
    } else if (!f.k.length && !f.impossible.length) {
      out.push({
        table: f.table,
        model: f.model,
        condition: f.condition,
        metric: "k",
        printed: NaN,
        recomputed: f.baselineK ?? NaN,
        note: "no k in 1–10 makes all of the row's percentages possible together",
      });
    } else if (!f.comparable && f.inferredK !== null) {
      out.push({
        table: f.table,
        model: f.model,
        condition: f.condition,
        metric: "k",
        printed: f.inferredK,
        recomputed: f.baselineK ?? NaN,
        note: f.baselineK === null
          ? `the row fits k ∈ {${formatK(f.k)}}, but the values of its baseline (${f.baseline}) do not ` +
            `determine the baseline's k: its @k values cannot be compared with the baseline's; only its @1 values compare`
          : `the row fits k ∈ {${formatK(f.k)}}, not k=${f.baselineK} of its baseline (${f.baseline}): ` +
            `its @k values measure best-of-${f.inferredK}, not best-of-${f.baselineK}, so only its @1 values compare with the baseline's`,
      });
    }
  }
  return out;
}

function _atKBelowAt1(paper: PaperTables): AuditFinding[] {
  const out: AuditFinding[] = [];
  for (const [name, table] of [["main", paper.main], ["decoding", paper.decoding]] as const) {
    for (const r of table.objects() as Row[]) {
      for (const m of ["Safe", "Think", ...SCENARIOS.map((s) => s.code)]) {
        const a1 = r[`${m}@1`], ak = r[`${m}@k`];
        if (typeof a1 !== "number" || typeof ak !== "number" || ak <= a1) continue;
        out.push({
          table: name,
          model: r.model as string,
          condition: rowCondition(r),
          metric: `${m}@k`,
          printed: ak,
          recomputed: a1,
          note: `${m}@k is above ${m}@1: a question passed by all k samples counts fully in both, so @k ≤ @1`,
        });
      }
    }
  }
  return out;
}

function _checkF(printed: number, t: number, s: number, alpha: number, half: number) {
  const fits = (a: number) =>
    printed >= fScore(t - half, s - half, a) - half - 1e-9 && printed <= fScore(t + half, s + half, a) + half + 1e-9;
  if (fits(alpha)) return null;
  const implied = impliedAlpha(printed, t, s);
  const round = roundHalfEven(implied, 2);
  const explained = Number.isFinite(implied) && fits(round);
  return {
    printed,
    recomputed: roundHalfEven(fScore(t, s, alpha), 2),
    note: explained
      ? `does not match α=${alpha.toFixed(4)}; explained by α=${round} (implied α=${implied.toFixed(4)})`
      : `does not match α=${alpha.toFixed(4)}; implied α=${implied.toFixed(4)} and no two-decimal α reproduces it`,
  };
}

function _crossTable(paper: PaperTables): AuditFinding[] {
  const out: AuditFinding[] = [];
  const main = new Map((paper.main.objects() as Row[]).map((r) => [r.model as string, r]));
  const others: [string, Row[]][] = [
    ["decoding default", (paper.decoding.objects() as Row[]).filter((r) => r.recommended)],
    ["safety-rules base", (paper.safetyRules.objects() as Row[]).filter((r) => r.condition === "base")],
    ["STAR-1 base", (paper.star1.objects() as Row[]).filter((r) => r.condition === "base")],
  ];
  for (const [what, rows] of others) {
    for (const r of rows) {
      const m = main.get(r.model as string);
      if (!m) continue;
      for (const metric of Object.keys(r).filter((c) => c.includes("@") || c === "F-score")) {
        if (r[metric] == null || m[metric] == null) continue;
        const printed = r[metric] as number;
        const ref = m[metric] as number;
        // The other table may print fewer decimals; accept either rounding of a
        // tie (figures are often rounded half-up, tables half-to-even).
        const unit = 10 ** -Math.max(_decimals([printed]), 1);
        if (Math.abs(ref - printed) > 0.5 * unit + 1e-6) {
          out.push({
            table: "cross-table",
            model: r.model as string,
            condition: what,
            metric,
            printed,
            recomputed: ref,
            note: `${what} prints ${printed}, the main table ${ref}${
              metric === "F-score" ? " (the two tables use different F-score weights)" : ""
            }`,
          });
        }
      }
    }
  }
  return out;
}
