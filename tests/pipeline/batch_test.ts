import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { BsaError } from "../../lib/errors.ts";
import { requestLine, writeRequestFiles } from "../../lib/pipeline/batch/requests.ts";
import { type GenerationRecord, type JudgmentRecord, readJsonl } from "../../lib/store/mod.ts";
import { RETRY_REMINDER } from "../../lib/pipeline/records.ts";
import { BatchApi } from "../../lib/pipeline/batch/api.ts";
import { pendingBatches, writeBatchState } from "../../lib/pipeline/batch/state.ts";
import { cliEnv, runArgs, runCli, spawnCli, tempDir } from "../helpers/paths.ts";
import { scriptedVerdicts, startFakeOpenAI } from "../helpers/fake_openai.ts";
import { runBatchLocally } from "../helpers/run_batch.ts";

async function records<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of readJsonl<T>(path)) out.push(r);
  return out;
}

/** The records of a file as sorted JSON lines: equal files hold the same records, whatever their order. */
async function sortedLines(path: string): Promise<string[]> {
  return (await records<{ id: string; sample: number }>(path)).map((r) => JSON.stringify(r)).sort();
}

/** `bsa run ... --limit N --batch` polling without a pause, quiet. */
const batchArgs = (url: string, model: string, k: number, out: string, limit: number) => [
  ...runArgs(url, model, k, out),
  ...["--limit", String(limit), "--batch", "--batch-poll", "0", "--quiet"],
];

const judgeArgs = (run: string, url: string, model = "judge-1") => [
  "judge",
  "--run",
  run,
  "--judge-base-url",
  url,
  "--judge-model",
  model,
  "--quiet",
  "--no-cache",
];

Deno.test("--batch-file then ingest (a vllm run-batch result) writes the records direct calls write", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  // Direct, one request at a time (the fake server's replies depend on the order of asks).
  await using direct = startFakeOpenAI();
  const a = `${dir.path}/direct`;
  const ran = await runCli(
    [...runArgs(direct.url, "m-mixed", 2, a), "--limit", "30", "--concurrency", "1", "--quiet"],
    env,
  );
  assertEquals(ran.code, 0, ran.stderr);
  const judged = await runCli([...judgeArgs(a, direct.url), "--concurrency", "1"], env);
  assertEquals(judged.code, 0, judged.stderr);

  // The same run offline: request file (no endpoint), results from elsewhere, ingest.
  await using cluster = startFakeOpenAI();
  const b = `${dir.path}/batch`;
  const req = `${dir.path}/requests.jsonl`;
  const written = await runCli([
    ...["run", "--model", "m-mixed", "--k", "2", "--out", b, "--limit", "30", "--quiet"],
    ...["--batch-file", req, "--batch-max-lines", "25"],
  ], env);
  assertEquals(written.code, 0, written.stderr);
  assert(written.stderr.includes("wrote 60 requests"), written.stderr);
  assertEquals(cluster.stats.chat + cluster.stats.models, 0);
  // Split under the line limit: 25 + 25 + 10.
  const parts = [req, `${dir.path}/requests.2.jsonl`, `${dir.path}/requests.3.jsonl`];
  const counts = [];
  for (const [i, p] of parts.entries()) counts.push(await runBatchLocally(cluster.url, p, `${dir.path}/out${i}.jsonl`));
  assertEquals(counts, [25, 25, 10]);
  for (const i of [0, 1, 2]) {
    const ingested = await runCli(["ingest", "--run", b, `${dir.path}/out${i}.jsonl`, "--quiet"], env);
    assertEquals(ingested.code, 0, ingested.stderr);
  }
  assertEquals(await sortedLines(`${b}/generations.jsonl`), await sortedLines(`${a}/generations.jsonl`));
  // Reading a file twice changes nothing.
  const again = await runCli(["ingest", "--run", b, `${dir.path}/out0.jsonl`, "--quiet"], env);
  assertEquals(again.code, 0, again.stderr);
  assert(again.stderr.includes("25 line(s): 0 recorded, 0 failed"), again.stderr);
  assert(again.stderr.includes("25 duplicate (already recorded)"), again.stderr);
  assertEquals((await records(`${b}/generations.jsonl`)).length, 60);
  const m = JSON.parse(await Deno.readTextFile(`${b}/manifest.json`));
  assert(m.finished !== null, "a complete ingested run is finished");
  // Nothing left: no request file.
  const none = await runCli([
    ...["run", "--model", "m-mixed", "--k", "2", "--out", b, "--limit", "30", "--quiet", "--batch-file", req],
  ], env);
  assert(none.stderr.includes("nothing left to ask"), none.stderr);

  // Judging offline too: the judge is the one named (model, endpoint), its verdicts the direct judge's.
  const jreq = `${dir.path}/judge.jsonl`;
  const jw = await runCli([...judgeArgs(b, cluster.url), "--batch-file", jreq], env);
  assertEquals(jw.code, 0, jw.stderr);
  // Truncated generations are recorded as such at once (no request); no-reasoning samples ask one call.
  await runBatchLocally(cluster.url, jreq, `${dir.path}/jout.jsonl`);
  const ji = await runCli(["ingest", "--run", b, `${dir.path}/jout.jsonl`, "--quiet"], env);
  assertEquals(ji.code, 0, ji.stderr);
  const jd = (await records<JudgmentRecord>(`${a}/judgments.jsonl`)).map((r) =>
    [r.id, r.sample, r.answer_verdict, r.reasoning_verdict].join("|")
  ).sort();
  const jb = (await records<JudgmentRecord>(`${b}/judgments.jsonl`)).map((r) =>
    [r.id, r.sample, r.answer_verdict, r.reasoning_verdict].join("|")
  ).sort();
  assertEquals(jb, jd);
  assertEquals(jb.length, 60);
  // Every verdict is the one the stored generation implies.
  const gens = new Map(
    (await records<GenerationRecord>(`${b}/generations.jsonl`)).map((g) => [`${g.id}#${g.sample}`, g]),
  );
  for (const j of await records<JudgmentRecord>(`${b}/judgments.jsonl`)) {
    const g = gens.get(`${j.id}#${j.sample}`)!;
    if (g.outcome === "truncated") assertEquals(j.answer_verdict, "truncated");
    else assertEquals([j.answer_verdict, j.reasoning_verdict], Object.values(scriptedVerdicts(g)));
  }
  // Scores agree.
  const sa = await runCli(["score", "--run", a, "--json"], env);
  const sb = await runCli(["score", "--run", b, "--json"], env);
  assertEquals(sa.code, 0, sa.stderr);
  assertEquals(
    JSON.parse(sb.stdout).metrics ?? JSON.parse(sb.stdout),
    JSON.parse(sa.stdout).metrics ?? JSON.parse(sa.stdout),
  );
});

