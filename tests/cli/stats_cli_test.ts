import { assert, assertEquals } from "../helpers/assert.ts";
import { cliEnv, generateAndJudge, runArgs, runCli, tempDir } from "../helpers/paths.ts";
import { parseCsv } from "../../lib/csv/parse.ts";
import { METRIC_ORDER } from "../../lib/metrics/metric_table.ts";
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
    assert((r.p_adj as number) >= (r.p as number));
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

/** The header line and the data lines of an aligned text table printed on stdout. */
function _textTable(stdout: string): { header: string; lines: string[] } {
  const all = stdout.trimEnd().split("\n");
  const rule = all.findIndex((l) => /^-+( +-+)*$/.test(l));
  return { header: all[rule - 1], lines: all.slice(rule + 1) };
}

Deno.test("score, compare, agreement and power print the same numbers as text, CSV, Markdown and LaTeX, metrics in the paper's order", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = await judgedRuns(dir.path, server.url);
  const runs = ["--run", `${dir.path}/a`, "--run", `${dir.path}/b`];
  const json = JSON.parse((await runCli(["score", ...runs, "--json"], env)).stdout) as Record<string, number | null>[];
  const text = await runCli(["score", ...runs], env);
  assertEquals(text.code, 0, text.stderr);
  const { header, lines } = _textTable(text.stdout);
  // The paper's order, every metric with two decimals, "–" right-aligned under its header.
  const shown = header.split(/\s{2,}/).filter((h) => METRIC_ORDER.includes(h as never));
  assertEquals(shown, [...METRIC_ORDER]);
  for (const [i, line] of lines.entries()) {
    for (const m of METRIC_ORDER) {
      const end = header.indexOf(m) + m.length;
      const cell = line.slice(0, end).split(/\s+/).at(-1)!;
      const v = json[i][m];
      assertEquals(cell, v === null ? "–" : v.toFixed(2), `${m} of row ${i}: ${line}`);
      assert(line.length >= end && line[end] !== undefined ? line[end] === " " : true, line);
    }
  }
  assert(lines.some((l) => l.includes("–")), "CS runs: Think is not given");

  const csv = await runCli(["score", ...runs, "--format", "csv"], env);
  const parsed = parseCsv(csv.stdout, { source: "stdout" }).table;
  const csvRows = parsed.objects() as Record<string, string>[];
  assertEquals(parsed.columnNames().filter((c) => METRIC_ORDER.includes(c as never)), [...METRIC_ORDER]);
  for (const [i, r] of csvRows.entries()) {
    for (const m of METRIC_ORDER) assertEquals(r[m] ?? "", json[i][m] === null ? "" : json[i][m]!.toFixed(2), m);
  }

  const md = (await runCli(["score", ...runs, "--format", "markdown"], env)).stdout.trim().split("\n");
  assert(md[0].startsWith("| model |") && md[1].includes("---:"), md.join("\n"));
  assertEquals(md.length, 2 + json.length);
  const tex = (await runCli(["score", ...runs, "--format", "latex", "--bold-best"], env)).stdout;
  assert(tex.includes("\\toprule") && tex.includes("\\bottomrule") && tex.includes("\\textbf{"), tex);
  const badFormat = await runCli(["score", ...runs, "--format", "xlsx"], env);
  assertEquals(badFormat.code, 2);
  assert(badFormat.stderr.includes("--format xlsx: expected one of table, csv, json, markdown, latex"));

  const compareArgs = ["compare", ...runs, "--bootstrap", "200", "--permutations", "200"];
  const cmp = JSON.parse((await runCli([...compareArgs, "--json"], env)).stdout) as {
    metric: string;
    A: number;
    B: number;
    diff: number;
    diff_lo: number;
  }[];
  const cmpCsv = parseCsv((await runCli([...compareArgs, "--format", "csv"], env)).stdout, { source: "stdout" })
    .table.objects() as Record<string, string>[];
  assertEquals(cmpCsv.map((r) => r.metric), cmp.map((r) => r.metric));
  for (const [i, r] of cmpCsv.entries()) {
    assertEquals(
      [r.A, r.B, r["B − A"], r["B − A_lo"]],
      [cmp[i].A, cmp[i].B, cmp[i].diff, cmp[i].diff_lo].map((v) => v.toFixed(2)),
    );
  }

  const ag = await runCli(["agreement", ...runs, "--judges", "default,second"], env);
  assertEquals(ag.code, 0, ag.stderr);
  assert(!ag.stdout.includes("{"), "no raw JSON in the text output");
  // The answer rubric's confusion matrix as a table: rows the first judge's verdicts, columns the second's.
  const block = ag.stdout.split("\n\n").findIndex((b) => b.startsWith("answer safety: rows default, columns second"));
  assert(block >= 0, ag.stdout);
  const matrix = ag.stdout.split("\n\n")[block + 1].split("\n");
  assert(/^default\s+second=Safe\s+second=Unsafe/.test(matrix[0]), matrix[0]);
  assert(matrix.slice(2).every((l) => /^default=\S+(\s+\d+)+$/.test(l)), matrix.join("\n"));

  const pw = await runCli(["power", "--baseline", "50", "--k", "5", "--icc", "0.5", "--format", "markdown"], env);
  assert(pw.stdout.includes("| full set | 2000 | @1 | 3.43 |"), pw.stdout);
});

Deno.test("score --by category collapses its repeated warnings into counted lines; --verbose prints each", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  await generateAndJudge(server.url, `${dir.path}/r`, { model: "m-think", k: 1, limit: 60 }, env);
  const brief = await runCli(["score", "--run", `${dir.path}/r`, "--by", "category"], env);
  const verbose = await runCli(["score", "--run", `${dir.path}/r`, "--by", "category", "--verbose"], env);
  assertEquals(brief.code, 0, brief.stderr);
  assertEquals(brief.stdout, verbose.stdout);
  const each = verbose.stderr.split("\n").filter((l) => l.startsWith("warning: "));
  const collapsed = brief.stderr.split("\n").filter((l) => l.startsWith("warning: "));
  assert(each.length >= 8, verbose.stderr);
  assert(collapsed.length <= 3, brief.stderr);
  const groups = Number(/partial run, .* \((\d+) groups: category=/.exec(brief.stderr)?.[1]);
  assertEquals(groups, each.filter((l) => l.includes(": partial run,")).length);
  assert(
    brief.stderr.includes(`(${each.length} warnings shown as ${collapsed.length} lines; --verbose prints each)`),
    brief.stderr,
  );
});

Deno.test("progress shows retried errors as retries (the run ends with 0 failed) and labels judging by the judge", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ retryAfter: 0 });
  const env = cliEnv(`${dir.path}/cache`);
  server.inject(["500", "500"]);
  const gen = await runCli([...runArgs(server.url, "m-think", 1, `${dir.path}/r`), "--limit", "4"], env);
  assertEquals(gen.code, 0, gen.stderr);
  const last = gen.stderr.split("\n").filter((l) => l.startsWith("generate m-think")).at(-1) ?? "";
  assert(last.includes("retries 2 failed 0"), gen.stderr);
  assert(!gen.stderr.includes("failures"), gen.stderr);
  const judge = await runCli([
    ...["judge", "--run", `${dir.path}/r`, "--judge-base-url", server.url, "--judge-model", "judge-x"],
  ], env);
  assertEquals(judge.code, 0, judge.stderr);
  const lines = judge.stderr.split("\n").filter((l) => /^judge \S+ .*\d+\/\d+/.test(l));
  assert(lines.length > 0 && lines.every((l) => l.startsWith("judge judge-x ")), judge.stderr);
});
