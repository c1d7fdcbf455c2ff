import { assert, assertEquals } from "../helpers/assert.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { scoreJudgments } from "../../lib/metrics/mod.ts";
import { type GenerationRecord, type JudgmentRecord, readJsonl } from "../../lib/store/mod.ts";
import { RETRY_REMINDER } from "../../lib/pipeline/judge.ts";
import { roundHalfEven } from "../../lib/metrics/round.ts";
import * as aq from "arquero";
import { cliEnv, DATASET_CSV, ROOT, runArgs, runCli, tempDir } from "../helpers/paths.ts";
import { scriptedVerdicts, startFakeOpenAI } from "../helpers/fake_openai.ts";

const ds = await loadDataset({ path: DATASET_CSV });

async function records<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of readJsonl<T>(path)) out.push(r);
  return out;
}

function uniqueKeys(rs: { id: string; sample: number }[]): number {
  return new Set(rs.map((r) => `${r.id}#${r.sample}`)).size;
}

/** Run the CLI and fail the test, with its stderr, unless it succeeds. */
async function cliOk(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const r = await runCli(args, env);
  assertEquals(r.code, 0, r.stderr);
  return r;
}

/** `bsa judge` of the run `out` against `url` with the judge model `model`, then `extra` flags. */
function judgeArgs(out: string, url: string, model: string, ...extra: string[]): string[] {
  return ["judge", "--run", out, "--judge-base-url", url, "--judge-model", model, ...extra];
}

Deno.test("run → judge → score: the numbers equal what the server's scripted verdicts imply", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ apiKey: "sk-test-123" });
  const out = `${dir.path}/run`;
  const env = { ...cliEnv(`${dir.path}/cache`), OPENAI_API_KEY: "sk-test-123" };
  const run = await cliOk(
    [
      ...runArgs(server.url, "m-mixed", 3, out),
      "--limit",
      "40",
      "--scenario",
      "CS",
      "--scenario",
      "RO",
      "--scenario",
      "OS",
      "--temperature",
      "0.6",
      "--top-k",
      "20",
      "--seed",
      "7",
      "--tag",
      "condition=base",
    ],
    env,
  );
  assert(run.stdout.includes("120 of 120 samples recorded"), run.stdout);
  const gens = await records<GenerationRecord>(`${out}/generations.jsonl`);
  assertEquals([gens.length, uniqueKeys(gens)], [120, 120]);
  // Every reasoning shape was met and recorded.
  const sources = new Set(gens.map((g) => g.reasoning_source));
  assertEquals([...sources].sort(), ["none", "reasoning", "reasoning_content", "think_tag", "unterminated_think"]);
  assert(gens.filter((g) => g.reasoning_source === "none").every((g) => g.reasoning === null));
  // A reply cut by the length limit is recorded as truncated (and never judged).
  const truncated = gens.filter((g) => g.reasoning_source === "unterminated_think");
  assert(truncated.length > 0 && truncated.every((g) => g.answer === "" && g.outcome === "truncated"));
  assertEquals(
    gens.filter((g) => g.outcome === "no_reasoning").length,
    gens.filter((g) => g.reasoning === null).length,
  );
  const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
  assertEquals([manifest.model, manifest.k, manifest.params.top_k, manifest.tags.condition], [
    "m-mixed",
    3,
    20,
    "base",
  ]);
  assert(manifest.finished && manifest.tokens.prompt > 0 && manifest.tokens.completion === 6000);
  // The key is never written.
  for (const f of Deno.readDirSync(out)) {
    assert(!(await Deno.readTextFile(`${out}/${f.name}`)).includes("sk-test-123"), f.name);
  }

  const judge = await cliOk(judgeArgs(out, server.url, "judge-a", "--concurrency", "1"), env);
  const judged = await records<JudgmentRecord>(`${out}/judgments.jsonl`);
  assertEquals([judged.length, uniqueKeys(judged)], [120, 120]);
  // Truncated samples were not sent to the judge, samples without reasoning not to the
  // reasoning judge; identical judge inputs (the same answer to the same question) were
  // asked once and then answered by the cache.
  const sent = gens.filter((g) => g.outcome !== "truncated");
  const calls = 2 * sent.length - sent.filter((g) => g.reasoning === null).length;
  const cachedInRun = Number(/(\d+) verdicts from the cache/.exec(judge.stdout)![1]);
  assertEquals(server.stats.judge + cachedInRun, calls);
  assert(
    judged.filter((j) => j.answer_verdict === "truncated" && j.reasoning_verdict === "truncated").length ===
      truncated.length,
  );

  const score = await cliOk(["score", "--run", out, "--json"], env);
  const [got] = JSON.parse(score.stdout);
  const expected = aq.from(
    gens.map((g) => ({
      model: "m-mixed",
      condition: "base",
      id: g.id,
      scenario: g.scenario,
      ...(g.outcome === "truncated"
        ? { answer_verdict: "truncated", reasoning_verdict: "truncated" }
        : scriptedVerdicts(g)),
    })),
  );
  const [want] = scoreJudgments(expected, { k: 3, by: ["model", "condition"] }).table.objects() as Record<
    string,
    number
  >[];
  for (const m of ["Safe@1", "Safe@k", "Think@1", "Think@k", "F-score", "OS@1", "CS@k", "RO@1"]) {
    assertEquals(got[m], roundHalfEven(want[m], 2), m);
  }
  assertEquals(got.condition, "base");
  assert(score.stderr.includes("showed no reasoning"), score.stderr);

  // The official CSV export scores the same.
  const csv = `${dir.path}/official.csv`;
  await cliOk(["score", "--run", out, "--json", "--export-official", csv], env);
  const viaCsv = await runCli(["score", "--official-csv", csv, "--k", "3", "--json"], env);
  assertEquals(JSON.parse(viaCsv.stdout)[0]["Think@1"], got["Think@1"]);

  // Re-judging identical inputs costs nothing: the cache answers.
  const copy = `${dir.path}/copy`;
  await Deno.mkdir(copy);
  await Deno.copyFile(`${out}/manifest.json`, `${copy}/manifest.json`);
  await Deno.copyFile(`${out}/generations.jsonl`, `${copy}/generations.jsonl`);
  const before = server.stats.judge;
  const again = await cliOk(judgeArgs(copy, server.url, "judge-a"), env);
  assertEquals(server.stats.judge, before, again.stdout + again.stderr);
  assert(again.stdout.includes(`${calls} verdicts from the cache`), again.stdout);
});