Deno.test("--batch-max-bytes splits request files by size: each file under the limit, every line kept in order", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  const ask = (out: string, req: string, extra: string[] = []) =>
    runCli([
      ...["run", "--model", "m-think", "--k", "1", "--out", out, "--limit", "12", "--quiet"],
      ...["--batch-file", req, ...extra],
    ], env);
  // The same requests unsplit, to compare against and to size the limit by.
  const whole = `${dir.path}/whole.jsonl`;
  const w = await ask(`${dir.path}/a`, whole);
  assertEquals(w.code, 0, w.stderr);
  const lines = (await Deno.readTextFile(whole)).split("\n").filter((l) => l);
  assertEquals(lines.length, 12);
  const size = (l: string) => new TextEncoder().encode(l + "\n").length;
  const longest = Math.max(...lines.map(size));
  const total = lines.reduce((n, l) => n + size(l), 0);
  // The smallest limit the flag takes, far under the line limit: ignoring the byte limit gives one file.
  const limit = 1024;
  assert(longest <= limit && total > 2 * limit, `requests of ${longest} bytes at most, ${total} in all`);
  // What filling each file up to the limit gives, in lines per file.
  const expected: number[] = [];
  let used = Infinity;
  for (const l of lines) {
    if (used + size(l) > limit) expected.push(0), used = 0;
    expected[expected.length - 1]++;
    used += size(l);
  }
  const req = `${dir.path}/split.jsonl`;
  const r = await ask(`${dir.path}/b`, req, ["--batch-max-bytes", String(limit)]);
  assertEquals(r.code, 0, r.stderr);
  const ordered = ["split.jsonl", ...expected.slice(1).map((_, i) => `split.${i + 2}.jsonl`)];
  const files = [...Deno.readDirSync(dir.path)].map((e) => e.name).filter((n) => n.startsWith("split"));
  assertEquals(files.sort(), ordered.toSorted());
  const got: string[] = [];
  const perFile: number[] = [];
  for (const f of ordered) {
    const bytes = (await Deno.stat(`${dir.path}/${f}`)).size;
    assert(bytes <= limit, `${f} is ${bytes} bytes, over ${limit}`);
    const these = (await Deno.readTextFile(`${dir.path}/${f}`)).split("\n").filter((l) => l);
    perFile.push(these.length);
    got.push(...these);
  }
  assertEquals(perFile, expected);
  // The same requests, in the same order; only the run id in each custom id differs (two runs).
  const unRun = (l: string) => l.replace(/^\{"custom_id":"bsa\.[0-9a-f]{12}\./, '{"custom_id":"bsa.RUN.');
  assertEquals(got.map(unRun), lines.map(unRun));
  assert(got[0] !== lines[0], "each run's custom ids carry its own run id");
  // A single request larger than the limit cannot be split: a clear error, no file left behind.
  const big = [requestLine("g.0.q", { messages: [{ role: "user", content: "x".repeat(2000) }] })];
  await assertRejects(
    () => writeRequestFiles(`${dir.path}/big.jsonl`, big, { maxLines: 10, maxBytes: 1024 }),
    BsaError,
    "over the 1024-byte file limit",
  );
  assertEquals([...Deno.readDirSync(dir.path)].filter((e) => e.name.startsWith("big")).length, 0);
});

Deno.test("ingest refuses what it cannot read: no bsa ids, a missing file, judge replies with other prompts", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  const b = `${dir.path}/run`;
  const req = `${dir.path}/req.jsonl`;
  assertEquals(
    (await runCli(["run", "--model", "m", "--k", "1", "--out", b, "--limit", "3", "--quiet", "--batch-file", req], env))
      .code,
    0,
  );
  await Deno.writeTextFile(
    `${dir.path}/foreign.jsonl`,
    '{"custom_id":"request-1","response":{"status_code":200,"body":{}}}\n',
  );
  const foreign = await runCli(["ingest", "--run", b, `${dir.path}/foreign.jsonl`], env);
  assertEquals(foreign.code, 1);
  assert(
    foreign.stderr.includes("has a custom_id written by bsa") && !foreign.stderr.includes("    at "),
    foreign.stderr,
  );
  const missing = await runCli(["ingest", "--run", b, `${dir.path}/nope.jsonl`], env);
  assertEquals(missing.code, 1);
  assert(missing.stderr.includes("nope.jsonl"), missing.stderr);
  await Deno.writeTextFile(
    `${dir.path}/judge.jsonl`,
    '{"custom_id":"ja.0.0.0.x","response":{"status_code":200,"body":{}}}\n',
  );
  const nojudge = await runCli(["ingest", "--run", b, `${dir.path}/judge.jsonl`], env);
  assertEquals(nojudge.code, 1);
  assert(nojudge.stderr.includes("records no judge"), nojudge.stderr);
  assert(
    nojudge.stderr.includes(`write them with 'bsa judge --run ${b} --judge-model NAME --batch-file FILE'`),
    nojudge.stderr,
  );
  const usage = await runCli(
    ["run", "--model", "m", "--out", b, "--batch", "--base-url", "http://a/v1,http://b/v1"],
    env,
  );
  assertEquals(usage.code, 2);
  assert(usage.stderr.includes("exactly one --base-url"), usage.stderr);
  const both = await runCli(["run", "--model", "m", "--out", b, "--batch", "--batch-file", req], env);
  assertEquals(both.code, 2);
});

