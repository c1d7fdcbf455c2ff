import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { agreementCommand } from "../../lib/cli/agreement.ts";
import { newManifest, writeManifest } from "../../lib/store/mod.ts";
import { humanAgreement } from "../../lib/review/agreement.ts";
import { parseLabels } from "../../lib/review/labels.ts";
import { designPath, type JudgedSample, planReview } from "../../lib/review/plan.ts";
import { readPlan, writePlan } from "../../lib/review/store.ts";

/*
 * Reference values (statsmodels 0.13.5, Debian python3-statsmodels; sklearn 1.2.1):
 *   judge  = 6 × Safe, 4 × Unsafe; blind person = Safe except samples 2 and 7 (Unsafe), sample 8 Safe
 *   blind labels: agreement 7/10; sklearn.metrics.cohen_kappa_score(judge, blind) -> 0.3478260869565218
 *   after revising the three disagreements to the judge's verdicts: 10/10, kappa 1 (what the latest labels gave)
 */
Deno.test("blind review: agreement uses the label given before the verdicts were shown; revisions counted", () => {
  const judgeV = ["Safe", "Safe", "Safe", "Safe", "Safe", "Safe", "Unsafe", "Unsafe", "Unsafe", "Unsafe"];
  const blindV = ["Safe", "Safe", "Unsafe", "Safe", "Safe", "Safe", "Unsafe", "Safe", "Safe", "Unsafe"];
  const judged: JudgedSample[] = judgeV.map((v, i) => ({
    id: `q${i}`,
    sample: 0,
    scenario: "Risk Omission",
    answer_verdict: v,
    reasoning_verdict: "True",
  }));
  const line = (i: number, v: string, extra = {}) =>
    JSON.stringify({ id: `q${i}`, sample: 0, reviewer: "ana", answer_verdict: v, reasoning_verdict: "True", ...extra });
  const lines = blindV.map((v, i) => line(i, v));
  // The person sees the judge's verdicts and relabels the three disagreements, and q0 twice alike.
  for (const i of [2, 7, 8]) lines.push(line(i, judgeV[i], { revision: true }));
  lines.push(line(0, "Safe", { revision: true }), line(0, "Safe", { revision: true }));
  const labels = parseLabels(lines.join("\n") + "\n", "labels-ana.jsonl", { scenarioOf: () => "Risk Omission" });
  const q0 = labels.find((l) => l.id === "q0")!;
  assertEquals([q0.revisions, q0.blind], [2, { answer_verdict: "Safe", reasoning_verdict: "True" }]);
  const r = humanAgreement({ judge: "default", judged, plan: null, labels, judgeScores: { "Safe@1": 60 } });
  const all = r.rubrics.find((x) => x.scenario === "all")!;
  assertEquals(all.agreement, 70);
  assertEquals(all.kappa, 0.348);
  assertEquals(r.revisions, [{ reviewer: "ana", revised: 4, changed: 3, to_judge: 3 }]);
  assert(r.warnings.some((w) => w.startsWith("ana revised 4 label(s)") && w.includes("blind")), r.warnings.join("\n"));
  // The corrected Safe@1 rests on the blind labels too: 7 Safe of 10 blind against the judge's 6
  // (+10 points; the revised labels, the judge's own verdicts, would give 0).
  assertEquals(r.metrics.find((m) => m.metric === "Safe@1")!.shift, 10);
});

Deno.test("review plan: the file the reviewer opens names no stratum and no verdict; the design is kept beside it", async () => {
  const dir = await Deno.makeTempDir();
  const judged: JudgedSample[] = Array.from({ length: 40 }, (_, i) => ({
    id: `q${i}`,
    sample: 0,
    scenario: i < 30 ? "Cognitive Shortcut" : "Risk Omission",
    answer_verdict: i % 5 ? "Safe" : "Unsafe",
    reasoning_verdict: i < 30 ? (i % 3 ? "Fully Covered" : "Not Covered") : "True",
  }));
  const plan = planReview(judged, { run: dir, n: 16, seed: 2, byVerdict: true, created: "t" });
  const path = `${dir}/review-plan.json`;
  await writePlan(path, plan);
  const text = await Deno.readTextFile(path);
  for (const word of ["Safe", "Unsafe", "Covered", "True", "stratum", "strata", "CS", "RO"]) {
    assert(!text.includes(word), `review-plan.json names ${word}:\n${text}`);
  }
  assertEquals(JSON.parse(text).samples, plan.samples.map(({ id, sample }) => ({ id, sample })));
  assert((await Deno.readTextFile(designPath(path))).includes("CS/Unsafe/Not Covered"));
  assertEquals(await readPlan(path), plan);
  await Deno.remove(designPath(path));
  await assertRejects(() => readPlan(path), Error, "review-plan.design.json is missing");
});

Deno.test("agreement --human A B (a shell glob's expansion) reads both labels files", async () => {
  const dir = await Deno.makeTempDir();
  const ids = Array.from({ length: 6 }, (_, i) => `q${i}`);
  const dataset = { source: "d.csv", sha256: "x", pinned: false };
  await writeManifest(
    dir,
    newManifest({ model: "m", endpoints: [], k: 1, dataset, subset: { ids, description: "" }, params: {}, tags: {} }),
  );
  const rec = (id: string, extra = {}) =>
    JSON.stringify({
      id,
      sample: 0,
      scenario: "Risk Omission",
      answer_verdict: "Safe",
      reasoning_verdict: "True",
      ...extra,
    });
  await Deno.writeTextFile(`${dir}/judgments.jsonl`, ids.map((id) => rec(id)).join("\n") + "\n");
  for (const who of ["ana", "ben"]) {
    await Deno.writeTextFile(
      `${dir}/labels-${who}.jsonl`,
      ids.map((id) => rec(id, { reviewer: who, time: "t", seconds: 1 })).join("\n") + "\n",
    );
  }
  const printed: string[] = [];
  const log = console.log, err = console.error;
  console.log = (s: string) => void printed.push(s);
  console.error = () => {};
  const args = ["--run", dir, "--judges", "default", "--human", `${dir}/labels-ana.jsonl`, `${dir}/labels-ben.jsonl`];
  const code = await agreementCommand([...args, "--json"]).finally(() => ((console.log = log), (console.error = err)));
  assertEquals(code, 0);
  assertEquals(JSON.parse(printed[0]).reviewers, ["ana", "ben"]);
});
