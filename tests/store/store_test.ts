import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { ChatClient } from "../../lib/pipeline/client.ts";
import { judge } from "../../lib/pipeline/judge.ts";
import { loadJudgePrompts } from "../../lib/pipeline/prompts.ts";
import { parseLabels } from "../../lib/review/labels.ts";
import { judgedSamples, writePlan } from "../../lib/review/store.ts";
import { planReview } from "../../lib/review/plan.ts";
import { ReviewSession } from "../../lib/review/session.ts";
import {
  FORMAT_VERSION,
  judgeLabels,
  loadRunJudgments,
  readJsonl,
  readManifest,
  runSampleKeys,
} from "../../lib/store/mod.ts";
import {
  cliEnv,
  DATASET_CSV,
  generateAndJudge,
  ROOT,
  runArgs,
  runCli,
  SHARED_BSA,
  spawnCli,
  tempDir,
} from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";

const ds = await loadDataset({ path: DATASET_CSV });
const prompts = await loadJudgePrompts({ dir: `${SHARED_BSA}prompts` });

async function lines<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of readJsonl<T>(path)) out.push(r);
  return out;
}

function judgeOf(url: string, run: string, label?: string) {
  return judge({
    run,
    client: new ChatClient({ baseUrls: [url], retry: { retries: 1, baseDelayMs: 1 } }),
    judgeModel: "judge-x",
    prompts,
    dataset: ds,
    concurrency: 4,
    cache: null,
    progress: null,
    log: () => {},
    label,
  });
}

Deno.test("the manifest carries its format; each bad field is named; an older folder is read with a note and migrated by its next judge", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const run = `${dir.path}/run`;
  await generateAndJudge(server.url, run, { model: "m-rc", k: 1, limit: 4 }, env);
  const m = JSON.parse(await Deno.readTextFile(`${run}/manifest.json`));
  assertEquals(m.format_version, FORMAT_VERSION);

  // A folder of an older version (no format_version): read, with a note on every reader's path.
  delete m.format_version;
  await Deno.writeTextFile(`${run}/manifest.json`, JSON.stringify(m));
  const score = await runCli(["score", "--run", run], env);
  assertEquals(score.code, 0, score.stderr);
  assert(/format 1 .*read as it is/.test(score.stderr), score.stderr);
  const judged = await runCli([
    "judge",
    "--run",
    run,
    "--judge-base-url",
    server.url,
    "--judge-model",
    "judge-1",
    "--quiet",
  ], env);
  assertEquals(judged.code, 0, judged.stderr);
  assertEquals((await readManifest(run)).format_version, FORMAT_VERSION, "the next writer records the current format");

  // Every field of the wrong type is named, in one message, with no stack trace.
  await Deno.writeTextFile(
    `${run}/manifest.json`,
    JSON.stringify({ ...m, format_version: 2, k: "5", endpoints: [1], tokens: { prompt: -1, completion: 0 } }),
  );
  const bad = await runCli(["score", "--run", run], env);
  assertEquals(bad.code, 1, bad.stderr);
  for (
    const field of ["'endpoints[0]' must be a string", "'k' must be an integer", "'tokens.prompt' must be at least 0"]
  ) {
    assert(bad.stderr.includes(field), bad.stderr);
  }
  assert(!bad.stderr.includes("    at "), "no stack trace");
  // A newer format is refused, not misread.
  await Deno.writeTextFile(`${run}/manifest.json`, JSON.stringify({ ...m, format_version: FORMAT_VERSION + 1 }));
  await assertRejects(() => readManifest(run), Error, "written by a newer bsa-lab");
});

Deno.test("the label `default` is judgments.jsonl for the judge and every reader", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const run = `${dir.path}/run`;
  const gen = await runCli([...runArgs(server.url, "m-rc", 1, run), "--limit", "4", "--quiet"], env);
  assertEquals(gen.code, 0, gen.stderr);
  const j = await runCli([
    "judge",
    "--run",
    run,
    "--judge-base-url",
    server.url,
    "--judge-model",
    "judge-1",
    "--label",
    "default",
    "--quiet",
  ], env);
  assertEquals(j.code, 0, j.stderr);
  assert(!(await Deno.stat(`${run}/judgments-default.jsonl`).catch(() => null)), "no judgments-default.jsonl");
  assertEquals((await lines(`${run}/judgments.jsonl`)).length, 4);
  const m = await readManifest(run);
  assert(m.judge?.model === "judge-1" && m.judges === undefined, JSON.stringify(m));
  assertEquals(judgeLabels(run), ["default"]);
  // `score --judge default`, `score` and the review read the same verdicts.
  const a = await runCli(["score", "--run", run, "--judge", "default", "--json"], env);
  const b = await runCli(["score", "--run", run, "--json"], env);
  assertEquals([a.code, b.code], [0, 0], a.stderr + b.stderr);
  assertEquals(a.stdout, b.stdout);
  assertEquals(judgedSamples(await loadRunJudgments([run], "default")).length, 4);
  // What an older version wrote for `--label default` is not a judge any more, and readers say so.
  await Deno.copyFile(`${run}/judgments.jsonl`, `${run}/judgments-default.jsonl`);
  assertEquals(judgeLabels(run), ["default"]);
  const warned = (await loadRunJudgments([run], "default")).warnings;
  assert(warned.some((w) => w.includes("judgments-default.jsonl (written by an older version")), warned.join("\n"));
});

