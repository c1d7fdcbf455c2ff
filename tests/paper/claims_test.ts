import { assert, assertAlmostEquals, assertEquals } from "../helpers/assert.ts";
import {
  decodingSignificance,
  loadPaper,
  publishedIcc,
  safetyRulesClaims,
  safetyRulesSignificance,
  scalingClaims,
  scenarioGains,
  star1Claims,
  star1Significance,
} from "../../lib/paper/mod.ts";
import { changeClaim, compareClaim, pooledChange } from "../../lib/stats/claims.ts";
import { adjustFamily, benjaminiHochberg, holm } from "../../lib/stats/holm.ts";
import { publishedDifference } from "../../lib/stats/published.ts";
import { estimateIcc, iccFromAt1AtK, minimumDetectableDifference, PUBLISHED_ICC } from "../../lib/stats/power.ts";

const paper = await loadPaper();

Deno.test("safety-rule marks: 25 comparisons under Holm; no OS@1 change is significant", () => {
  const { rows, label } = safetyRulesSignificance(paper);
  assertEquals(rows.length, 25);
  assert(label.includes("Holm") && label.includes("25 comparisons"));
  assertEquals(rows.map((r) => r.p_adj), holm(rows.map((r) => r.p)));
  const os = rows.filter((r) => r.metric === "OS@1");
  assertEquals(os.filter((r) => r.diff < 0).length, 3);
  assert(os.every((r) => !r.significant && r.mark === ""));
  // A change that passed the unadjusted half-width test alone can fail after Holm; never the reverse.
  assert(rows.every((r) => !r.significant || Math.abs(r.diff) > r.halfWidth));
  assert(rows.filter((r) => r.metric === "Safe@1").every((r) => r.significant));
});

Deno.test("the safety-rules claim is computed: OS@1 says not significant, Safe@1 rises significantly", () => {
  const claims = Object.fromEntries(safetyRulesClaims(paper).map((c) => [c.metric, c.claim]));
  assert(claims["OS@1"].includes("falls for 3 of 5, rises for 2 of 5"), claims["OS@1"]);
  assert(claims["OS@1"].includes("no change is significant"), claims["OS@1"]);
  assert(claims["OS@1"].includes("QwQ-32B −7.8 points (95% CI"), claims["OS@1"]);
  assert(!claims["OS@1"].toLowerCase().includes("over-sensitive"));
  assert(claims["Safe@1"].includes("a significant rise for 5 of 5"), claims["Safe@1"]);
  // The claim follows the numbers: make QwQ-32B's OS@1 fall by 40 points and it becomes significant.
  const moved = {
    ...paper,
    safetyRules: paper.safetyRules.derive({
      "OS@1": (d: { model: string; condition: string; "OS@1": number }) =>
        d.model === "QwQ-32B" && d.condition === "rules" ? 9.8 : d["OS@1"],
    }),
  };
  const os = safetyRulesClaims(moved).find((c) => c.metric === "OS@1")!.claim;
  assert(os.includes("a significant fall for 1 of 5"), os);
});

Deno.test("STAR-1 marks: 30 comparisons under Holm", () => {
  const { rows, label } = star1Significance(paper);
  assertEquals(rows.length, 30);
  assert(label.includes("30 comparisons"));
  assert(rows.filter((r) => r.metric === "OS@1").every((r) => !r.significant));
});

Deno.test("decoding marks compare only rows whose k the audit determines equal to the recommended row's", () => {
  const qwen = decodingSignificance(paper, "Qwen3-32B");
  assertEquals([qwen.rows.length, qwen.excluded.length], [0, 8]);
  assert(qwen.excluded.every((e) => e.k === 3 && e.baselineK === 5));
  const qwq = decodingSignificance(paper, "QwQ-32B");
  // The greedy top_k=1 row fits every k from 2 to 10 (its k=3 siblings fit 3, 6, 9): undetermined
  // (null), so none of its cells is marked; T=1.2 fits 6, 9 and 10: undetermined too.
  assertEquals(qwq.excluded.map((e) => e.k), [null, 3, 3, 3, 3, 3, 3, null]);
  assertEquals(qwq.excluded[0].condition, "top_k=1 top_p=0.95 T=0.6");
  assertEquals(qwq.rows.length, 0);
});

