// Every path that scores a run gives `bsa score`'s numbers (scoreRuns), on runs whose
// scenarios have unequal sizes (so Think's weights and the F-score's rounding matter).
import { assert, assertAlmostEquals, assertEquals } from "../helpers/assert.ts";
import { DATASET_CSV, tempDir } from "../helpers/paths.ts";
import { judgmentLine, reasoningVerdicts, writeViewerRun } from "../helpers/viewer_runs.ts";
import { compareRuns, judgeAgreement, runIcc, scoreRuns } from "../../lib/analysis/mod.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import { fScore } from "../../lib/metrics/fscore.ts";
import { METRICS } from "../../lib/metrics/names.ts";
import { roundHalfEven } from "../../lib/metrics/round.ts";
import { loadHumanAgreement } from "../../lib/review/store.ts";
import { appendLabel } from "../../lib/store/mod.ts";
import { kendallTau } from "../../lib/stats/agreement.ts";
import { estimateIcc } from "../../lib/stats/power.ts";

type Q = { id: string; scenario: string };

/** 7 Risk Omission, 5 Cognitive Shortcut and 4 Over Sensitivity questions of the dataset. */
async function unequalScenarios(): Promise<Q[]> {
  const ds = await loadDataset({ path: DATASET_CSV });
  const all = ds.questions.objects() as Q[];
  const take = (name: string, n: number) => all.filter((q) => q.scenario === name).slice(0, n);
  return [...take("Risk Omission", 7), ...take("Cognitive Shortcut", 5), ...take("Over Sensitivity", 4)];
}

/**
 * A judged run (k=3): sample s of the i-th question of its scenario is safe unless (i·a + s) % 4 = 0,
 * and its reasoning right when also (i·b + s) % 3 ≠ 0. `second` writes a second judge's verdicts.
 */
async function writeRun(dir: string, qs: Q[], a: number, b: number, second?: { a: number; b: number }) {
  const index = (q: Q) => qs.filter((x) => x.scenario === q.scenario).indexOf(q);
  const verdicts = (q: Q, s: number, a: number, b: number) => {
    const i = index(q), v = reasoningVerdicts(q.scenario);
    const safe = (i * a + s) % 4 !== 0, right = safe && (i * b + s) % 3 !== 0;
    return { answer: safe ? "Safe" : "Unsafe", reasoning: right ? v.right : v.wrong };
  };
  await writeViewerRun(dir, {
    model: "m",
    k: 3,
    questions: qs,
    sample: (q, s) => ({ answer: "a", reasoning: "r", verdicts: verdicts(q, s, a, b) }),
  });
  if (second) {
    const lines = qs.flatMap((q) => [0, 1, 2].map((s) => judgmentLine(q, s, verdicts(q, s, second.a, second.b))));
    await Deno.writeTextFile(`${dir}/judgments-second.jsonl`, lines.join(""));
  }
}

const row = async (dir: string, judge?: string) =>
  (await scoreRuns([dir], { judge })).table.objects()[0] as Record<string, number | null>;

Deno.test("compare's per-run F-score is score's where rounding Think@1 and Safe@1 first changes it", async () => {
  await using dir = await tempDir();
  const qs = await unequalScenarios();
  await writeRun(`${dir.path}/a`, qs, 2, 2);
  await writeRun(`${dir.path}/b`, qs, 1, 1);
  const score = await row(`${dir.path}/a`);
  // This run is one where the two conventions print different F-scores (47.22 against 47.23).
  assertEquals(roundHalfEven(score["F-score"]!, 2), 47.22);
  assertEquals(roundHalfEven(fScore(score["Think@1"]!, score["Safe@1"]!), 2), 47.23);
  const { rows } = await compareRuns(`${dir.path}/a`, `${dir.path}/b`, { seed: 1, replicates: 50, permutations: 50 });
  const scoreB = await row(`${dir.path}/b`);
  // Equal up to the order of summation (the scores are sums of the same per-question values).
  for (const r of rows) {
    assertAlmostEquals(r.a, score[r.metric]!, 1e-9, `${r.metric} of run a`);
    assertAlmostEquals(r.b, scoreB[r.metric]!, 1e-9, `${r.metric} of run b`);
  }
  assertEquals(roundHalfEven(rows.find((r) => r.metric === "F-score")!.a, 2), 47.22);
  assertEquals(rows.map((r) => r.metric), [...METRICS]);
});