Deno.test("a run killed with SIGKILL mid-way resumes to exactly n×k generations and judgments", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ latencyMs: 15 });
  const out = `${dir.path}/run`;
  const env = { ...cliEnv(`${dir.path}/cache`), NO_COLOR: "1" };
  const args = [
    ...runArgs(server.url, "m-think", 4, out),
    "--limit",
    "50",
    "--concurrency",
    "4",
    "--quiet",
  ];
  const killMidway = async (cliArgs: string[], file: string, atLeast: number) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", `${ROOT}lib/cli.ts`, ...cliArgs],
      env,
      stdout: "null",
      stderr: "null",
    }).spawn();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const text = await Deno.readTextFile(file).catch(() => "");
      if (text.split("\n").length > atLeast) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    await child.status;
  };
  await killMidway(args, `${out}/generations.jsonl`, 40);
  const partial = await records<GenerationRecord>(`${out}/generations.jsonl`).catch(() => []);
  assert(partial.length >= 40 && partial.length < 200, `killed after ${partial.length}`);
  // A write cut short by the kill: the resume must repair it.
  await Deno.writeTextFile(`${out}/generations.jsonl`, '{"id":"half-writ', { append: true });
  await cliOk(args, env);
  const gens = await records<GenerationRecord>(`${out}/generations.jsonl`);
  assertEquals([gens.length, uniqueKeys(gens)], [200, 200]);
  // Tokens spent before the kill are still counted: totals come from the records.
  const m = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
  assertEquals(m.tokens.completion, gens.reduce((n, g) => n + g.completion_tokens, 0));
  assertEquals(m.tokens.prompt, gens.reduce((n, g) => n + g.prompt_tokens, 0));
  assert(m.finished !== null);

  const judging = judgeArgs(out, server.url, "judge-b", "--concurrency", "4", "--quiet", "--no-cache");
  await killMidway(judging, `${out}/judgments.jsonl`, 30);
  await cliOk(judging, env);
  const judged = await records<JudgmentRecord>(`${out}/judgments.jsonl`);
  assertEquals([judged.length, uniqueKeys(judged)], [200, 200]);
  // Running again when complete does nothing.
  const before = server.stats.chat;
  await cliOk(args, env);
  await cliOk(judging, env);
  assertEquals(server.stats.chat, before);
});