Deno.test("the scaling claim is computed per family: RO most in Qwen3 only significantly; CS least everywhere", () => {
  const g = scenarioGains(paper);
  const qwen = g.filter((x) => x.family === "Qwen3");
  assertEquals(qwen.map((x) => x.scenario), ["RO", "CS", "OS"]);
  assertEquals(qwen.find((x) => x.scenario === "RO")!.gain.toFixed(1), "56.2");
  const claims = scalingClaims(paper);
  // The largest *dense* model: Qwen3-235B-A22B is larger, and named as left out.
  assert(
    claims[0].startsWith(
      "Qwen3, smallest to largest dense model (Qwen3-0.6B → Qwen3-32B; mixture-of-experts Qwen3-235B-A22B, Qwen3-30B-A3B left out): RO gains most in points",
    ),
    claims[0],
  );
  assert(claims[1].includes("not significant"), claims[1]); // R1-Distill-Qwen: RO vs OS gain 31.5 vs 31.4
  assert(claims[2].startsWith("R1-Distill-Llama") && claims[2].includes("OS gains most"), claims[2]);
  assert(claims[2].includes("in relative terms CS gains most"), claims[2]);
  assert(
    claims[3].includes("RO gains most in points in 2 of 3 (significantly more than the runner-up in 1)"),
    claims[3],
  );
  assert(claims[3].includes("in relative terms RO gains most in 2 of 3 (significantly more than the runner-up in 0)"));
});

/*
 * References:
 *   statsmodels 0.13.5 confint_proportions_2indep(0.3443 * 600, 600, 0.0293 * 600, 600,
 *     method="log", compare="ratio") -> (7.317866222640579, 18.869236977214914): R1-Distill-Qwen RO@1, 1.5B → 32B
 *   statsmodels.stats.meta_analysis.combine_effects(diff, se**2) fixed effect, the six STAR-1
 *     CS@1 changes (se = half-width / 1.959963984540054) -> 1.4933131703012672, CI 0.691302 .. 2.295325
 *   scipy 1.10.1 scipy.stats.binomtest(6, 6).pvalue -> 0.03125
 */
Deno.test("claims carry their uncertainty: ratios with intervals, a family's changes pooled and sign-tested", () => {
  const ro = scenarioGains(paper).find((g) => g.family === "R1-Distill-Qwen" && g.scenario === "RO")!;
  assertAlmostEquals(ro.ratio!, 34.43 / 2.93, 1e-9);
  assertAlmostEquals(ro.ratio_lo!, 7.317866222640579, 1e-6);
  assertAlmostEquals(ro.ratio_hi!, 18.869236977214914, 1e-6);
  assert(scalingClaims(paper)[1].includes("RO gains most (×11.8, 95% CI ×7.3 to ×18.9;"), scalingClaims(paper)[1]);

  const cs = star1Significance(paper).rows.filter((r) => r.metric === "CS@1");
  const pooled = pooledChange(
    cs.map((r) => ({
      subject: r.model,
      diff: r.diff,
      lo: r.diff - r.halfWidth,
      hi: r.diff + r.halfWidth,
      significant: false,
    })),
  );
  assertAlmostEquals(pooled.diff, 1.4933131703012672, 1e-9);
  assertAlmostEquals(pooled.lo, 0.691302, 1e-5);
  assertAlmostEquals(pooled.hi, 2.295325, 1e-5);
  assertAlmostEquals(pooled.p, 0.03125, 1e-12);
  // No single CS@1 change survives Holm, yet all six rise: the claim says so, not "no change".
  assert(cs.every((r) => !r.significant && r.diff > 0));
  const claim = star1Claims(paper).find((c) => c.metric === "CS@1")!.claim;
  assert(!claim.includes("do not support"), claim);
  assert(claim.includes("pooled +1.49 points (95% CI +0.69 to +2.30), sign test 6 rise vs 0 fall (p = 0.031)"), claim);
  assert(claim.includes("the changes together show a rise in CS@1"), claim);
  // OS@1 after STAR-1 (2 rise, 4 fall) still supports no change.
  assert(
    star1Claims(paper).find((c) => c.metric === "OS@1")!.claim.includes("the data do not support a change in OS@1"),
  );
});

