import { assertAlmostEquals, assertEquals } from "../helpers/assert.ts";
import { judgeAgreement } from "../../lib/analysis/judge_agreement.ts";
import { newManifest, writeManifest } from "../../lib/pipeline/manifest.ts";

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
