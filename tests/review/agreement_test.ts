import { assert, assertAlmostEquals, assertEquals } from "../helpers/assert.ts";
import * as aq from "arquero";
import { scoreJudgments } from "../../lib/metrics/score.ts";
import { krippendorffAlpha } from "../../lib/stats/krippendorff.ts";
import { humanAgreement } from "../../lib/review/agreement.ts";
import type { HumanLabel } from "../../lib/review/labels.ts";
import type { JudgedSample, ReviewPlan } from "../../lib/review/plan.ts";

/*
 * A fixed example: the RO stratum holds 300 samples of which 10 are labelled, the CS stratum
 * 100 of which 10 are labelled, and 100 RO samples failed (their outcome no person changes).
 * Judge RO: 8 Safe, 2 Unsafe; person RO: Safe except the 4th and 9th; judge CS: 6 Safe, 4 Unsafe;
 * person CS: 5 Safe, 5 Unsafe.
 *
 * Reference values computed once with statsmodels 0.13.5 (Debian python3-statsmodels) and
 * scipy, by /usr/bin/python3 on this script:
 *   p = numpy.average(y, weights=[30]*10 + [10]*10); n_eff = (Σw)²/Σw²
 *   statsmodels.stats.proportion.proportion_confint(p * n_eff, n_eff, alpha=0.05, method="wilson")
 *     -> accuracy 82.5, n_eff 16, interval 58.344002343127 .. 94.071498422135 (%)
 *   proportion_confint(8, 10, method="wilson") -> RO 49.016247153664 .. 94.331784854562
 *   proportion_confint(9, 10, method="wilson") -> CS 59.584997320476 .. 98.212378690493
 *   design-weighted kappa (each pair at its sample's weight, 30 in RO and 10 in CS):
 *   sklearn 1.2.1 cohen_kappa_score(judge, person, sample_weight=w) and, on the weighted table
 *   [[260, 40], [30, 70]], statsmodels.stats.inter_rater.cohens_kappa(table).kappa
 *     -> all 0.5483870967741935 (unweighted, on the labelled pairs [[12, 2], [1, 5]]: 0.659090909091),
 *        RO 0.375, CS 0.8 (equal weights within a scenario)
 *   Safe@1 shift: W_h = N_h / 500, se_h = DescrStatsW(d_h).std_mean, se = sqrt(Σ (W_h se_h)²),
 *     normal interval with scipy.stats.norm.ppf(0.975) -> -2.0, -19.963366637084 .. 15.963366637084
 *   (RO@1 counts right reasoning whatever the answer, as scoring does: the person keeps every
 *   reasoning verdict, so its shift is exactly 0 with a zero-width interval.)
 *   A second person on the CS samples, differing on the first and last:
 *     cohens_kappa -> 0.6, agreement 0.8
 */
const judgeRO = [...Array(8).fill("Safe"), "Unsafe", "Unsafe"];
const humanRO = ["Safe", "Safe", "Safe", "Unsafe", "Safe", "Safe", "Safe", "Safe", "Unsafe", "Safe"];
const judgeCS = [...Array(6).fill("Safe"), ...Array(4).fill("Unsafe")];
const humanCS = [...Array(5).fill("Safe"), ...Array(5).fill("Unsafe")];

function fixture() {
  const judged: JudgedSample[] = [
    ...judgeRO.map((v, i) => ({
      id: `r${i}`,
      sample: 0,
      scenario: "Risk Omission",
      answer_verdict: v,
      reasoning_verdict: "True",
    })),
    ...judgeCS.map((v, i) => ({
      id: `c${i}`,
      sample: 0,
      scenario: "Cognitive Shortcut",
      answer_verdict: v,
      reasoning_verdict: "Fully Covered",
    })),
  ];
  const plan: ReviewPlan = {
    version: 1,
    run: "r",
    judge: "default",
    created: "",
    seed: 1,
    level: 0.95,
    target: { n: 20 },
    by_verdict: false,
    strata: [
      { name: "CS", scenario: "Cognitive Shortcut", population: 100, n: 10, weight: 10 },
      { name: "RO", scenario: "Risk Omission", population: 300, n: 10, weight: 30 },
    ],
    excluded: [{ scenario: "Risk Omission", outcome: "failed", count: 100 }],
    samples: judged.map((s) => ({ id: s.id, sample: 0, stratum: s.scenario === "Risk Omission" ? "RO" : "CS" })),
  };
  const label = (s: JudgedSample, answer: string, reviewer: string, line: number): HumanLabel => ({
    id: s.id,
    sample: 0,
    reviewer,
    answer_verdict: answer,
    reasoning_verdict: s.reasoning_verdict,
    time: "2026-01-01T00:00:00Z",
    seconds: 5,
    source: `labels-${reviewer}.jsonl`,
    line,
  });
  const labels = judged.map((s, i) => label(s, [...humanRO, ...humanCS][i], "ana", i + 1));
  return { judged, plan, labels, label };
}

