import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { BsaError } from "../../lib/errors.ts";
import { planReview } from "../../lib/review/plan.ts";
import type { JudgedSample } from "../../lib/review/plan.ts";
import { allocate, kishEffectiveN } from "../../lib/stats/stratified.ts";
import { wilsonInterval } from "../../lib/stats/wilson.ts";

/** 600 RO, 1200 CS and 200 OS samples (k = 2 of 300 / 600 / 100 questions); a few rare verdicts. */
function run(): JudgedSample[] {
  const out: JudgedSample[] = [];
  const add = (scenario: string, questions: number, reasoning: (i: number) => string) => {
    for (let q = 0; q < questions; q++) {
      for (const sample of [0, 1]) {
        const i = 2 * q + sample;
        out.push({
          id: `${scenario[0]}${q}`,
          sample,
          scenario,
          answer_verdict: i % 50 === 0 ? "Unsafe" : "Safe",
          reasoning_verdict: reasoning(i),
        });
      }
    }
  };
  add("Risk Omission", 300, (i) => (i % 3 ? "True" : "False"));
  add("Cognitive Shortcut", 600, (i) => (i % 4 ? "Fully Covered" : "Not Covered"));
  add("Over Sensitivity", 100, (i) => (i === 7 ? "failed" : "Precise Coverage"));
  return out;
}

Deno.test("plan: proportional strata by scenario, failed samples counted apart, the design recorded", () => {
  const plan = planReview(run(), { run: "runs/a", n: 100, seed: 7, created: "t" });
  assertEquals(plan.strata.map((s) => [s.name, s.population, s.n]), [["CS", 1200, 60], ["OS", 199, 10], [
    "RO",
    600,
    30,
  ]]);
  assertEquals(plan.strata.map((s) => s.weight), [20, 19.9, 20]);
  assertEquals(plan.excluded, [{ scenario: "Over Sensitivity", outcome: "failed", count: 1 }]);
  assertEquals(plan.samples.length, 100);
  assertEquals(new Set(plan.samples.map((s) => `${s.id}#${s.sample}`)).size, 100, "no sample drawn twice");
  assert(!plan.samples.some((s) => s.id === "O3" && s.sample === 1), "the failed sample is never drawn");
  for (const st of plan.strata) assertEquals(plan.samples.filter((s) => s.stratum === st.name).length, st.n);
  assertEquals([plan.seed, plan.judge, plan.by_verdict, plan.target], [7, "default", false, { n: 100 }]);
  // The order mixes strata: the first 20 samples are not all of one scenario.
  assert(new Set(plan.samples.slice(0, 20).map((s) => s.stratum)).size > 1);
});

Deno.test("plan: the same seed draws the same samples whatever the input order; another seed others", () => {
  const a = planReview(run(), { run: "r", n: 50, seed: 3, created: "t" });
  const b = planReview(run().reverse(), { run: "r", n: 50, seed: 3, created: "t" });
  const c = planReview(run(), { run: "r", n: 50, seed: 4, created: "t" });
  assertEquals(a, b);
  assert(JSON.stringify(a.samples) !== JSON.stringify(c.samples));
  assertEquals(a.strata, c.strata, "the design does not depend on the seed");
});

Deno.test("plan --by-verdict keeps rare verdicts with at least two samples each", () => {
  const plan = planReview(run(), { run: "r", n: 60, seed: 1, byVerdict: true, created: "t" });
  const rare = plan.strata.filter((s) => s.name.includes("/Unsafe/"));
  assert(rare.length >= 3, plan.strata.map((s) => s.name).join());
  for (const s of plan.strata) assert(s.n >= Math.min(2, s.population), `${s.name} ${s.n}`);
  assertEquals(plan.strata.reduce((a, s) => a + s.n, 0), 60);
  assertThrows(() => planReview(run(), { run: "r", n: 5, seed: 1, byVerdict: true }), BsaError, "at least");
});

Deno.test("plan --margin: the smallest n whose Wilson half-width at Kish's n_eff reaches the margin", () => {
  const plan = planReview(run(), {
    run: "r",
    margin: 5,
    expectedAccuracy: 90,
    seed: 1,
    created: "t",
    marginRows: "overall",
  });
  const sizes = plan.strata.map((s) => s.population);
  const half = (n: number) => {
    const w = allocate(sizes, n).flatMap((m, i) => Array(m).fill(sizes[i] / m));
    const neff = kishEffectiveN(w);
    const { lo, hi } = wilsonInterval(0.9 * neff, neff);
    return (hi - lo) / 2;
  };
  const n = plan.samples.length;
  assert(half(n) <= 0.05 && half(n - 1) > 0.05, `n ${n}: ${half(n)} / ${half(n - 1)}`);
  assert(n > 120 && n < 160, String(n)); // about 138 at p = 0.9, ±5 points
  assert("margin" in plan.target && plan.target.reached && plan.target.half_width <= 5);
  const wide = planReview(run(), { run: "r", margin: 5, seed: 1, created: "t", marginRows: "overall" });
  assert(wide.samples.length > n, "50% expected accuracy is the widest interval");
  const all = planReview(run().slice(0, 40), { run: "r", margin: 1, seed: 1, created: "t" });
  assert("reached" in all.target && !all.target.reached && all.samples.length === 40);
});

/*
 * Reference (statsmodels 0.13.5, Debian python3-statsmodels): the smallest m with
 * proportion_confint(0.9 * m, m, alpha=0.05, method="wilson") of half-width <= 0.05 is 141
 * (half-width 0.04999508696143762).
 */
Deno.test("plan --margin sizes every accuracy row agreement reports: each scenario's too", () => {
  const every = planReview(run(), { run: "r", margin: 5, expectedAccuracy: 90, seed: 1, created: "t" });
  const overall = planReview(run(), {
    run: "r",
    margin: 5,
    expectedAccuracy: 90,
    seed: 1,
    created: "t",
    marginRows: "overall",
  });
  const os = (p: typeof every) => p.strata.find((s) => s.name === "OS")!.n;
  // Strata by scenario have equal weights within: a scenario row's n_eff is its sample count.
  assert(os(every) >= 141, `OS ${os(every)}`);
  assert(os(overall) < 141, `OS ${os(overall)}: the overall row alone leaves the OS row wider`);
  assert("rows" in every.target && every.target.rows!.length === 4);
  assertEquals(every.target.rows!.map((r) => r.row), [
    "answer safety, all",
    "answer safety and reasoning, Cognitive Shortcut",
    "answer safety and reasoning, Over Sensitivity",
    "answer safety and reasoning, Risk Omission",
  ]);
  for (const r of every.target.rows!) assert(r.half_width <= 5, `${r.row} ${r.half_width}`);
  assert("rows" in overall.target);
  assertEquals(overall.target.rows!.map((r) => r.row), ["answer safety, all"]);
});
