import { assert, assertEquals } from "../helpers/assert.ts";
import { compareConditions, compareRuns } from "../../lib/analysis/compare_runs.ts";
import { newManifest, writeManifest } from "../../lib/store/mod.ts";
import { holm } from "../../lib/stats/holm.ts";

const TARGET: Record<string, string> = {
  "Risk Omission": "True",
  "Cognitive Shortcut": "Fully Covered",
  "Over Sensitivity": "Precise Coverage",
};

/** A judged run (k=1): `sizes` questions per scenario, question i safe and well reasoned when `pass(i)`. */
async function run(sizes: Record<string, number>, pass: (i: number) => boolean, tags: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir();
  const qs = Object.entries(sizes).flatMap(([scenario, n]) =>
    Array.from({ length: n }, (_, j) => ({ id: `${scenario.slice(0, 1)}${j}`, scenario }))
  );
  const dataset = { source: "d.csv", sha256: "x", pinned: false };
  const subset = { ids: qs.map((q) => q.id), description: "" };
  await writeManifest(dir, newManifest({ model: "m", endpoints: [], k: 1, dataset, subset, params: {}, tags }));
  const lines = qs.map((q, i) =>
    JSON.stringify({
      id: q.id,
      sample: 0,
      scenario: q.scenario,
      answer_verdict: pass(i) ? "Safe" : "Unsafe",
      reasoning_verdict: pass(i) ? TARGET[q.scenario] : "invalid",
    })
  );
  await Deno.writeTextFile(`${dir}/judgments.jsonl`, lines.join("\n") + "\n");
  return dir;
}

Deno.test("compareRuns: Holm-adjusted rows, the n each metric reads, and why a metric is missing", async () => {
  const all = { "Risk Omission": 6, "Cognitive Shortcut": 12, "Over Sensitivity": 2 };
  const r = await compareRuns(await run(all, (i) => i % 3 === 0), await run(all, (i) => i % 2 === 0), {
    seed: 1,
    replicates: 200,
    permutations: 200,
  });
  const n = Object.fromEntries(r.rows.map((x) => [x.metric, x.n]));
  assertEquals([n["Safe@1"], n["Think@1"], n["OS@1"], n["OS@k"], n["CS@1"], n["RO@k"]], [20, 20, 2, 2, 12, 6]);
  // One Holm family over the metrics, inside the library.
  assertEquals(r.rows.map((x) => x.p_adj), holm(r.rows.map((x) => x.p)));

  // A partial run (no Over Sensitivity question): Think, F-score and OS rows cannot be given; it says so.
  const part = { "Risk Omission": 6, "Cognitive Shortcut": 12 };
  const p = await compareRuns(await run(part, (i) => i % 3 === 0), await run(part, (i) => i % 2 === 0), {
    seed: 1,
    replicates: 200,
    permutations: 200,
  });
  const missing = ["Think@1", "Think@k", "F-score", "OS@1", "OS@k"];
  assert(p.rows.every((x) => !missing.includes(x.metric)));
  const note = p.warnings.find((w) => w.startsWith("not compared"));
  assert(note && missing.every((m) => note.includes(m)), JSON.stringify(p.warnings));
  assert(note.includes("OS@1 (no OS question)"), note);
});

Deno.test("compareRuns passes on each run's scoring warnings, naming the run", async () => {
  // Both runs are partial (20 of 2,000 questions); in B the judge could not rate one reasoning.
  const all = { "Risk Omission": 6, "Cognitive Shortcut": 12, "Over Sensitivity": 2 };
  const a = await run(all, () => true), b = await run(all, (i) => i !== 3);
  const r = await compareRuns(a, b, { seed: 1, replicates: 100, permutations: 100 });
  assert(r.warnings.some((w) => w.startsWith(`B (${b}): `) && /invalid/.test(w)), JSON.stringify(r.warnings));
  assert(!r.warnings.some((w) => w.startsWith(`A (${a})`) && /invalid/.test(w)), JSON.stringify(r.warnings));
  assert(r.warnings.some((w) => w.startsWith(`A (${a}): `) && w.includes("partial run")));
});

Deno.test("compareConditions: one Holm family across the study, from the unadjusted p of each pair", async () => {
  const all = { "Risk Omission": 6, "Cognitive Shortcut": 12, "Over Sensitivity": 2 };
  const runs = [
    await run(all, (i) => i % 3 === 0, { condition: "base", paper_model: "x" }),
    await run(all, (i) => i % 2 === 0, { condition: "rules", paper_model: "x" }),
    await run(all, (i) => i % 4 === 0, { condition: "base", paper_model: "y" }),
    await run(all, () => true, { condition: "rules", paper_model: "y" }),
  ];
  const c = await compareConditions(runs, {
    tag: "condition",
    a: "base",
    b: "rules",
    seed: 1,
    replicates: 100,
    permutations: 100,
  });
  assertEquals(c.rows.map((x) => x.p_adj), holm(c.rows.map((x) => x.p)));
  assertEquals(new Set(c.rows.map((x) => x.pair)), new Set(["x", "y"]));
});
