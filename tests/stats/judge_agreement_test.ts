import { assertAlmostEquals, assertEquals } from "../helpers/assert.ts";
import * as aq from "arquero";
import { kendallTau } from "../../lib/stats/agreement.ts";
import { rankBy } from "../../lib/table.ts";
import { judgeAgreement } from "../../lib/analysis/judge_agreement.ts";
import { newManifest, writeManifest } from "../../lib/store/mod.ts";

/*
 * Reference values from scikit-learn 1.2.1 (Debian python3-sklearn), sklearn.metrics.cohen_kappa_score:
 *   answers  a = S S S S U U U U, b = S S S U U U U S              -> 0.5
 *            the same with 4 samples 'truncated' in both             -> 0.75 (what counting them gave)
 *   reasoning a = T T F T F T T F, b = T F F T F T T T              -> 0.4666666666666667
 */
Deno.test("judge vs judge: samples no judge rated (failed, truncated) are left out and counted", async () => {
  const dir = await Deno.makeTempDir();
  const ids = Array.from({ length: 12 }, (_, i) => `q${i}`);
  const dataset = { source: "d.csv", sha256: "x", pinned: false };
  await writeManifest(
    dir,
    newManifest({ model: "m", endpoints: [], k: 1, dataset, subset: { ids, description: "" }, params: {}, tags: {} }),
  );
  const S = "Safe", U = "Unsafe";
  const answers = { a: [S, S, S, S, U, U, U, U], b: [S, S, S, U, U, U, U, S] };
  const reasons = { a: "TTFTFTTF", b: "TFFTFTTT" };
  const file = (j: "a" | "b") =>
    ids.map((id, i) => {
      const sentinel = i >= 8 ? (i === 11 ? "failed" : "truncated") : null;
      return JSON.stringify({
        id,
        sample: 0,
        scenario: "Risk Omission",
        answer_verdict: sentinel ?? answers[j][i],
        reasoning_verdict: sentinel ?? (reasons[j][i] === "T" ? "True" : "False"),
      }) + "\n";
    }).join("");
  await Deno.writeTextFile(`${dir}/judgments.jsonl`, file("a"));
  await Deno.writeTextFile(`${dir}/judgments-second.jsonl`, file("b"));
  const r = await judgeAgreement([dir], { judges: ["default", "second"] });
  const [answer, reasoning] = r.rubrics;
  assertEquals([answer.rubric, answer.n, answer.agreement], ["answer safety", 8, 75]);
  assertAlmostEquals(answer.kappa, 0.5, 5e-4);
  assertEquals([reasoning.rubric, reasoning.n], ["reasoning: Risk Omission", 8]);
  assertAlmostEquals(reasoning.kappa, 0.4666666666666667, 5e-4);
  assertEquals(Object.keys(answer.confusion), ["default=Safe", "default=Unsafe"]);
  assertEquals(r.excluded, [{ outcome: "truncated", count: 3 }, { outcome: "failed", count: 1 }]);
  assertEquals(r.notes, ["4 sample(s) no judge rated are left out of the rubrics: 3 truncated, 1 failed"]);
});

/*
 * scipy 1.10.1 (Debian python3-scipy), scipy.stats.kendalltau (tau-b):
 *   a = [37.30000000000004, 37.300000000000047, 40.1, 35.2, 50.0, 12.5]
 *   b = [20.0, 21.5, 30.25, 10.0, 40.0, 12.5]
 *   kendalltau(a, b) -> 0.8666666666666666 (the first two differ in the 15th digit)
 *   kendalltau([round(x, 2) for x in a], b) -> 0.8280786712108251 (as printed, they tie)
 */
Deno.test("Kendall's tau ties values that print alike; rankBy gives them one rank", () => {
  const a = [37.30000000000004, 37.300000000000047, 40.1, 35.2, 50.0, 12.5];
  const b = [20.0, 21.5, 30.25, 10.0, 40.0, 12.5];
  assertAlmostEquals(kendallTau(a, b), 0.8666666666666666, 1e-12);
  assertAlmostEquals(kendallTau(a, b, { digits: 2 }), 0.8280786712108251, 1e-12);
  const ranked = rankBy(aq.table({ model: ["m0", "m1", "m2", "m3", "m4", "m5"], x: a }), "x");
  assertEquals(ranked.array("rank"), [1, 2, 3, 3, 5, 6]);
  assertEquals((ranked.array("model") as string[]).slice(2, 4).sort(), ["m0", "m1"]);
});