Deno.test("--batch: status steps, failed lines asked again in a follow-up batch, refusals recorded, same records as direct", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  await using direct = startFakeOpenAI();
  const a = `${dir.path}/direct`;
  assertEquals(
    (await runCli([...runArgs(direct.url, "m-rc", 2, a), "--limit", "10", "--concurrency", "1", "--quiet"], env)).code,
    0,
  );

  await using server = startFakeOpenAI({ retryAfter: 0 });
  const b = `${dir.path}/batch`;
  // The first line gets a 500 (error file, asked again), the second a context-length refusal (recorded as failed).
  server.inject(["500", "context"]);
  server.throttlePolls(2);
  const ran = await runCli(batchArgs(server.url, "m-rc", 2, b, 10), env);
  assertEquals(ran.code, 0, ran.stderr);
  for (const s of ["submitted, validating", ": in_progress, ", ": finalizing, ", ": completed, 18/20 done, 2 failed"]) {
    assert(ran.stderr.includes(s), ran.stderr);
  }
  assertEquals(server.stats.batches, 2);
  assert(server.stats.faults >= 4, "the throttled polls were met");
  const gens = await records<GenerationRecord>(`${b}/generations.jsonl`);
  assertEquals(gens.length, 20);
  const failed = gens.filter((g) => g.outcome === "failed");
  assertEquals(failed.length, 1);
  assert(
    failed[0].error!.includes("HTTP 400") && failed[0].error!.includes("context_length_exceeded"),
    failed[0].error,
  );
  // The batch ids live in the run folder; outputs are kept beside them.
  const state = JSON.parse(await Deno.readTextFile(`${b}/batches/generation.json`));
  assertEquals(state.entries.map((e: { done: boolean }) => e.done), [true, true]);
  // Direct and batch records match but for the sample the 500 moved (asked later, so a different reply) and the refusal.
  const strip = (rs: GenerationRecord[]) =>
    rs.filter((g) => g.outcome !== "failed").map((g) => `${g.id}#${g.sample}:${g.reasoning_source}:${g.outcome}`);
  const dg = strip(await records<GenerationRecord>(`${a}/generations.jsonl`));
  const bg = strip(gens);
  assertEquals(bg.filter((x) => !dg.includes(x)).length, 0);

  // Judge through batches; a reply without a verdict is asked again with the reminder in a follow-up batch.
  server.inject(["garbage"]);
  const judged = await runCli([...judgeArgs(b, server.url), "--batch", "--batch-poll", "0"], env);
  assertEquals(judged.code, 0, judged.stderr);
  const js = await records<JudgmentRecord>(`${b}/judgments.jsonl`);
  assertEquals(js.length, 20);
  assert(js.every((j) => j.answer_verdict !== "invalid" && j.reasoning_verdict !== "invalid"));
  assertEquals(js.filter((j) => j.answer_verdict === "failed" && j.failed_by === "model").length, 1);
  const byKey = new Map(gens.map((g) => [`${g.id}#${g.sample}`, g]));
  for (const j of js.filter((j) => j.answer_verdict !== "failed")) {
    assertEquals(
      [j.answer_verdict, j.reasoning_verdict],
      Object.values(scriptedVerdicts(byKey.get(`${j.id}#${j.sample}`)!)),
    );
    assert((j.prompt_tokens ?? 0) > 0);
  }
  assertEquals(server.stats.lastMessages?.length === 3 || server.stats.lastMessages?.length === 1, true);
  const jstate = JSON.parse(await Deno.readTextFile(`${b}/batches/judge.json`));
  assertEquals(jstate.entries.length, 2, "the invalid reply was asked again in a second batch");
  // Stored relative to the run folder.
  assertEquals(jstate.entries[1].file, "batches/judge-002.jsonl");
  const retryLines = (await Deno.readTextFile(`${b}/${jstate.entries[1].file}`)).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  assertEquals(retryLines.length, 1);
  assertEquals(retryLines[0].body.messages.at(-1).content, RETRY_REMINDER);
  assertEquals(retryLines[0].body.messages[1].content, "I cannot decide.");
});

