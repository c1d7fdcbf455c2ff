import { assert, assertEquals } from "../helpers/assert.ts";
import { cliEnv, DATASET_CSV, generateAndJudge, runCli, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { loadUserRuns } from "../../lib/analysis/mod.ts";

Deno.test("notebooks' loader keeps two untagged runs of one model apart (BSA_RUNS)", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  for (const name of ["first", "second"]) {
    await generateAndJudge(server.url, `${dir.path}/runs/${name}`, { model: "m-mixed", k: 2, limit: 12 }, env);
  }
  const runs = await loadUserRuns([`${dir.path}/runs`], { replicates: 200 });
  assert(runs !== null);
  assertEquals(runs.by, ["model", "run"]);
  assertEquals(runs.scores.map((r) => r.run).sort(), [`${dir.path}/runs/first`, `${dir.path}/runs/second`]);
  for (const r of runs.scores) assertEquals(r.questions, 12);
  assert(runs.warnings.some((w) => w.includes("they are scored apart by run folder")), runs.warnings.join("\n"));
});

Deno.test("one verdict normaliser: odd spellings give the same numbers via --run and via the upstream CSV", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const run = `${dir.path}/run`;
  await generateAndJudge(server.url, run, { model: "m-mixed", k: 2, limit: 20 }, env);
  const path = `${run}/judgments.jsonl`;
  const spellings = ["SAFE", "safe", "Safe.", "**Safe**", " Safe"];
  let i = 0, odd = 0;
  const lines = (await Deno.readTextFile(path)).trim().split("\n").map((l) => {
    const r = JSON.parse(l);
    if (r.answer_verdict === "Safe") r.answer_verdict = spellings[i++ % spellings.length];
    if (r.reasoning_verdict === "True" && odd++ === 0) r.reasoning_verdict = "Maybe";
    return JSON.stringify(r);
  });
  assert(i >= spellings.length && odd > 0, "the fixture holds every odd spelling");
  await Deno.writeTextFile(path, lines.join("\n") + "\n");

  const csv = `${dir.path}/official.csv`;
  const viaRun = await runCli(["score", "--run", run, "--json", "--details", "--export-official", csv], env);
  assertEquals(viaRun.code, 0, viaRun.stderr);
  const viaCsv = await runCli(["score", "--official-csv", csv, "--json", "--details"], env);
  assertEquals(viaCsv.code, 0, viaCsv.stderr);
  const [a] = JSON.parse(viaRun.stdout), [b] = JSON.parse(viaCsv.stdout);
  delete a.run;
  assertEquals(a, b);
  assertEquals(a.invalid_reasoning, 1);
  assert(viaRun.stderr.includes("1 of 40 samples have an invalid reasoning verdict"), viaRun.stderr);
  // The odd spellings all read as Safe: no invalid answer verdict.
  assertEquals(a.invalid_answer, 0);
});

Deno.test("score --official-csv scores each model at its own k; --k checks it", async () => {
  await using dir = await tempDir();
  const csv = `${dir.path}/mixed.csv`;
  const head = "model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\n";
  // A question of the dataset (the CLI checks the file's ids against it).
  const q = (await Deno.readTextFile(DATASET_CSV)).split("\n")[1].split(",")[0];
  await Deno.writeTextFile(
    csv,
    head + `a,${q},Risk Omission,Safe,True\n` + `b,${q},Risk Omission,Safe,True\nb,${q},Risk Omission,Unsafe,False\n`,
  );
  const auto = await runCli(["score", "--official-csv", csv, "--json"]);
  assertEquals(auto.code, 0, auto.stderr);
  const rows = JSON.parse(auto.stdout) as Record<string, number | string>[];
  assertEquals(rows.map((r) => [r.model, r.k, r["Safe@1"], r["Safe@k"]]), [["a", 1, 100, 100], ["b", 2, 50, 0]]);
  const checked = await runCli(["score", "--official-csv", csv, "--k", "2"]);
  assertEquals(checked.code, 2, checked.stderr);
  assert(checked.stderr.includes("--k 2") && checked.stderr.includes(`model "a" has 1 samples per question`));
});

Deno.test("the upstream CSV: a question under another scenario than the dataset's, a duplicated row, models pooled by scenario", async () => {
  const { scoreOfficialCsv } = await import("../../lib/analysis/mod.ts");
  const { loadDataset } = await import("../../lib/dataset/mod.ts");
  const dataset = await loadDataset({ path: DATASET_CSV });
  const qs = dataset.questions.objects() as { id: string; scenario: string }[];
  const [ro, ro2] = qs.filter((q) => q.scenario === "Risk Omission");
  const cs = qs.find((q) => q.scenario === "Cognitive Shortcut")!;
  await using dir = await tempDir();
  const csv = `${dir.path}/j.csv`;
  const head = "model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\n";
  const rows = (model: string, q: { id: string; scenario: string }, n: number, verdict: string) =>
    `${model},${q.id},${q.scenario},Safe,${verdict}\n`.repeat(n);

  // Every row of a Risk Omission question relabelled Cognitive Shortcut: refused, not moved between scenario scores.
  await Deno.writeTextFile(csv, head + rows("m", { id: ro.id, scenario: "Cognitive Shortcut" }, 2, "Fully Covered"));
  let err: Error | undefined;
  await scoreOfficialCsv(csv, { dataset }).catch((e) => (err = e));
  assert(
    err?.message.includes(`have another scenario than in the dataset`) && err.message.includes(ro.id),
    String(err),
  );

  // One duplicated row: scored at k = 3 with a note naming the likely cause and the k most questions have.
  await Deno.writeTextFile(
    csv,
    head + rows("m", ro, 3, "True") + rows("m", cs, 2, "Fully Covered") + rows("m", ro2, 2, "True"),
  );
  const dup = await scoreOfficialCsv(csv, { dataset });
  assert(
    dup.warnings.some((w) =>
      w.includes(`scored at k=3`) && w.includes("1 of its 3 questions has 3 and 2 have 2") &&
      w.includes("duplicated row")
    ),
    dup.warnings.join("\n"),
  );

  // Given k = 2, the question with more is named (not the model).
  const over = await scoreOfficialCsv(csv, { dataset, k: 2 }).then(() => undefined, (e: Error) => e);
  assert(
    over?.message.includes(`1 question(s) have more than k=2 samples`) &&
      over.message.includes(`${ro.id} (model "m") has 3`),
    String(over),
  );

  // Two models grouped by scenario only: kept apart by model, and said so.
  await Deno.writeTextFile(csv, head + rows("a", ro, 2, "True") + rows("b", ro, 2, "False"));
  const pooled = await scoreOfficialCsv(csv, { dataset, by: ["scenario"] });
  assertEquals(pooled.by, ["model", "scenario"]);
  assertEquals(pooled.table.array("model"), ["a", "b"]);
  assert(pooled.warnings.some((w) => w.includes("the file holds 2 models")), pooled.warnings.join("\n"));
  assert((pooled.table.array("coverage") as number[]).every((c) => c <= 1));
});
