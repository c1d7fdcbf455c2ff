import * as aq from "arquero";
import { assert, assertAlmostEquals, assertEquals } from "../helpers/assert.ts";
import { bootstrapIntervals, metricsAt, questionColumns } from "../../lib/stats/bootstrap.ts";
import { addIntervals } from "../../lib/stats/score_intervals.ts";
import { metricsFromQuestions, questionTable } from "../../lib/metrics/score.ts";
import { METRICS } from "../../lib/metrics/names.ts";

const SCENARIOS = ["Risk Omission", "Cognitive Shortcut", "Over Sensitivity"];
const GOOD: Record<string, string> = {
  "Risk Omission": "True",
  "Cognitive Shortcut": "Fully Covered",
  "Over Sensitivity": "Precise Coverage",
};

/** `n` questions of one group, one sample each; question i is safe and well reasoned when `pass(i)`. */
function group(model: string, tag: string | null, n: number, pass: (i: number) => boolean) {
  return Array.from({ length: n }, (_, i) => {
    const scenario = SCENARIOS[i % 3];
    return {
      model,
      tag,
      id: `q${i}`,
      scenario,
      answer_verdict: pass(i) ? "Safe" : "Unsafe",
      reasoning_verdict: pass(i) ? GOOD[scenario] : "Wrong",
    };
  });
}

Deno.test("intervals match each report row to its own questions: keys that join alike, null beside 'null', unequal sizes", () => {
  // Joined with a separator, ("a\0b", "c") and ("a", "b\0c") are one key, and null prints as "null":
  // a wrong matching pools two groups' questions and gives both the same, wrong, interval.
  const judgments = aq.from([
    ...group("a\u0000b", "c", 30, () => true),
    ...group("a", "b\u0000c", 90, () => false),
    ...group("a", null, 60, (i) => i % 4 === 0),
    ...group("a", "null", 45, (i) => i % 5 !== 0),
  ]);
  const by = ["model", "tag"];
  const perQ = questionTable(judgments, { k: 1, by });
  const report = metricsFromQuestions(perQ, { k: 1, by });
  assertEquals(report.table.numRows(), 4);
  const opts = { seed: 7, replicates: 200 };
  const { report: withCi } = addIntervals(report, perQ, by, opts);
  // Intervals resample the questions in one canonical order (groups, then id), whatever their order in the table.
  const ordered = perQ.orderby("model", "tag", "id");
  const questions = ordered.objects() as Record<string, unknown>[];
  const sizes: number[] = [];
  for (const [i, row] of (withCi.table.objects() as Record<string, unknown>[]).entries()) {
    // The row's own questions, matched with === on each column.
    const own = questions.flatMap((q, j) => (q.model === row.model && q.tag === row.tag ? [j] : []));
    sizes.push(own.length);
    const ci = bootstrapIntervals(questionColumns(ordered, own), { ...opts, weights: report.weights[i] });
    for (const m of METRICS) {
      assertEquals(
        [row[`${m}_lo`], row[`${m}_hi`]],
        [ci[m]?.lo ?? null, ci[m]?.hi ?? null],
        `${row.model}/${row.tag} ${m}`,
      );
    }
  }
  assertEquals(sizes.sort((x, y) => x - y), [30, 45, 60, 90]);
  // The all-safe and the all-unsafe group keep intervals on their own side.
  const [allSafe, allUnsafe] = ["c", "b\u0000c"].map((t) =>
    (withCi.table.objects() as Record<string, number | string>[]).find((r) => r.tag === t)!
  );
  assert((allSafe["Safe@1_lo"] as number) > 80 && (allUnsafe["Safe@1_hi"] as number) < 10);
});

/** Per-question columns: `n` questions of scenario `code`, every one at `think1` (Safe@1 at `safe1`). */
function alike(parts: [code: string, n: number, think1: number, safe1: number][]) {
  const rows = parts.flatMap(([code, n, t, s]) => Array.from({ length: n }, () => ({ code, t, s })));
  const col = (f: (r: { t: number; s: number }) => number) => Float64Array.from(rows, f);
  return {
    code: rows.map((r) => r.code),
    safe1: col((r) => r.s),
    safek: col((r) => r.s),
    think1: col((r) => r.t),
    thinkk: col((r) => r.t),
  };
}