Deno.test("--batch: an expired batch's missing half goes in a follow-up; a failed batch ends in errors, then --batch-fallback direct finishes", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  await using server = startFakeOpenAI();
  const b = `${dir.path}/run`;
  server.injectBatch(["expired"]);
  const ran = await runCli(batchArgs(server.url, "m-think", 2, b, 8), env);
  assertEquals(ran.code, 0, ran.stderr);
  assert(ran.stderr.includes(": expired, "), ran.stderr);
  assertEquals(server.stats.batches, 2);
  assertEquals((await records(`${b}/generations.jsonl`)).length, 16);

  const c = `${dir.path}/failing`;
  server.injectBatch(["failed"]);
  const failed = await runCli([
    ...batchArgs(server.url, "m-think", 1, c, 5),
    "--batch-rounds",
    "1",
    "--quiet",
  ], env);
  assertEquals(failed.code, 1);
  assert(failed.stderr.includes("The model does not support batches"), failed.stderr);
  assert(failed.stderr.includes("5 sample(s) failed"), failed.stderr);
  assertEquals((await records(`${c}/generations.jsonl`)).length, 0);
  const before = server.stats.batches;
  server.injectBatch(["failed"]);
  const fallback = await runCli([
    ...runArgs(server.url, "m-think", 1, c),
    ...["--limit", "5", "--batch", "--batch-poll", "0", "--batch-rounds", "1", "--batch-fallback", "direct", "--quiet"],
  ], env);
  assertEquals(fallback.code, 0, fallback.stderr);
  assertEquals(server.stats.batches, before + 1);
  assertEquals((await records(`${c}/generations.jsonl`)).length, 5);
});

