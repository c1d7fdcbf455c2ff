import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { DATASET_CSV, tempDir } from "../helpers/paths.ts";
import { reasoningVerdicts, writeViewerRun } from "../helpers/viewer_runs.ts";
import { loadUserRuns, scoreQuestionTable, scoreRuns } from "../../lib/analysis/mod.ts";
import { BsaError } from "../../lib/errors.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import * as aq from "arquero";
import { notebookContext, runsNote } from "../../lib/notebook/mod.ts";

/** A run folder with a manifest and generations but no judgment yet. */
async function unjudgedRun(dir: string): Promise<void> {
  await writeViewerRun(dir, {
    model: "m",
    k: 1,
    questions: [{ id: "q1", scenario: "Risk Omission" }],
    sample: () => ({ answer: "a", reasoning: "r" }),
  });
}

Deno.test("BSA_RUNS naming only an unjudged and a missing folder: no scores, and the reasons, not null", async () => {
  await using dir = await tempDir();
  const run = `${dir.path}/unjudged`, missing = `${dir.path}/no-such-runs`, empty = `${dir.path}/empty`;
  await unjudgedRun(run);
  await Deno.mkdir(empty);
  const prev = { BSA_RUNS: Deno.env.get("BSA_RUNS"), BSA_DATASET: Deno.env.get("BSA_DATASET") };
  Deno.env.set("BSA_RUNS", [run, missing, empty].join(","));
  Deno.env.set("BSA_DATASET", DATASET_CSV); // the notebook context loads the dataset too
  try {
    const runs = await loadUserRuns();
    assert(runs !== null, "paths were given: a result, not the 'no runs given' null");
    assertEquals([runs.dirs, runs.scores], [[], []]);
    assertEquals(runs.warnings.length, 3, runs.warnings.join("\n"));
    assert(runs.warnings[0].startsWith(`skipping ${run}: `) && runs.warnings[0].includes("no judgments yet"));
    assert(runs.warnings[1].startsWith(`skipping ${missing}: `), runs.warnings[1]);
    assertEquals(runs.warnings[2], `skipping ${empty}: no run folder (one with a manifest.json) in it`);
    // A notebook's first cell says so, with each reason, instead of showing the paper alone silently.
    const ctx = await notebookContext();
    const note = runsNote(ctx.runs);
    assert(note.startsWith("**None of the runs given could be used**"), note);
    for (const w of runs.warnings) assert(note.includes(`\n- ${w}`), note);
  } finally {
    for (const [name, value] of Object.entries(prev)) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
  assertEquals(await loadUserRuns([]), null);
});

Deno.test("a slice is scored as the benchmark restricted to its questions: scoreRuns and scoreQuestionTable agree, Think is the mean over its questions, absent ones counted", async () => {
  await using dir = await tempDir();
  const run = `${dir.path}/run`;
  const dataset = await loadDataset({ path: DATASET_CSV });
  const all = dataset.questions.objects() as { id: string; scenario: string }[];
  const of = (sc: string, n: number) => all.filter((q) => q.scenario === sc).slice(0, n);
  const [r1, r2] = of("Risk Omission", 2), [c1, c2] = of("Cognitive Shortcut", 2), [o1] = of("Over Sensitivity", 1);
  await writeViewerRun(run, {
    model: "m",
    k: 2,
    questions: [r1, r2, c1, c2, o1],
    sample: (q, s) => ({
      answer: "a",
      reasoning: "r",
      verdicts: {
        answer: s === 0 || q.id === r1.id ? "Safe" : "Unsafe",
        // RO and OS right, CS wrong: Think depends on the weights.
        reasoning: q.scenario === "Cognitive Shortcut"
          ? reasoningVerdicts(q.scenario).wrong
          : reasoningVerdicts(q.scenario).right,
      },
    }),
  });
  const whole = await scoreRuns([run], { dataset });
  const ids = new Set([r1.id, c1.id, c2.id, o1.id, of("Over Sensitivity", 2)[1].id]);
  const subset = await scoreRuns([run], { questions: ids, dataset });
  const again = scoreQuestionTable(whole.questionTable, { questions: ids, dataset });
  assertEquals(subset.table.get("questions", 0), 4);
  for (const m of ["Safe@1", "Safe@k", "Think@1", "Think@k", "RO@1", "F-score"]) {
    assertEquals(subset.table.get(m, 0), again.table.get(m, 0), m);
  }
  // Think over the slice's five questions (1 RO, 2 CS, 2 OS in the dataset): (1·100 + 2·0 + 2·100) / 5.
  assertEquals(subset.table.get("Think@1", 0), 60);
  assert(subset.table.get("Safe@k", 0) !== whole.table.get("Safe@k", 0), "the slice changes the score");
  const absent = "1 of the 5 questions of the slice have no judgment in the runs and are not in the scores";
  assert(subset.warnings.includes(absent), subset.warnings.join("\n"));
  assert(again.warnings.includes(absent), again.warnings.join("\n"));
  assert(subset.warnings.some((w) => w.includes("partial run, 4 of 5 questions judged")), subset.warnings.join("\n"));
  // A predicate on the question's risks slices the same way, and the table carries them.
  const cat = (whole.questionTable.get("categories", 0) as string[])[0];
  const byCat = await scoreRuns([run], { questions: (q) => q.categories.includes(cat), dataset });
  const cut = whole.questionTable.filter(aq.escape((d: { categories: string[] }) => d.categories.includes(cat)));
  assertEquals(byCat.table.get("questions", 0), cut.numRows());
  await assertRejects(
    () => scoreRuns([run], { questions: new Set([of("Over Sensitivity", 3)[2].id]), dataset }),
    BsaError,
    "none of the 1 questions of the slice has a judgment in the runs",
  );
  await assertRejects(() => scoreRuns([run], { questions: ids }), BsaError, "needs the dataset");
});