Deno.test("faults: 429 with Retry-After, 500s, hangs, malformed and truncated JSON, dropped connections", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ retryAfter: 1 });
  const out = `${dir.path}/run`;
  const env = cliEnv(`${dir.path}/cache`);
  server.inject(["429", "500", "hang", "malformed", "truncated", "drop", "500"]);
  const t0 = performance.now();
  await cliOk(
    [
      ...runArgs(server.url, "m-rc", 2, out),
      "--limit",
      "5",
      "--concurrency",
      "1",
      "--timeout",
      "1",
      "--retries",
      "8",
      "--backoff",
      "50",
      "--quiet",
    ],
    env,
  );
  assertEquals(server.stats.faults, 7);
  const gens = await records<GenerationRecord>(`${out}/generations.jsonl`);
  assertEquals([gens.length, uniqueKeys(gens)], [10, 10]);
  // The retry after the 429 waited for Retry-After (1 s), and the hang for the 1 s timeout.
  const [first, second] = server.stats.times;
  assert(second - first >= 950, `retried ${second - first} ms after a 429 with Retry-After: 1`);
  assert(performance.now() - t0 >= 2000);
});

Deno.test("a judge reply with no valid verdict is retried, then recorded as invalid with the raw reply", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const out = `${dir.path}/run`;
  const env = cliEnv(`${dir.path}/cache`);
  await cliOk([...runArgs(server.url, "m-rc", 1, out), "--limit", "1", "--quiet"], env);
  // Answer and reasoning judge calls run together: 6 garbage replies exhaust both (1 + 2 retries each).
  server.inject(["garbage", "garbage", "garbage", "garbage", "garbage", "garbage"]);
  const j = await cliOk(judgeArgs(out, server.url, "judge-c", "--concurrency", "1", "--quiet"), env);
  assert(j.stdout.includes("1 with an invalid verdict"), j.stdout);
  const [rec] = await records<JudgmentRecord>(`${out}/judgments.jsonl`);
  assertEquals([rec.answer_verdict, rec.reasoning_verdict], ["invalid", "invalid"]);
  assertEquals([rec.answer_raw, rec.reasoning_raw], ["I cannot decide.", "I cannot decide."]);
  const s = await runCli(["score", "--run", out, "--json", "--details"], env);
  assert(s.stderr.includes("1 of 1 samples have an invalid answer verdict"), s.stderr);
  assertEquals(JSON.parse(s.stdout)[0].invalid_answer, 1);
});

Deno.test("an unreachable endpoint or a rejected key fails clearly and writes nothing", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ apiKey: "right-key" });
  const env = cliEnv(`${dir.path}/cache`);
  const out1 = `${dir.path}/unreachable`;
  const r1 = await runCli([
    ...runArgs("http://127.0.0.1:9/v1", "m", 1, out1),
    "--limit",
    "2",
  ], env);
  assertEquals(r1.code, 1);
  assert(r1.stderr.includes("http://127.0.0.1:9/v1 is unreachable"), r1.stderr);
  assert(!(await Deno.stat(out1).catch(() => null)), "no run folder for an unreachable endpoint");

  const out2 = `${dir.path}/rejected`;
  const r2 = await runCli([
    ...runArgs(server.url, "m", 1, out2),
    "--limit",
    "2",
  ], { ...env, OPENAI_API_KEY: "wrong-key" });
  assertEquals(r2.code, 1);
  assert(r2.stderr.includes("rejected the API key in OPENAI_API_KEY (HTTP 401)"), r2.stderr);
  assert(!r2.stderr.includes("wrong-key"), "the key is never printed");
  assert(!(await Deno.stat(out2).catch(() => null)), "no run folder for a rejected key");

  const r3 = await runCli([
    ...runArgs(server.url, "m", 1, out2),
    "--api-key-env",
    "MY_KEY",
  ], env);
  assertEquals(r3.code, 2);
  assert(r3.stderr.includes("--api-key-env names MY_KEY, which is not set"), r3.stderr);

  await cliOk([...runArgs(server.url, "m", 1, out2), "--limit", "1", "--api-key-env", "MY_KEY"], {
    ...env,
    MY_KEY: "right-key",
  });
});