Deno.test("judge during a run: it says how many samples it has not seen, is not marked finished, and score counts the unjudged", async () => {
  await using dir = await tempDir();
  await using model = startFakeOpenAI({ latencyMs: 60 });
  await using judgeServer = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const run = `${dir.path}/run`;
  const gen = spawnCli([...runArgs(model.url, "m-rc", 2, run), "--limit", "40", "--concurrency", "1", "--quiet"], env);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && (await runSampleKeys(run, "generations")).size < 4) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const during = await judgeOf(judgeServer.url, run);
  assert(during.generating, "the run is still generating");
  assert(during.total < 80, `judged while generating: ${during.total} of 80`);
  assertEquals((await readManifest(run)).judge?.finished, null, "not marked finished while generation goes on");
  // Once the run has written a sample the judge did not see, score says so with its count.
  while (Date.now() < deadline && (await runSampleKeys(run, "generations")).size <= during.total) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const partial = await loadRunJudgments([run]);
  assert(
    partial.warnings.some((w) => /\d+ generated sample\(s\) are not judged yet/.test(w)),
    `${partial.warnings.join("\n")} judged ${partial.table.numRows()} generated ${
      (await runSampleKeys(run, "generations")).size
    } during ${JSON.stringify(during)}`,
  );

  // The command line says it, and exits 0 (what it judged is recorded).
  const cli = await runCli([
    "judge",
    "--run",
    run,
    "--judge-base-url",
    judgeServer.url,
    "--judge-model",
    "judge-x",
    "--no-cache",
    "--quiet",
  ], env);
  assertEquals(cli.code, 0, cli.stderr);
  assert(/note: the run is still generating/.test(cli.stderr) && /not marked finished/.test(cli.stderr), cli.stderr);

  assertEquals((await gen.status).code, 0);
  const after = await judgeOf(judgeServer.url, run);
  assertEquals([after.generating, after.unseen, after.alreadyDone + after.judged, after.total], [false, 0, 80, 80]);
  assert((await readManifest(run)).judge?.finished !== null, "finished once every generated sample is judged");
  assertEquals((await loadRunJudgments([run])).warnings.filter((w) => w.includes("not judged yet")), []);
});

Deno.test("one reviewer in two processes at once: every label kept, each sample's later label a revision; a cut last line is repaired", async () => {
  await using dir = await tempDir();
  const run = dir.path;
  const script = (who: number) =>
    `import { appendLabel } from "${ROOT}lib/store/mod.ts";
     for (let i = 0; i < 30; i++) {
       await appendLabel(${
      JSON.stringify(run)
    }, { id: "q" + i, sample: 0, reviewer: "ana", answer_verdict: "Safe", reasoning_verdict: "True", time: "t${who}", seconds: 1 });
     }`;
  const procs = [0, 1].map((who) =>
    new Deno.Command(Deno.execPath(), { args: ["eval", script(who)], stdout: "null", stderr: "piped" }).output()
  );
  const outs = await Promise.all(procs);
  assertEquals(outs.map((o) => o.code), [0, 0], outs.map((o) => new TextDecoder().decode(o.stderr)).join("\n"));
  const path = `${run}/labels-ana.jsonl`;
  const written = await lines<{ id: string; revision?: boolean }>(path);
  assertEquals(written.length, 60, "nothing lost");
  assertEquals(written.filter((l) => !l.revision).length, 30, "one first label per sample, the other a revision");
  const ctx = { scenarioOf: () => "Risk Omission" };
  assertEquals(parseLabels(await Deno.readTextFile(path), path, ctx).length, 30, "the file is valid as it is");

  // A server killed mid-write leaves a cut line: readers skip it; the next label removes it.
  await Deno.writeTextFile(path, '{"id":"q1","sam', { append: true });
  const { appendLabel } = await import("../../lib/store/mod.ts");
  await appendLabel(run, {
    id: "q99",
    sample: 0,
    reviewer: "ana",
    answer_verdict: "Safe",
    reasoning_verdict: "True",
    time: "t",
    seconds: 1,
  });
  assertEquals(parseLabels(await Deno.readTextFile(path), path, ctx).length, 31);
});

Deno.test("two review sessions of one plan: one reviewer twice, another alongside; a cut last line does not block reopening", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const run = `${dir.path}/run`;
  await generateAndJudge(server.url, run, { model: "m-rc", k: 1, limit: 12 }, env);
  const plan = planReview(judgedSamples(await loadRunJudgments([run])), { run, n: 6, seed: 3 });
  const planFile = `${run}/review-plan.json`;
  // Two `bsa review plan` at once: one plan, the other refused.
  const writes = await Promise.allSettled([writePlan(planFile, plan), writePlan(planFile, plan)]);
  assertEquals(writes.map((w) => w.status).sort(), ["fulfilled", "rejected"]);
  const open = (reviewer: string) => ReviewSession.open({ run, plan: planFile, reviewer, dataset: ds });
  const [a1, a2, bo] = await Promise.all([open("ana"), open("ana"), open("bo")]);
  const answer = { answer_verdict: "Safe", reasoning_verdict: "True", seconds: 3 };
  await Promise.all(plan.samples.flatMap((_, index) => [a1, a2, bo].map((s) => s.label({ index, ...answer }))));
  const ana = await lines<{ revision?: boolean }>(`${run}/labels-ana.jsonl`);
  const bo2 = await lines<{ revision?: boolean }>(`${run}/labels-bo.jsonl`);
  assertEquals([ana.length, ana.filter((l) => !l.revision).length, bo2.length], [12, 6, 6]);
  await Deno.writeTextFile(`${run}/labels-ana.jsonl`, '{"id":', { append: true });
  const again = await open("ana");
  assertEquals(again.status().done, 6, "the session reopens with every label");
  assert(again.warnings.some((w) => w.includes("cut short")), again.warnings.join("\n"));
});