Deno.test("claim sentences: intervals, signs and 'not significant'", () => {
  const s = changeClaim("X", "after", [{ subject: "a", diff: 2, lo: -1, hi: 5, significant: false }], "Holm over 1");
  assert(s.includes("no change is significant (Holm over 1)") && s.includes("a +2.0 points (95% CI −1.0 to +5.0"), s);
  assert(s.endsWith("not significant after Holm)."), s);
  const t = changeClaim("X", "after", [{ subject: "a", diff: -6, lo: -9, hi: -3, significant: true }], "Holm over 1");
  assert(t.includes("a significant fall for 1 of 1"), t);
  const c = compareClaim({ name: "A", value: 10, halfWidth: 3 }, { name: "B", value: 9, halfWidth: 4 });
  assert(c.endsWith("(95% CI −4.0 to +6.0, not significant)"), c);
});

Deno.test("family controls: Benjamini–Hochberg matches the reference and is never stricter than Holm", () => {
  const p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216];
  // min over j ≥ i of (m / j)·p_(j), computed by hand (BH 1995, step-up).
  const ref = [0.01, 0.04, 0.084, 0.084, 0.084, 0.1, 0.10571428571, 0.216, 0.216, 0.216];
  benjaminiHochberg(p).forEach((x, i) => assert(Math.abs(x - ref[i]) < 1e-8, `${i}: ${x} vs ${ref[i]}`));
  const h = holm(p);
  benjaminiHochberg(p).forEach((x, i) => assert(x <= h[i] + 1e-12));
  assert(adjustFamily(p.map((x) => ({ p: x })), "bh").label.startsWith("Benjamini–Hochberg"));
  // The published-difference p-value agrees with its half-width: exceeds ⇔ p < 0.05.
  for (const [a, b, n] of [[93.54, 99.8, 2000], [49.8, 42.0, 200], [32.5, 32.33, 2000]]) {
    const d = publishedDifference(a, b, n);
    assertEquals(d.exceeds, d.p < 0.05);
  }
});

Deno.test("power ICC: the published Safe@1/Safe@k pairs imply 0.26–0.74; the default is the largest", () => {
  const r = publishedIcc(paper);
  assertEquals(r.models.length, 23);
  assertEquals(Number(r.max.toFixed(2)), PUBLISHED_ICC);
  assertEquals(r.models.find((m) => m.icc === r.max)!.model, "R1-Distill-Qwen-32B");
  assert(r.min > 0.25 && r.min < 0.27 && Math.abs(r.median - 0.512) < 0.005);
  // The implied ICC reproduces the pair: with it, P(all 5 safe) is the published Safe@k.
  const icc = iccFromAt1AtK(0.8064, 0.717, 5)!;
  const s = (1 - icc) / icc, a = 0.8064 * s, b = (1 - 0.8064) * s;
  let all = 1;
  for (let i = 0; i < 5; i++) all *= (a + i) / (a + b + i);
  assert(Math.abs(all - 0.717) < 1e-9);
  // Independent samples (ICC 0) and identical samples (ICC 1) bound it.
  assert(estimateIcc([1, 2, 1, 2, 1, 2, 2, 1], 3)! < 0.2);
  assertEquals(estimateIcc([0, 3, 0, 3], 3), 1);
  assertEquals(estimateIcc([1], 3), null);
  // A larger ICC makes the @1 detectable difference larger.
  const mdd = (icc: number) => minimumDetectableDifference({ baseline: 0.33, n: 2000, k: 5, kind: "@1", icc });
  assert(mdd(PUBLISHED_ICC) > mdd(0.5));
});