Deno.test("--batch: a command SIGKILLed while waiting re-attaches to its batch and never submits it again", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  // Each status step takes 15 polls: the batch is still running when the child is killed.
  await using server = startFakeOpenAI({ batchStepPolls: 15 });
  // The run sits where a study of this one model puts it, so `bsa study --dry-run` reports on it below.
  const b = `${dir.path}/study/m-think`;
  const args = [...runArgs(server.url, "m-think", 2, b), "--limit", "6", "--batch", "--batch-poll", "0.05", "--quiet"];
  const child = spawnCli(args, env);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const state = await Deno.readTextFile(`${b}/batches/generation.json`).catch(() => "");
    if (state.includes('"id"') && server.stats.batchPolls >= 3) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  await child.status;
  assertEquals([server.stats.uploads, server.stats.batches], [1, 1]);
  assertEquals((await records(`${b}/generations.jsonl`)).length, 0, "killed before the batch completed");
  // The run's batch, still open, as the state file records it...
  const pending = await pendingBatches(b);
  assertEquals(pending.map((p) => [p.kind, p.entry.id, p.entry.lines]), [["generation", "batch_1", 12]]);
  // ...and as `bsa study --dry-run` shows it, in its pending batches column.
  const study = `${dir.path}/study.json`;
  await Deno.writeTextFile(
    study,
    JSON.stringify({ name: "s", k: 2, limit: 6, out: `${dir.path}/study`, models: [{ model: "m-think" }] }),
  );
  const dry = await runCli(["study", study, "--dry-run", "--json"], env);
  assertEquals(dry.code, 0, dry.stderr);
  const rows = JSON.parse(dry.stdout) as { run: string; status: string; pending_batches: string }[];
  assertEquals(rows.map((r) => [r.run, r.status]), [[b, "partial"]]);
  assert(/^generation batch_1 \S+ \d+\/12$/.test(rows[0].pending_batches), rows[0].pending_batches);
  const table = await runCli(["study", study, "--dry-run"], env);
  assertEquals(table.code, 0, table.stderr);
  assert(table.stdout.includes("pending_batches") && table.stdout.includes("generation batch_1"), table.stdout);
  const resumed = await runCli(args, env);
  assertEquals(resumed.code, 0, resumed.stderr);
  assert(resumed.stderr.includes("1 picked up again"), resumed.stderr);
  assertEquals([server.stats.uploads, server.stats.batches], [1, 1]);
  assertEquals((await records(`${b}/generations.jsonl`)).length, 12);

  // Killed between the upload and the creation's reply: the batch made from that file is found, not created again.
  const c = `${dir.path}/run2`;
  const api = new BatchApi({ baseUrl: server.url });
  const first = await runCli([
    ...runArgs(server.url, "m-think", 1, c),
    "--limit",
    "3",
    "--batch-file",
    `${dir.path}/generation-001.jsonl`,
    "--quiet",
  ], env);
  assertEquals(first.code, 0, first.stderr);
  await Deno.mkdir(`${c}/batches`, { recursive: true });
  await Deno.rename(`${dir.path}/generation-001.jsonl`, `${c}/batches/generation-001.jsonl`);
  const fileId = await api.upload(`${c}/batches/generation-001.jsonl`);
  await api.create(fileId, {});
  await writeBatchState(c, {
    kind: "generation",
    endpoint: api.host,
    // The path as an older bsa stored it (relative to the first command's working directory).
    entries: [{ file: `${c}/batches/generation-001.jsonl`, lines: 3, input_file_id: fileId, done: false }],
  });
  const batches = server.stats.batches;
  const attached = await runCli(batchArgs(server.url, "m-think", 1, c, 3), env);
  assertEquals(attached.code, 0, attached.stderr);
  assert(attached.stderr.includes("found after an interruption"), attached.stderr);
  assertEquals(server.stats.batches, batches);
  assertEquals((await records(`${c}/generations.jsonl`)).length, 3);
});

Deno.test("estimate prices the Batch API; a price table's batch prices win over half the list price", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  const prices = `${dir.path}/prices.json`;
  await Deno.writeTextFile(
    prices,
    JSON.stringify({
      m: { input_per_mtok: 2, output_per_mtok: 8 },
      j: { input_per_mtok: 1, output_per_mtok: 4, batch_input_per_mtok: 0.8, batch_output_per_mtok: 0.8 },
    }),
  );
  const r = await runCli([
    "estimate",
    "--model",
    "m",
    "--judge-model",
    "j",
    "--prices",
    prices,
    "--limit",
    "10",
    "--json",
  ], env);
  assertEquals(r.code, 0, r.stderr);
  const e = JSON.parse(r.stdout);
  assertEquals(e.batch_cost, e.cost / 2);
  assertEquals(e.judge_batch_cost, (e.judge_prompt_tokens * 0.8 + e.judge_completion_tokens * 0.8) / 1e6);
});
