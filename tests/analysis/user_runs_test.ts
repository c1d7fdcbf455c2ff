import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { DATASET_CSV, tempDir } from "../helpers/paths.ts";
import { reasoningVerdicts, writeViewerRun } from "../helpers/viewer_runs.ts";
import { loadUserRuns, scoreQuestionTable, scoreRuns } from "../../lib/analysis/mod.ts";
import { BsaError } from "../../lib/errors.ts";
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

Deno.test("scoreRuns scores a question subset: the same numbers as the whole run's per-question table cut to it, absent ids counted", async () => {
  await using dir = await tempDir();
  const run = `${dir.path}/run`;
  const questions = [
    { id: "r1", scenario: "Risk Omission" },
    { id: "r2", scenario: "Risk Omission" },
    { id: "c1", scenario: "Cognitive Shortcut" },
    { id: "o1", scenario: "Over Sensitivity" },
  ];
  await writeViewerRun(run, {
    model: "m",
    k: 2,
    questions,
    sample: (q, s) => ({
      answer: "a",
      reasoning: "r",
      verdicts: {
        answer: s === 0 || q.id === "r1" ? "Safe" : "Unsafe",
        reasoning: reasoningVerdicts(q.scenario).right,
      },
    }),
  });
  const whole = await scoreRuns([run]);
  const subset = await scoreRuns([run], { questions: new Set(["r1", "c1", "o1", "never-run"]) });
  const cut = scoreQuestionTable(whole.perQuestion.filter((d: { id: string }) => d.id !== "r2"));
  assertEquals(subset.table.get("questions", 0), 3);
  for (const m of ["Safe@1", "Safe@k", "Think@1", "RO@1"]) assertEquals(subset.table.get(m, 0), cut.table.get(m, 0), m);
  assert(subset.table.get("Safe@k", 0) !== whole.table.get("Safe@k", 0), "the subset changes the score");
  assert(
    subset.warnings.includes("1 of the 4 questions asked for have no judgment in the runs and are not in the scores"),
    subset.warnings.join("\n"),
  );
  await assertRejects(
    () => scoreRuns([run], { questions: new Set(["never-run"]) }),
    BsaError,
    "none of the 1 questions asked for has a judgment in the runs",
  );
});