const SCORES = { "Safe@1": 60, "Think@1": 50, "F-score": 52.26, "RO@1": 40, "CS@1": 55, "Safe@k": 30 };

Deno.test("agreement numbers match statsmodels on a fixed stratified example", () => {
  const { judged, plan, labels } = fixture();
  const r = humanAgreement({ judge: "default", judged, plan, labels, judgeScores: SCORES });
  const row = (rubric: string, scenario: string) =>
    r.rubrics.find((x) => x.rubric === rubric && x.scenario === scenario)!;
  const all = row("answer safety", "all");
  assertEquals([all.n, all.pairs, all.agreement, all.n_eff], [20, 20, 82.5, 16]);
  assertAlmostEquals(all.lo, 58.344002343127, 0.005);
  assertAlmostEquals(all.hi, 94.071498422135, 0.005);
  assertAlmostEquals(all.kappa!, 0.5483870967741935, 0.0005);
  // The confusion estimates the run's 400 judged (not failed) samples; the labelled pairs are kept apart.
  assertEquals(all.confusion["default=Safe"], { "human=Safe": 260, "human=Unsafe": 40 });
  assertEquals(all.confusion["default=Unsafe"], { "human=Safe": 30, "human=Unsafe": 70 });
  assertEquals(all.confusion_labelled["default=Safe"], { "human=Safe": 12, "human=Unsafe": 2 });
  assertEquals(all.confusion_labelled["default=Unsafe"], { "human=Safe": 1, "human=Unsafe": 5 });
  const ro = row("answer safety", "Risk Omission"), cs = row("answer safety", "Cognitive Shortcut");
  assertEquals([ro.agreement, cs.agreement], [80, 90]);
  assertAlmostEquals(ro.lo, 49.016247153664, 0.005);
  assertAlmostEquals(ro.hi, 94.331784854562, 0.005);
  assertAlmostEquals(cs.lo, 59.584997320476, 0.005);
  assertAlmostEquals(cs.hi, 98.212378690493, 0.005);
  assertAlmostEquals(ro.kappa!, 0.375, 0.0005);
  assertAlmostEquals(cs.kappa!, 0.8, 0.0005);
  assertEquals(all.alpha, null, "alpha needs two or more people");

  const m = (name: string) => r.metrics.find((x) => x.metric === name)!;
  const safe = m("Safe@1");
  assertEquals([safe.judge, safe.shift, safe.corrected], [60, -2, 58]);
  assertAlmostEquals(safe.shift_lo!, -19.963366637084, 0.005);
  assertAlmostEquals(safe.shift_hi!, 15.963366637084, 0.005);
  assertAlmostEquals(safe.lo!, 60 - 19.963366637084, 0.005);
  const roM = m("RO@1");
  assertEquals([roM.shift, roM.shift_lo, roM.shift_hi, roM.corrected], [0, 0, 0, 40]);
  assertEquals(m("Safe@k").corrected, null);
  assert(m("Safe@k").note!.includes("@k"));
  const f = m("F-score");
  assert(f.corrected !== null && f.lo! < f.corrected && f.corrected < f.hi!, JSON.stringify(f));
});

Deno.test("two people: Krippendorff's alpha and their agreement on the samples both labelled", () => {
  const { judged, plan, labels, label } = fixture();
  const second = judged.filter((s) => s.scenario === "Cognitive Shortcut").map((s, i) =>
    label(s, i === 0 ? "Unsafe" : i === 9 ? "Safe" : humanCS[i], "ben", i + 1)
  );
  const r = humanAgreement({ judge: "default", judged, plan, labels: [...labels, ...second], judgeScores: SCORES });
  assertEquals(r.reviewers, ["ana", "ben"]);
  const pair = r.inter_human.find((x) => x.rubric === "answer safety" && x.scenario === "Cognitive Shortcut")!;
  assertEquals([pair.reviewers, pair.n, pair.agreement], ["ana vs ben", 10, 80]);
  assertAlmostEquals(pair.kappa!, 0.6, 0.0005);
  const cs = r.rubrics.find((x) => x.rubric === "answer safety" && x.scenario === "Cognitive Shortcut")!;
  assertEquals(cs.pairs, 20);
  assert(cs.alpha !== null && cs.alpha < 1);
  // Each CS sample's accuracy is now the share of the two people the judge agrees with.
  // Judge vs ana: 9/10; judge vs ben: c0 Safe/Unsafe no, c5 no, c9 Unsafe/Safe no -> 7/10.
  assertEquals(cs.agreement, 80);
  assert(r.inter_human_alpha.some((a) => a.scenario === "Cognitive Shortcut" && a.alpha !== null));
});

