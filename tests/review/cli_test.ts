import { assert, assertEquals } from "../helpers/assert.ts";
import { cliEnv, generateAndJudge, runCli, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { judgedSamples, readPlan } from "../../lib/review/store.ts";
import { appendLabel, loadRunJudgments } from "../../lib/store/mod.ts";
import type { ReviewPlan } from "../../lib/review/plan.ts";

Deno.test("plan -> label -> agreement on a judged run; bad labels files are rejected with the line named", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const run = `${dir.path}/a`;
  await generateAndJudge(server.url, run, { model: "m-mixed", k: 2, limit: 40, run: ["--scenario", "CS"] }, env);

  const p = await runCli(["review", "plan", "--run", run, "--n", "20", "--seed", "11", "--json"], env);
  assertEquals(p.code, 0, p.stderr);
  const plan = await readPlan(`${run}/review-plan.json`);
  assertEquals(JSON.parse(p.stdout).samples, plan.samples);
  assertEquals([plan.samples.length, plan.seed], [20, 11]);
  const again = await runCli(["review", "plan", "--run", run, "--n", "20", "--seed", "11"], env);
  assertEquals(again.code, 1, "an existing plan is not replaced");
  assert(again.stderr.includes("--force"), again.stderr);
  const forced = await runCli(["review", "plan", "--run", run, "--n", "20", "--seed", "11", "--force"], env);
  assertEquals(forced.code, 0, forced.stderr);
  assertEquals((await readPlan(`${run}/review-plan.json`)).samples, plan.samples, "same seed, same plan");
  const usage = await runCli(["review", "plan", "--run", run], env);
  assertEquals(usage.code, 2);
  assert(usage.stderr.includes("--n N or --margin"), usage.stderr);

  // A person who agrees with the judge except on the answer of the first two drawn samples.
  const judged = new Map(judgedSamples(await loadRunJudgments([run])).map((s) => [`${s.id}#${s.sample}`, s]));
  for (const [i, s] of plan.samples.entries()) {
    const j = judged.get(`${s.id}#${s.sample}`)!;
    const flip = j.answer_verdict === "Safe" ? "Unsafe" : "Safe";
    await appendLabel(run, {
      id: s.id,
      sample: s.sample,
      reviewer: "ana",
      answer_verdict: i < 2 ? flip : j.answer_verdict,
      reasoning_verdict: j.reasoning_verdict,
      time: new Date().toISOString(),
      seconds: 3,
    });
  }
  const ag = await runCli(
    ["agreement", "--run", run, "--judges", "default", "--human", `${run}/labels-ana.jsonl`, "--json"],
    env,
  );
  assertEquals(ag.code, 0, ag.stderr);
  const report = JSON.parse(ag.stdout);
  assertEquals(report.design, "plan");
  const all = report.rubrics.find((r: { scenario: string }) => r.scenario === "all");
  assertEquals([all.n, all.agreement], [20, 90]);
  assert(all.lo < 90 && all.hi > 90);
  const text = await runCli(
    ["agreement", "--run", run, "--judges", "default", "--human", `${run}/labels-ana.jsonl`],
    env,
  );
  assertEquals(text.code, 0, text.stderr);
  assert(text.stdout.includes("Metrics corrected for the measured judge error"), text.stdout);
  // Without the plan the labels are post-stratified, and the CLI names the command that draws one.
  await Deno.rename(`${run}/review-plan.json`, `${dir.path}/plan-aside.json`);
  const noPlan = await runCli(
    ["agreement", "--run", run, "--judges", "default", "--human", `${run}/labels-ana.jsonl`],
    env,
  );
  await Deno.rename(`${dir.path}/plan-aside.json`, `${run}/review-plan.json`);
  assertEquals(noPlan.code, 0, noPlan.stderr);
  assert(/warning: no review plan: .*\('bsa review plan'\)/.test(noPlan.stderr), noPlan.stderr);

  const bad = async (name: string, lines: string[], expect: string) => {
    const path = `${dir.path}/${name}`;
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const r = await runCli(["agreement", "--run", run, "--judges", "default", "--human", path], env);
    assertEquals(r.code, 1, `${name}: ${r.stderr}`);
    assert(r.stderr.includes(expect), `${name}: ${r.stderr}`);
    assert(!r.stderr.includes("    at "), "no stack trace");
  };
  const good = (s: ReviewPlan["samples"][number], extra: Record<string, unknown> = {}) => {
    const j = judged.get(`${s.id}#${s.sample}`)!;
    return JSON.stringify({
      id: s.id,
      sample: s.sample,
      reviewer: "ben",
      answer_verdict: j.answer_verdict,
      reasoning_verdict: j.reasoning_verdict,
      time: "t",
      seconds: 1,
      ...extra,
    });
  };
  const [s0, s1] = plan.samples;
  await bad("unknown-id.jsonl", [good(s0), good(s1, { id: "no-such-question" })], "unknown-id.jsonl line 2: ");
  await bad(
    "unknown-verdict.jsonl",
    [good(s0), good(s1), good(s0, { answer_verdict: "Maybe", revision: true })],
    'line 3: unknown answer verdict "Maybe"',
  );
  await bad(
    "unknown-reasoning.jsonl",
    [good(s0, { reasoning_verdict: "True" })],
    'line 1: unknown reasoning verdict "True" for Cognitive Shortcut',
  );
  await bad("duplicate.jsonl", [good(s0), good(s1), good(s0)], "duplicate.jsonl line 3: duplicate label");
  await bad("broken.jsonl", [good(s0), "{not json"], "broken.jsonl line 2: not a JSON object");
  await bad(
    "csv-dup.csv",
    [
      "id,sample,answer_verdict,reasoning_verdict",
      `${s0.id},${s0.sample},Safe,Not Covered`,
      `${s0.id},${s0.sample},Safe,Not Covered`,
    ],
    "csv-dup.csv line 3: duplicate label",
  );
  const outside = [...judged.values()].find((j) => !plan.samples.some((s) => s.id === j.id && s.sample === j.sample))!;
  await bad("outside.jsonl", [good({ ...outside, stratum: "" })], "outside.jsonl line 1: sample");
  // A revision replaces the earlier label; it is not a duplicate.
  await Deno.writeTextFile(`${dir.path}/rev.jsonl`, [good(s0), good(s0, { revision: true })].join("\n") + "\n");
  const agree = (...human: string[]) =>
    runCli(["agreement", "--run", run, "--judges", "default", ...human.flatMap((h) => ["--human", h]), "--json"], env);
  const rev = await agree(`${dir.path}/rev.jsonl`);
  assertEquals(rev.code, 0, rev.stderr);
  assertEquals(JSON.parse(rev.stdout).rubrics[0].n, 1);
  // Two files of one reviewer are an error.
  const two = await agree(`${dir.path}/rev.jsonl`, `${dir.path}/rev.jsonl`);
  assertEquals(two.code, 1);
  assert(two.stderr.includes("both labels of reviewer ben"), two.stderr);
});
