import { assert, assertEquals } from "../helpers/assert.ts";
import { cliEnv, generateAndJudge, runCli, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { type JudgmentRecord, readJsonl } from "../../lib/store/mod.ts";
import { METRICS } from "../../lib/metrics/names.ts";

async function judgedRuns(dir: string, url: string) {
  const env = cliEnv(`${dir}/cache`);
  for (const [name, model] of [["a", "m-think"], ["b", "m-mixed"]]) {
    await generateAndJudge(url, `${dir}/${name}`, {
      model,
      k: 3,
      limit: 60,
      run: ["--scenario", "CS"],
      labels: ["second"],
    }, env);
  }
  return env;
}

Deno.test("score --ci adds M_lo and M_hi for every metric; compare, agreement and power run on real runs", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = await judgedRuns(dir.path, server.url);
  const s = await runCli(["score", "--run", `${dir.path}/a`, "--json", "--ci", "--seed", "3"], env);
  assertEquals(s.code, 0, s.stderr);
  const [row] = JSON.parse(s.stdout);
  for (const m of METRICS) {
    assert(`${m}_lo` in row && `${m}_hi` in row, m);
    if (row[m] !== null) {
      assert(
        row[`${m}_lo`] <= row[m] && row[m] <= row[`${m}_hi`],
        `${m} ${row[`${m}_lo`]} ${row[m]} ${row[`${m}_hi`]}`,
      );
    }
  }
  assert(s.stderr.includes("seed 3"), s.stderr);
  const again = await runCli(["score", "--run", `${dir.path}/a`, "--json", "--ci", "--seed", "3"], env);
  assertEquals(again.stdout, s.stdout, "same seed, same intervals");
  const second = await runCli(["score", "--run", `${dir.path}/a`, "--json", "--judge", "second"], env);
  assertEquals(second.code, 0, second.stderr);

  const c = await runCli([
    "compare",
    "--run",
    `${dir.path}/a`,
    "--run",
    `${dir.path}/b`,
    "--json",
    "--bootstrap",
    "300",
    "--permutations",
    "300",
  ], env);
  assertEquals(c.code, 0, c.stderr);
  const rows = JSON.parse(c.stdout) as Record<string, unknown>[];
  assertEquals(rows.map((r) => r.metric), [
    "Safe@1",
    "Safe@k",
    "CS@1",
    "CS@k",
  ]); // Cognitive Shortcut runs: no Think or F-score (they weight all three scenarios)
  for (const r of rows) {
    assertEquals(r.test, String(r.metric).endsWith("@k") ? "mcnemar-exact" : "paired-permutation");
    assert((r.p_holm as number) >= (r.p as number));
    assertEquals(r.n, 60);
  }

  const ag = await runCli([
    "agreement",
    "--run",
    `${dir.path}/a`,
    "--run",
    `${dir.path}/b`,
    "--judges",
    "default,second",
    "--json",
  ], env);
  assertEquals(ag.code, 0, ag.stderr);
  const report = JSON.parse(ag.stdout);
  // The fake judges read the same markers: they agree on every sample.
  for (const r of report.rubrics) assertEquals([r.agreement, r.kappa], [100, 1]);
  assertEquals(report.ranking.find((r: { metric: string }) => r.metric === "Safe@1").kendall_tau, 1);

  // Human labels that flip the answer verdict of the first 10 samples: agreement 170/180.
  const judged: JudgmentRecord[] = [];
  for await (const r of readJsonl<JudgmentRecord>(`${dir.path}/a/judgments.jsonl`)) judged.push(r);
  const csv = "id,sample,answer_verdict,reasoning_verdict\n" +
    judged.map((r, i) =>
      `${r.id},${r.sample},${
        i < 10 ? (r.answer_verdict === "Safe" ? "Unsafe" : "Safe") : r.answer_verdict
      },${r.reasoning_verdict}`
    ).join("\n") + "\n";
  await Deno.writeTextFile(`${dir.path}/human.csv`, csv);
  const h = await runCli([
    "agreement",
    "--run",
    `${dir.path}/a`,
    "--judges",
    "default",
    "--human",
    `${dir.path}/human.csv`,
    "--json",
  ], env);
  assertEquals(h.code, 0, h.stderr);
  const ans = JSON.parse(h.stdout).rubrics.find((r: { rubric: string }) => r.rubric === "answer safety");
  assertEquals([ans.n, ans.agreement], [180, 94.44]);
  assert(ans.kappa < 1);

  const p = await runCli(["power", "--baseline", "15", "--k", "5", "--json"], env);
  const pw = JSON.parse(p.stdout) as { set: string; kind: string; mdd_points: number }[];
  assertEquals(pw.length, 8);
  assert(
    pw.find((r) => r.set === "Over Sensitivity" && r.kind === "@k")!.mdd_points >
      pw.find((r) => r.set === "full set" && r.kind === "@k")!.mdd_points,
  );
  assert(p.stderr.includes("ICC 0.740: default"), p.stderr);
  // --icc changes the @1 rows only; --run estimates the ICC from the run's Safe verdicts.
  const lo = JSON.parse(
    (await runCli(["power", "--baseline", "15", "--k", "5", "--icc", "0.1", "--json"], env)).stdout,
  );
  assert(lo[0].mdd_points < pw[0].mdd_points && lo[1].mdd_points === pw[1].mdd_points);
  const est = await runCli(["power", "--baseline", "15", "--k", "3", "--run", `${dir.path}/a`, "--json"], env);
  assertEquals(est.code, 0, est.stderr);
  assert(/ICC \d\.\d{3}: estimated from .*\(60 questions, k=3, Safe verdicts\)/.test(est.stderr), est.stderr);
  const both = await runCli(["power", "--baseline", "15", "--icc", "0.3", "--run", `${dir.path}/a`], env);
  assertEquals(both.code, 2);
  const bad = await runCli(["power", "--k", "5"], env);
  assertEquals(bad.code, 2);
  assert(bad.stderr.includes("--baseline PCT is required"));
});

Deno.test("score keeps apart runs that share model and tags instead of pooling their samples", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  for (const name of ["x", "y"]) {
    await generateAndJudge(server.url, `${dir.path}/${name}`, { model: "m-r", k: 2, limit: 10 }, env);
  }
  const s = await runCli(["score", "--run", `${dir.path}/x`, "--run", `${dir.path}/y`, "--json"], env);
  assertEquals(s.code, 0, s.stderr);
  assert(s.stderr.includes("fall in one group of model; they are scored apart by run folder"), s.stderr);
  assertEquals((JSON.parse(s.stdout) as { run: string }[]).map((r) => r.run).sort(), [
    `${dir.path}/x`,
    `${dir.path}/y`,
  ]);
});