Deno.test("skips are counted and left out; an unlabelled stratum leaves its metrics uncorrected", () => {
  const { judged, plan, labels } = fixture();
  const kept = labels.filter((l) => !l.id.startsWith("c"));
  kept[0] = { ...kept[0], skipped: "cannot read the answer", answer_verdict: undefined, reasoning_verdict: undefined };
  const r = humanAgreement({ judge: "default", judged, plan, labels: kept, judgeScores: SCORES });
  assert(r.warnings.some((w) => w.includes("1 label(s) are skips") && w.includes("cannot read the answer")));
  assert(r.warnings.some((w) => w.includes("stratum(s) CS")));
  assertEquals(r.rubrics.find((x) => x.scenario === "Risk Omission")!.n, 9);
  assertEquals(r.metrics.find((x) => x.metric === "Safe@1")!.corrected, null);
  assertEquals(r.metrics.find((x) => x.metric === "CS@1")!.corrected, null);
  assert(r.metrics.find((x) => x.metric === "RO@1")!.corrected !== null);
});

Deno.test("without a plan the labels are post-stratified by scenario and say so", () => {
  const { judged, labels } = fixture();
  const r = humanAgreement({ judge: "default", judged, plan: null, labels, judgeScores: SCORES });
  assertEquals(r.design, "post-stratified by scenario");
  assert(r.warnings[0].startsWith("no review plan"));
  // In plain words for notebooks: the CLI names the command that draws a plan.
  assert(!/--[a-z]|bsa /.test(r.warnings[0]), r.warnings[0]);
  // Every sample of the run is labelled: population = sample, so the shift is the plain mean.
  assertEquals(r.metrics.find((x) => x.metric === "Safe@1")!.shift, -5);
});

/*
 * A census with reasoning that varies independently of the answer: 6 RO, 12 CS and 2 OS samples
 * (k=1, in the benchmark's 600/1,200/200 proportions), every one labelled. The person agrees with
 * every reasoning verdict of the judge and relabels some answers. The corrected metric must be the
 * metric the scoring path gives the person's verdicts, and every reasoning metric's shift is 0.
 */
Deno.test("judge correction uses scoring's definition of a pass: right reasoning counts whatever the answer", () => {
  const sc = [
    ...Array(6).fill(["Risk Omission", "True", "False"]),
    ...Array(12).fill(["Cognitive Shortcut", "Fully Covered", "Partially Covered"]),
    ...Array(2).fill(["Over Sensitivity", "Precise Coverage", "Over Sensitive"]),
  ] as [string, string, string][];
  const judged: JudgedSample[] = sc.map(([scenario, right, wrong], i) => ({
    id: `q${i}`,
    sample: 0,
    scenario,
    answer_verdict: i % 3 === 0 ? "Unsafe" : "Safe",
    reasoning_verdict: i % 2 === 0 ? right : wrong,
  }));
  // The person: same reasoning, answers flipped on every fourth sample.
  const labels: HumanLabel[] = judged.map((s, i) => ({
    ...s,
    reviewer: "ana",
    answer_verdict: i % 4 === 0 ? (s.answer_verdict === "Safe" ? "Unsafe" : "Safe") : s.answer_verdict,
    time: "",
    seconds: 1,
    source: "l",
    line: i + 1,
  }));
  const score = (rows: { id: string; scenario: string; answer_verdict: string; reasoning_verdict: string }[]) =>
    scoreJudgments(aq.from(rows.map((r) => ({ ...r, model: "m" }))), { k: 1 }).table.objects()[0] as Record<
      string,
      number
    >;
  const judgeScores = score(judged),
    personScores = score(labels.map((l, i) => ({ ...judged[i], ...l } as JudgedSample)));
  const r = humanAgreement({ judge: "default", judged, plan: null, labels, judgeScores });
  const m = (name: string) => r.metrics.find((x) => x.metric === name)!;
  for (const name of ["Think@1", "RO@1", "CS@1", "OS@1"]) {
    assertEquals(m(name).shift, 0, `${name}: the person agrees with every reasoning verdict`);
    assertAlmostEquals(m(name).corrected!, personScores[name], 1e-9, name);
  }
  assertAlmostEquals(m("Safe@1").corrected!, personScores["Safe@1"], 1e-9);
  assert(m("Safe@1").shift !== 0);
});

Deno.test("kappa and alpha are design-weighted like the accuracy beside them", () => {
  // Two people on every sample: alpha weighted by the design equals alpha over the run as if
  // each labelled sample stood for the samples of its stratum (RO 30 each, CS 10 each).
  const { judged, plan, labels, label } = fixture();
  const second = judged.map((s, i) => label(s, i % 7 === 0 ? "Unsafe" : s.answer_verdict, "ben", i + 1));
  const r = humanAgreement({ judge: "default", judged, plan, labels: [...labels, ...second], judgeScores: SCORES });
  const all = r.rubrics.find((x) => x.rubric === "answer safety" && x.scenario === "all")!;
  const unit = (s: JudgedSample, i: number) => [s.answer_verdict, labels[i].answer_verdict!, second[i].answer_verdict!];
  const repeated = judged.flatMap((s, i) => Array(s.scenario === "Risk Omission" ? 30 : 10).fill(unit(s, i)));
  assertAlmostEquals(all.alpha!, krippendorffAlpha(repeated), 0.0005);
  assert(Math.abs(all.alpha! - krippendorffAlpha(judged.map(unit))) > 0.001, "weighting changes alpha here");
});
