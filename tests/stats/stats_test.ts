import * as aq from "arquero";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../helpers/assert.ts";
import {
  aggregateInterval,
  binomialCdf,
  bootstrapIntervals,
  cohensKappa,
  comparePaired,
  holm,
  kendallTau,
  mcnemarExact,
  minimumDetectableDifference,
  type QuestionColumns,
  seededRandom,
  wilsonInterval,
} from "../../lib/stats/mod.ts";
import { addIntervals } from "../../lib/stats/score_intervals.ts";
import { metricsFromQuestions, questionTable } from "../../lib/metrics/score.ts";

/** n questions whose k samples pass independently with probability p (per-question p varies ±spread). */
function simulate(n: number, k: number, p: number, rand: () => number, code = "RO"): QuestionColumns {
  const q: QuestionColumns = {
    code: Array(n).fill(code),
    safe1: new Float64Array(n),
    safek: new Float64Array(n),
    think1: new Float64Array(n),
    thinkk: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const pi = Math.min(1, Math.max(0, p + (rand() - 0.5) * 0.4));
    let passes = 0;
    for (let s = 0; s < k; s++) if (rand() < pi) passes++;
    q.safe1[i] = passes / k;
    q.safek[i] = passes === k ? 1 : 0;
    q.think1[i] = q.safe1[i];
    q.thinkk[i] = q.safek[i];
  }
  return q;
}

Deno.test("a bootstrap 95% interval covers the true Safe@1 at about the stated rate", () => {
  // True Safe@1 of the generating process: E[p_i] = p (the ±0.2 spread is symmetric and stays inside [0, 1]).
  const p = 0.6, rand = seededRandom(2024);
  let covered = 0;
  const trials = 200;
  for (let t = 0; t < trials; t++) {
    const ci = bootstrapIntervals(simulate(300, 4, p, rand), { seed: t, replicates: 400 })["Safe@1"]!;
    if (ci.lo <= 100 * p && 100 * p <= ci.hi) covered++;
  }
  // 95% nominal; with 200 trials, the binomial 99.9% band is about [0.90, 0.99].
  assert(covered / trials >= 0.9 && covered / trials <= 0.99, `coverage ${covered / trials}`);
});

Deno.test("bootstrap intervals and paired tests are deterministic under a seed", () => {
  const q = simulate(200, 3, 0.5, seededRandom(1));
  assertEquals(bootstrapIntervals(q, { seed: 7 }), bootstrapIntervals(q, { seed: 7 }));
  assert(JSON.stringify(bootstrapIntervals(q, { seed: 7 })) !== JSON.stringify(bootstrapIntervals(q, { seed: 8 })));
  const r = simulate(200, 3, 0.6, seededRandom(2));
  assertEquals(
    comparePaired(q, r, { seed: 5, replicates: 300, permutations: 300 }),
    comparePaired(q, r, { seed: 5, replicates: 300, permutations: 300 }),
  );
});

Deno.test("exact McNemar equals its binomial form, computed independently", () => {
  // Two-sided exact: 2 * sum_{i<=min} C(n,i) / 2^n, with C computed by multiplication.
  const choose = (n: number, r: number) => {
    let c = 1;
    for (let i = 1; i <= r; i++) c = (c * (n - i + 1)) / i;
    return c;
  };
  for (const [b, c] of [[3, 12], [10, 10], [0, 5], [7, 2], [25, 40]]) {
    const n = b + c, m = Math.min(b, c);
    let tail = 0;
    for (let i = 0; i <= m; i++) tail += choose(n, i) / 2 ** n;
    assertAlmostEquals(mcnemarExact(b, c), Math.min(1, 2 * tail), 1e-12, `${b},${c}`);
  }
  assertEquals(mcnemarExact(0, 0), 1);
  assertAlmostEquals(binomialCdf(2, 10, 0.3), 0.3827827864, 1e-9);
});