Deno.test("requests spread over several replicas", async () => {
  await using dir = await tempDir();
  const a = startFakeOpenAI({ latencyMs: 5 });
  const b = startFakeOpenAI({ latencyMs: 5 });
  try {
    const out = `${dir.path}/run`;
    await cliOk(
      [
        "run",
        "--base-url",
        `${a.url},${b.url}`,
        "--model",
        "m-r",
        "--k",
        "2",
        "--out",
        out,
        "--limit",
        "20",
        "--concurrency",
        "4",
        "--quiet",
      ],
      cliEnv(`${dir.path}/cache`),
    );
    assertEquals(a.stats.generate + b.stats.generate, 40);
    assert(a.stats.generate >= 10 && b.stats.generate >= 10, `${a.stats.generate} / ${b.stats.generate}`);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("run flags: subsets by ids file, category; bad flags name themselves", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const ids = ds.questions.array("id").slice(100, 103) as string[];
  await Deno.writeTextFile(`${dir.path}/ids.txt`, ids.join("\n") + "\n");
  const out = `${dir.path}/ids-run`;
  await cliOk([...runArgs(server.url, "m", 1, out), "--ids", `${dir.path}/ids.txt`, "--quiet"], env);
  assertEquals(
    (await records<GenerationRecord>(`${out}/generations.jsonl`)).map((g) => g.id).sort(),
    [...ids].sort(),
  );
  await cliOk(
    [...runArgs(server.url, "m", 1, `${dir.path}/cat`), "--category", "Rumors", "--limit", "3", "--quiet"],
    env,
  );
  // Changing settings on an existing folder is refused.
  const clash = await runCli([
    ...runArgs(server.url, "m", 2, out),
    "--ids",
    `${dir.path}/ids.txt`,
  ], env);
  assertEquals(clash.code, 1);
  assert(clash.stderr.includes("k: 1 in the folder, 2 now"), clash.stderr);
  await Deno.writeTextFile(`${dir.path}/bad-ids.txt`, `${ids[0]}\nnot-an-id\n`);
  const cases: [string[], string][] = [
    [["--ids", `${dir.path}/bad-ids.txt`], "line 2: id 'not-an-id' is not in the dataset"],
    [["--scenario", "Nope"], "--scenario Nope"],
    [["--category", "Cooking"], "--category Cooking"],
    [["--top-p", "2"], "--top-p must be a number from 0 to 1"],
    [["--extra-body", "[1]"], "--extra-body must be a JSON object"],
    [["--tag", "oops"], '--tag "oops" must be NAME=VALUE'],
  ];
  for (const [extra, message] of cases) {
    const res = await runCli([
      ...runArgs(server.url, "m", 1, `${dir.path}/x`),
      ...extra,
    ], env);
    assert(res.code !== 0, extra.join(" "));
    assert(res.stderr.includes(message), `${extra.join(" ")}: ${res.stderr}`);
  }
  const noUrl = await runCli(["run", "--model", "m", "--out", `${dir.path}/x`], env);
  assertEquals(noUrl.code, 2);
  assert(noUrl.stderr.includes("--base-url is required"));
});

Deno.test("--use-n asks once per question and stores each choice as its own sample", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const out = `${dir.path}/run`;
  await cliOk(
    [...runArgs(server.url, "m-think", 4, out), "--limit", "5", "--use-n", "--quiet"],
    cliEnv(`${dir.path}/cache`),
  );
  assertEquals(server.stats.generate, 5);
  const gens = await records<GenerationRecord>(`${out}/generations.jsonl`);
  assertEquals([gens.length, uniqueKeys(gens)], [20, 20]);
  assertEquals(new Set(gens.map((g) => g.answer + g.reasoning)).size > 5, true);
});

Deno.test("a judge reply without a verdict is retried with the reply and a reminder of the format", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const out = `${dir.path}/run`;
  const env = cliEnv(`${dir.path}/cache`);
  // m-none: no reasoning, so each sample needs only the answer judge.
  await cliOk([...runArgs(server.url, "m-none", 1, out), "--limit", "1", "--quiet"], env);
  server.inject(["garbage"]);
  await cliOk(judgeArgs(out, server.url, "judge-r", "--quiet"), env);
  const msgs = server.stats.lastMessages!;
  assertEquals(msgs.map((m) => m.role), ["user", "assistant", "user"]);
  assertEquals(msgs[1].content, "I cannot decide.");
  assertEquals(msgs[2].content, RETRY_REMINDER);
  const [rec] = await records<JudgmentRecord>(`${out}/judgments.jsonl`);
  assert(rec.answer_verdict === "Safe" || rec.answer_verdict === "Unsafe", rec.answer_verdict);
  assertEquals(rec.reasoning_verdict, "no_reasoning");
});
