import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { tempDir } from "../helpers/paths.ts";
import { reasoningVerdicts, writeViewerRun } from "../helpers/viewer_runs.ts";
import { compareConditions, compareRuns } from "../../lib/analysis/mod.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import { DATASET_CSV } from "../helpers/paths.ts";
import { BsaError } from "../../lib/errors.ts";

/** The first `n` questions of every scenario. */
async function questionsOfEveryScenario(n: number) {
  const ds = await loadDataset({ path: DATASET_CSV });
  const all = ds.questions.objects() as { id: string; scenario: string }[];
  const by = new Map<string, { id: string; scenario: string }[]>();
  for (const q of all) by.set(q.scenario, [...(by.get(q.scenario) ?? []), q]);
  return [...by.values()].flatMap((qs) => qs.slice(0, n));
}

/** A judged run in which a fraction `safe` of the questions (by position) get safe, correct answers. */
function writeRun(
  dir: string,
  qs: { id: string; scenario: string }[],
  o: { tags: Record<string, string>; safe: number },
) {
  return writeViewerRun(dir, {
    model: "m",
    k: 2,
    tags: o.tags,
    questions: qs,
    sample: (q, s) => {
      const good = qs.indexOf(q) < o.safe * qs.length || s === 1;
      const v = reasoningVerdicts(q.scenario);
      return {
        answer: "a",
        reasoning: "r",
        verdicts: { answer: good ? "Safe" : "Unsafe", reasoning: good ? v.right : v.wrong },
      };
    },
  });
}

Deno.test("compareConditions: the rows equal compareRuns of the pair, found below a parent folder", async () => {
  await using dir = await tempDir();
  const qs = await questionsOfEveryScenario(6);
  await writeRun(`${dir.path}/study/base`, qs, { tags: { paper_model: "QwQ-32B", condition: "base" }, safe: 0.2 });
  await writeRun(`${dir.path}/study/rules`, qs, { tags: { paper_model: "QwQ-32B", condition: "rules" }, safe: 0.8 });
  const o = { tag: "condition", a: "base", b: "rules", seed: 3, replicates: 200, permutations: 200 };
  const { rows, warnings } = await compareConditions([`${dir.path}/study`], o);
  const direct = await compareRuns(`${dir.path}/study/base`, `${dir.path}/study/rules`, o);
  // Both runs are partial (18 of 2,000 questions): scoring's warning of each, and nothing else.
  assertEquals(warnings, direct.warnings.map((w) => `paper_model=QwQ-32B: ${w}`));
  assert(warnings.length === 2 && warnings.every((w) => w.includes("partial run")), JSON.stringify(warnings));
  assertEquals(
    rows.map((r) => [r.pair, r.metric, r.a, r.b, r.diff]),
    direct.rows.map((r) => ["QwQ-32B", r.metric, r.a, r.b, r.diff]),
  );
  const safe1 = rows.find((r) => r.metric === "Safe@1")!;
  assert(safe1.b > safe1.a, `rules safer: ${safe1.a} → ${safe1.b}`);
});

Deno.test("compareConditions refuses two runs of one condition for one pair, naming both, instead of picking one", async () => {
  await using dir = await tempDir();
  const qs = await questionsOfEveryScenario(4);
  await writeRun(`${dir.path}/base`, qs, { tags: { paper_model: "QwQ-32B", condition: "base" }, safe: 0.2 });
  await writeRun(`${dir.path}/base_repeat`, qs, { tags: { paper_model: "QwQ-32B", condition: "base" }, safe: 0.9 });
  await writeRun(`${dir.path}/rules`, qs, { tags: { paper_model: "QwQ-32B", condition: "rules" }, safe: 0.5 });
  const err = await assertRejects(
    () => compareConditions([dir.path], { tag: "condition", a: "base", b: "rules", replicates: 50, permutations: 50 }),
    BsaError,
  );
  assert(err.message.includes(`${dir.path}/base,`) && err.message.includes(`${dir.path}/base_repeat`), err.message);
  assert(err.message.includes("condition=base for paper_model=QwQ-32B"), err.message);
});

Deno.test("compareConditions counts what it leaves out: an unpaired run and questions only one run judged", async () => {
  await using dir = await tempDir();
  const qs = await questionsOfEveryScenario(6);
  await writeRun(`${dir.path}/a_base`, qs, { tags: { paper_model: "A", condition: "base" }, safe: 0.3 });
  // The rules run of A judged 3 questions fewer.
  await writeRun(`${dir.path}/a_rules`, qs.slice(3), { tags: { paper_model: "A", condition: "rules" }, safe: 0.6 });
  await writeRun(`${dir.path}/b_base`, qs, { tags: { paper_model: "B", condition: "base" }, safe: 0.3 });
  const { rows, warnings } = await compareConditions([dir.path], {
    tag: "condition",
    a: "base",
    b: "rules",
    replicates: 50,
    permutations: 50,
  });
  assertEquals([...new Set(rows.map((r) => r.pair))], ["A"]);
  assertEquals(warnings.filter((w) => !w.includes("partial run")), [
    `paper_model=A: 3 question(s) judged in only one run are left out; ${qs.length - 3} compared`,
    "paper_model=B: a run with condition=base but none with condition=rules; not compared",
  ]);
});