Deno.test("judge agreement ranks the runs by each judge's scoreRuns scores", async () => {
  await using dir = await tempDir();
  const qs = await unequalScenarios();
  const runs = [[2, 2, 1, 2], [1, 1, 3, 1], [3, 2, 2, 1]].map(([a, b, c, d], i) => ({
    dir: `${dir.path}/r${i}`,
    a,
    b,
    second: { a: c, b: d },
  }));
  for (const r of runs) await writeRun(r.dir, qs, r.a, r.b, r.second);
  const { ranking } = await judgeAgreement(runs.map((r) => r.dir), { judges: ["default", "second"] });
  const first = await Promise.all(runs.map((r) => row(r.dir)));
  const second = await Promise.all(runs.map((r) => row(r.dir, "second")));
  assertEquals(ranking.map((r) => r.metric), [...METRICS]);
  for (const r of ranking) {
    // At the printed precision (2 decimals), as the ranking compares them.
    const tau = kendallTau(first.map((s) => s[r.metric] ?? NaN), second.map((s) => s[r.metric] ?? NaN), { digits: 2 });
    if (Number.isNaN(tau)) {
      // A judge ties every run: no tau, and a note saying why instead of NaN.
      assert(r.kendall_tau === null && /scores every run alike|not given/.test(r.note ?? ""), JSON.stringify(r));
    } else {
      assertAlmostEquals(r.kendall_tau!, tau, 0.0005, r.metric);
      assertEquals(r.note, null);
    }
  }
  // The judges disagree on the order of the runs somewhere: the check above compared real rankings.
  assert(ranking.some((r) => r.kendall_tau !== null && r.kendall_tau < 1), JSON.stringify(ranking));
  assert(ranking.some((r) => r.kendall_tau === null), "this design has a metric one judge ties: the note is checked");
});

Deno.test("the human-agreement baseline is the judge's scoreRuns row of the run", async () => {
  await using dir = await tempDir();
  const qs = await unequalScenarios();
  const run = `${dir.path}/r`;
  await writeRun(run, qs, 2, 2, { a: 1, b: 1 });
  for (const [i, q] of qs.slice(0, 6).entries()) {
    await appendLabel(run, {
      id: q.id,
      sample: 0,
      reviewer: "ana",
      answer_verdict: i % 2 ? "Safe" : "Unsafe",
      reasoning_verdict: reasoningVerdicts(q.scenario).right,
      time: "2026-01-01T00:00:00Z",
      seconds: 9,
    });
  }
  for (const judge of ["default", "second"]) {
    const report = await loadHumanAgreement({ run, judge, human: [`${run}/labels-ana.jsonl`] });
    const score = await row(run, judge === "default" ? undefined : judge);
    const byMetric = new Map(report.metrics.map((m) => [m.metric, m.judge]));
    for (const m of ["Safe@1", "Think@1", "F-score"]) {
      assertEquals(byMetric.get(m), roundHalfEven(score[m]!, 2), `${judge} ${m}`);
    }
  }
});

Deno.test("runIcc estimates from the questions bsa score scores, at the run's k", async () => {
  await using dir = await tempDir();
  const qs = await unequalScenarios();
  await writeRun(`${dir.path}/r`, qs, 2, 2);
  const est = await runIcc(`${dir.path}/r`);
  const score = await row(`${dir.path}/r`);
  // Safe samples of each question, from the rule the run was written with.
  const passes = qs.map((q) => {
    const i = qs.filter((x) => x.scenario === q.scenario).indexOf(q);
    return [0, 1, 2].filter((s) => (i * 2 + s) % 4 !== 0).length;
  });
  assertEquals([est.questions, est.k], [score.questions, 3]);
  assertEquals(est.questions, 16);
  assertEquals(est.icc, estimateIcc(passes, 3));
  assert(est.icc !== null);
});