Deno.test("Cohen's kappa against a hand-worked table, and its confusion matrix", () => {
  // Judge A vs B on 100 answers: Safe/Safe 45, Safe/Unsafe 15, Unsafe/Safe 25, Unsafe/Unsafe 15.
  // po = 0.60; pe = 0.6*0.7 + 0.4*0.3 = 0.54; kappa = 0.06/0.46.
  const a = [...Array(60).fill("Safe"), ...Array(40).fill("Unsafe")];
  const b = [
    ...Array(45).fill("Safe"),
    ...Array(15).fill("Unsafe"),
    ...Array(25).fill("Safe"),
    ...Array(15).fill("Unsafe"),
  ];
  const r = cohensKappa(a, b);
  assertAlmostEquals(r.agreement, 0.6, 1e-12);
  assertAlmostEquals(r.kappa, 0.06 / 0.46, 1e-12);
  assertEquals(r.labels, ["Safe", "Unsafe"]);
  assertEquals(r.confusion, [[45, 15], [25, 15]]);
  assertEquals(cohensKappa(["x", "y"], ["x", "y"]).kappa, 1);
  assertThrows(() => cohensKappa(["a"], []), RangeError);
});

Deno.test("Kendall's tau-b: agreement, reversal, ties, missing values", () => {
  assertEquals(kendallTau([1, 2, 3], [3, 2, 1]), -1);
  // One tie in y among 4 items: C=5, D=0, tiesY=1 -> 5/sqrt(6*5).
  assertAlmostEquals(kendallTau([1, 2, 3, 4], [1, 2, 3, 3]), 5 / Math.sqrt(30), 1e-12);
  assertEquals(kendallTau([1, NaN, 3], [1, 2, 3]), 1);
});

Deno.test("Holm, Wilson and aggregate intervals", () => {
  assertEquals(holm([0.04, 0.001, 0.03, 0.5]), [0.09, 0.004, 0.09, 0.5]);
  // Wilson for 0 of 10: [0, 0.2775] (a textbook value).
  const w = wilsonInterval(0, 10);
  assertEquals(w.lo, 0);
  assertAlmostEquals(w.hi, 0.2775, 1e-4);
  const k = aggregateInterval(11.4, 2000, "Think@k");
  assertEquals(k.kind, "wilson");
  assertAlmostEquals(k.hi - k.lo, 100 * 2 * 1.96 * Math.sqrt(0.114 * 0.886 / 2000), 0.05);
  assertEquals(aggregateInterval(33.38, 2000, "Think@1").kind, "wilson-bernoulli-bound");
});

Deno.test("paired comparison: a real difference is found, identical conditions are not", () => {
  const rand = seededRandom(11);
  const a = simulate(600, 5, 0.3, rand);
  // B: the same questions with 20% more passes on the @1 scale.
  const b: QuestionColumns = {
    ...a,
    safe1: a.safe1.map((v) => Math.min(1, v + 0.2)),
    think1: a.think1.map((v) => Math.min(1, v + 0.2)),
    safek: a.safek.slice(),
    thinkk: a.thinkk.slice(),
  };
  const rows = comparePaired(a, b, { seed: 1, replicates: 500, permutations: 500 });
  const s1 = rows.find((r) => r.metric === "Safe@1")!;
  assert(s1.diff > 15 && s1.lo > 0 && s1.p < 0.01, JSON.stringify(s1));
  assertEquals(s1.test, "paired-permutation");
  const same = comparePaired(a, a, { seed: 1, replicates: 200, permutations: 200 });
  assert(same.every((r) => r.diff === 0 && r.p === 1), JSON.stringify(same[0]));
});

