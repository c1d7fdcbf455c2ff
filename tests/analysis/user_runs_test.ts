import { assert, assertEquals } from "../helpers/assert.ts";
import { tempDir } from "../helpers/paths.ts";
import { writeViewerRun } from "../helpers/viewer_runs.ts";
import { loadUserRuns } from "../../lib/analysis/mod.ts";
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
  const prev = Deno.env.get("BSA_RUNS");
  Deno.env.set("BSA_RUNS", [run, missing, empty].join(","));
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
    if (prev === undefined) Deno.env.delete("BSA_RUNS");
    else Deno.env.set("BSA_RUNS", prev);
  }
  assertEquals(await loadUserRuns([]), null);
});