/*
 * Clopper–Pearson references from statsmodels 0.13.5 (Debian python3-statsmodels):
 *   proportion_confint(10, 120, alpha=0.05, method="beta") -> (0.04068612886801647, 0.14791542933733517)
 *   proportion_confint(0, 100, alpha=0.05, method="beta")  -> (0, 0.03621669264517642)
 *   proportion_confint(100, 100, alpha=0.05, method="beta") -> (0.9637833073548235, 1)
 */
Deno.test("identical replicates: the Clopper–Pearson fallback surrounds the slice's own weighted estimate", () => {
  // A category slice: 100 RO questions all wrong, 10 CS all right, 10 OS all wrong; its weights
  // are its own scenario sizes, so Think@1 = 10·100 / 120 = 8.33 (60 under the benchmark's weights).
  const q = alike([["RO", 100, 0, 1], ["CS", 10, 1, 1], ["OS", 10, 0, 1]]);
  const weights = { RO: 100, CS: 10, OS: 10 };
  const est = metricsAt(q, q.code.map((_, i) => i), undefined, weights);
  assertAlmostEquals(est["Think@1"]!, 100 / 12, 1e-9);
  const ci = bootstrapIntervals(q, { seed: 1, replicates: 200, weights });
  const think = ci["Think@1"]!;
  assertEquals(think.method, "clopper-pearson");
  assertAlmostEquals(think.lo, 4.068612886801647, 1e-6);
  assertAlmostEquals(think.hi, 14.791542933733517, 1e-6);
  for (const m of METRICS) {
    const i = ci[m]!, e = est[m]!;
    assert(i.lo <= e + 1e-9 && e <= i.hi + 1e-9 && i.hi > i.lo, `${m} ${e} [${i.lo}, ${i.hi}]`);
  }
});

Deno.test("a slice without one scenario's questions: no zero-width interval on a 0% or 100% metric", () => {
  // 100 questions, RO only (the slice's weights give CS and OS nothing): Think@1 = 0, Safe@1 = 100.
  const q = alike([["RO", 100, 0, 1]]);
  const ci = bootstrapIntervals(q, { seed: 1, replicates: 200, weights: { RO: 100, CS: 0, OS: 0 } });
  assertEquals([ci["Think@1"]!.lo, ci["RO@1"]!.lo], [0, 0]);
  assertAlmostEquals(ci["Think@1"]!.hi, 3.621669264517642, 1e-6);
  assertAlmostEquals(ci["Safe@1"]!.lo, 96.37833073548235, 1e-6);
  assertEquals(ci["Safe@1"]!.hi, 100);
  assert(ci["F-score"]!.hi > ci["F-score"]!.lo, JSON.stringify(ci["F-score"]));
  assertEquals([ci["CS@1"], ci["OS@1"]], [null, null]);
});

Deno.test("intervals do not depend on the order the question records came in (a run judged at concurrency, an import)", () => {
  const judgments = aq.from(Array.from({ length: 60 }, (_, i) => ({
    model: "m",
    id: `q${String(i).padStart(2, "0")}`,
    scenario: i % 3 ? "Risk Omission" : "Cognitive Shortcut",
    answer_verdict: i % 4 ? "Safe" : "Unsafe",
    reasoning_verdict: i % 3 ? (i % 5 ? "True" : "False") : "Fully Covered",
  })));
  const reversed = aq.from((judgments.objects() as Record<string, unknown>[]).reverse());
  const ci = (t: typeof judgments) => {
    const perQ = questionTable(t, { k: 1, by: ["model"] });
    return addIntervals(metricsFromQuestions(perQ, { k: 1, by: ["model"] }), perQ, ["model"], {
      seed: 3,
      replicates: 300,
    })
      .report.table.objects();
  };
  assertEquals(ci(reversed), ci(judgments));
});