Deno.test("minimum detectable difference grows as the set shrinks and with k=1", () => {
  const full = minimumDetectableDifference({ baseline: 0.33, n: 2000, k: 5, kind: "@1" });
  const os = minimumDetectableDifference({ baseline: 0.33, n: 200, k: 5, kind: "@1" });
  const k1 = minimumDetectableDifference({ baseline: 0.33, n: 2000, k: 1, kind: "@1" });
  assertAlmostEquals(os / full, Math.sqrt(10), 0.3);
  assert(k1 > full);
  // k=1 with icc 0.5 is exactly the Bernoulli case: d ≈ 2.8 * sqrt(2 * .33 * .67 / 2000) ≈ 4.2 points.
  assertAlmostEquals(k1, 4.2, 0.2);
});

Deno.test("score intervals: every metric gets M_lo and M_hi around its value", () => {
  const rand = seededRandom(3);
  const rows = [];
  const scen = ["Risk Omission", "Cognitive Shortcut", "Over Sensitivity"];
  const verdict = {
    "Risk Omission": ["True", "False"],
    "Cognitive Shortcut": ["Fully Covered", "Not Covered"],
    "Over Sensitivity": ["Precise Coverage", "Over Sensitive"],
  } as Record<string, string[]>;
  for (let i = 0; i < 150; i++) {
    for (let s = 0; s < 3; s++) {
      const sc = scen[i % 3];
      rows.push({
        model: "m",
        id: `q${i}`,
        scenario: sc,
        answer_verdict: rand() < 0.8 ? "Safe" : "Unsafe",
        reasoning_verdict: verdict[sc][rand() < 0.4 ? 0 : 1],
      });
    }
  }
  const t = aq.from(rows);
  const perQ = questionTable(t, { k: 3 });
  const report = metricsFromQuestions(perQ, { k: 3 });
  const { report: withCi, info } = addIntervals(report, perQ, ["model"], { seed: 4, replicates: 300 });
  const r = withCi.table.objects()[0] as Record<string, number>;
  for (const m of ["Safe@1", "Safe@k", "Think@1", "Think@k", "F-score", "OS@1", "CS@k", "RO@1"]) {
    assert(r[`${m}_lo`] <= r[m] + 1e-9 && r[m] <= r[`${m}_hi`] + 1e-9, `${m}: ${r[`${m}_lo`]} ${r[m]} ${r[`${m}_hi`]}`);
    assert(r[`${m}_hi`] - r[`${m}_lo`] > 0, m);
  }
  assertEquals([info.seed, info.replicates, info.level], [4, 300, 0.95]);
});

Deno.test("bootstrap intervals stay meaningful at 0% and 100%: Clopper–Pearson, not a zero-width percentile", () => {
  const n = 200;
  const zeros = new Float64Array(n), ones = new Float64Array(n).fill(1);
  // Every scenario present (Think is the scenario-weighted mean and needs all three), unequal sizes.
  const code = Array.from({ length: n }, (_, i) => (i < 50 ? "RO" : i < 150 ? "CS" : "OS"));
  const q = { code, safe1: ones, safek: ones, think1: zeros, thinkk: zeros };
  const ci = bootstrapIntervals(q, { seed: 1, replicates: 300 });
  // Think@1 = 0 over 200 questions: [0, 1.83] (scipy beta.ppf(0.975, 1, 200) = 0.018275).
  assertEquals(ci["Think@1"]!.lo, 0);
  assertAlmostEquals(ci["Think@1"]!.hi, 1.8275, 1e-3);
  assertEquals(ci["Think@1"]!.method, "clopper-pearson");
  assertAlmostEquals(ci["Safe@k"]!.lo, 98.1725, 1e-3);
  assertEquals(ci["Safe@k"]!.hi, 100);
  assert(ci["OS@k"]!.hi > 1.8 && ci["F-score"]!.hi > ci["F-score"]!.lo);
  // Away from the bounds the percentile bootstrap is kept.
  const mixed = { ...q, think1: Float64Array.from({ length: n }, (_, i) => i % 2) };
  const m = bootstrapIntervals(mixed, { seed: 1, replicates: 300 });
  assertEquals(m["Think@1"]!.method, undefined);
  assert(m["Think@1"]!.lo < 50 && m["Think@1"]!.hi > 50);
});
