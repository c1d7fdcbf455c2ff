/**
 * What a first-time user meets when something is off: each error names the flag, the file or
 * the folder at fault and says what to do, and nothing is printed (or sent) before a bad flag
 * is refused.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { cliEnv, DATASET_CSV, runArgs, runCli, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { writeViewerRun } from "../helpers/viewer_runs.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { rows } from "../../lib/table.ts";
import { officialCsvText, simulateOfficialRows } from "../helpers/simulate.ts";

const ds = await loadDataset({ path: DATASET_CSV });
const QUESTIONS = rows<{ id: string; scenario: string }>(ds.questions.select("id", "scenario"));

Deno.test("no API key: a server that wants one is told plainly (variable and --api-key-env), with no estimate first; a keyless server needs none", async () => {
  await using dir = await tempDir();
  await using open = startFakeOpenAI();
  await using locked = startFakeOpenAI({ apiKey: "right" });
  const env = { ...cliEnv(`${dir.path}/cache`), OPENAI_API_KEY: undefined, MY_KEY: undefined };
  // A local server (vLLM, Ollama) answers without a key.
  const local = await runCli([...runArgs(open.url, "m-think", 1, `${dir.path}/local`), "--limit", "2"], env);
  assertEquals(local.code, 0, local.stderr);
  assert(local.stderr.includes("estimate: "), local.stderr);
  // A server that wants a key, none set: run and judge both say no key was sent.
  const run = await runCli([...runArgs(locked.url, "m-think", 1, `${dir.path}/locked`), "--limit", "2"], env);
  const judge = await runCli(
    ["judge", "--run", `${dir.path}/local`, "--judge-base-url", locked.url, "--judge-model", "judge-1"],
    env,
  );
  // The endpoint's refusal is the only thing run says: no estimate of a run that cannot start.
  assert(!run.stderr.includes("estimate:"), run.stderr);
  for (const r of [run, judge]) {
    assertEquals(r.code, 1, r.stderr);
    assert(
      r.stderr.includes("refused the request (HTTP 401): no API key was sent (OPENAI_API_KEY is not set)"),
      r.stderr,
    );
    assert(r.stderr.includes("export OPENAI_API_KEY=") && r.stderr.includes("--api-key-env NAME"), r.stderr);
    assert(!r.stderr.includes("rejected the API key"), r.stderr);
  }
  assertEquals(locked.stats.chat, 0);
  // A key that is set but wrong is "rejected", and its variable named.
  const wrong = await runCli(
    [...runArgs(locked.url, "m-think", 1, `${dir.path}/wrong`), "--limit", "2", "--api-key-env", "MY_KEY"],
    { ...env, MY_KEY: "nope" },
  );
  assertEquals(wrong.code, 1, wrong.stderr);
  assert(wrong.stderr.includes("rejected the API key in MY_KEY (HTTP 401)"), wrong.stderr);
  assert(!wrong.stderr.includes("--api-key-env NAME") && !wrong.stderr.includes("nope"), wrong.stderr);
});

Deno.test("score --official-csv: ids the dataset lacks are an error counting them (as unknown ids are elsewhere)", async () => {
  await using dir = await tempDir();
  const sim = simulateOfficialRows(QUESTIONS.slice(0, 30), [{ name: "m", safe: 0.9, think: 0.3 }], 1, 3);
  const good = `${dir.path}/good.csv`;
  await Deno.writeTextFile(good, officialCsvText(sim));
  const ok = await runCli(["score", "--official-csv", good, "--json", "--dataset", DATASET_CSV]);
  assertEquals(ok.code, 0, ok.stderr);
  const bogus = `${dir.path}/judged.csv`;
  await Deno.writeTextFile(
    bogus,
    officialCsvText(sim) + "m,bogus-1,Risk Omission,Safe,True\nm,bogus-2,Over Sensitivity,Safe,False\n",
  );
  for (const extra of [[], ["--by", "model,category"], ["--export-official", `${dir.path}/out.csv`]]) {
    const r = await runCli(["score", "--official-csv", bogus, "--dataset", DATASET_CSV, ...extra]);
    assertEquals(r.code, 1, r.stderr);
    assert(
      r.stderr.includes(`judged.csv: 2 judged question(s) are not in the dataset ${DATASET_CSV}, e.g. bogus-`),
      r.stderr,
    );
    assertEquals(r.stdout, "");
  }
  // The dataset is read by default (BSA_DATASET), not only when asked for.
  const byDefault = await runCli(["score", "--official-csv", bogus], { BSA_DATASET: DATASET_CSV });
  assertEquals(byDefault.code, 1, byDefault.stderr);
  assert(byDefault.stderr.includes("2 judged question(s) are not in the dataset"), byDefault.stderr);
});

Deno.test("view --out --filter: keys and values are checked; the error names the flag, the pair and what it takes", async () => {
  await using dir = await tempDir();
  await writeViewerRun(`${dir.path}/a`, {
    model: "m",
    k: 1,
    questions: QUESTIONS.slice(0, 3),
    sample: () => ({ answer: "ok", reasoning: "r", verdicts: { answer: "Safe", reasoning: "True" } }),
  });
  const view = (filter: string) =>
    runCli(["view", "--run", `${dir.path}/a`, "--out", `${dir.path}/v.html`, "--filter", filter], {
      BSA_DATASET: DATASET_CSV,
    });
  const cases: [string, string][] = [
    [
      "cell=nope",
      "--filter 'cell=nope': cell=nope: expected one of safe-wrong, safe-right, unsafe-right, unsafe-wrong",
    ],
    ["outcome=broken", "outcome=broken: expected one of no_reasoning, truncated, failed, invalid, unjudged, flagged"],
    ["scenario=XX", "scenario=XX: expected one of Risk Omission, RO, Cognitive Shortcut, CS"],
    ["category=Rumors&answer=maybe", "answer=maybe: expected one of Safe, Unsafe"],
    ["subcategory=Nope", "subcategory=Nope: expected one of "],
    ["runs=first", "runs=first: expected run indexes"],
    ["catgory=Rumors", "unknown key 'catgory'"],
  ];
  for (const [filter, message] of cases) {
    const r = await view(filter);
    assertEquals(r.code, 2, `${filter}: ${r.stderr}`);
    assert(
      r.stderr.includes(message) && r.stderr.includes("--filter"),
      `${filter}: expected "${message}" in ${r.stderr}`,
    );
    assert(!(await Deno.stat(`${dir.path}/v.html`).catch(() => null)), "nothing written");
  }
  const ok = await view("scenario=RO&cell=safe-right&outcome=flagged&runs=0&judge=default");
  assertEquals(ok.code, 0, ok.stderr);
});

Deno.test("review plan: a folder that is no run says so; a run without judgments says to judge it first", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/empty`);
  await writeViewerRun(`${dir.path}/unjudged`, {
    model: "m",
    k: 1,
    questions: QUESTIONS.slice(0, 3),
    sample: () => ({ answer: "ok", reasoning: "r" }),
  });
  const cases: [string, string][] = [
    [`${dir.path}/nope`, `${dir.path}/nope is not a run folder (no such folder)`],
    [`${dir.path}/empty`, `${dir.path}/empty is not a run folder (no manifest.json)`],
    [
      `${dir.path}/unjudged`,
      `holds no judgments yet: ${dir.path}/unjudged is not judged; run 'bsa judge --run ${dir.path}/unjudged' first`,
    ],
  ];
  for (const [run, message] of cases) {
    const r = await runCli(["review", "plan", "--run", run, "--n", "5"]);
    assertEquals(r.code, 1, r.stderr);
    assert(r.stderr.includes(message), `expected "${message}" in ${r.stderr}`);
  }
});

Deno.test("run --out: a non-empty folder that is no run is refused and left alone; a run folder resumes", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const project = `${dir.path}/project`;
  await Deno.mkdir(project);
  await Deno.writeTextFile(`${project}/notes.txt`, "mine");
  const r = await runCli([...runArgs(server.url, "m-think", 1, project), "--limit", "2"], env);
  assertEquals(r.code, 2, r.stderr);
  assert(r.stderr.includes(`--out ${project}: ${project} is not empty and is not a run folder`), r.stderr);
  assert(r.stderr.includes("it holds notes.txt"), r.stderr);
  assert(!r.stderr.includes("estimate:"), "refused before anything is printed");
  assertEquals([...Deno.readDirSync(project)].map((e) => e.name), ["notes.txt"]);
  assertEquals(server.stats.chat + server.stats.pings, 0);
  // An empty folder is a new run; the same command again resumes it.
  await Deno.mkdir(`${dir.path}/empty`);
  for (let i = 0; i < 2; i++) {
    const again = await runCli([...runArgs(server.url, "m-think", 1, `${dir.path}/empty`), "--limit", "2"], env);
    assertEquals(again.code, 0, again.stderr);
    assert(again.stdout.includes(`2 of 2 samples recorded (${i ? 0 : 2} new)`), again.stdout);
  }
});

Deno.test("numeric flags: a negative value reaches its check; ranges read 'from A to B' or '>= A'", async () => {
  const cases: [string[], string][] = [
    [["run", "--model", "m", "--out", "x", "--k", "-3"], `bsa run: --k must be an integer >= 1, got "-3"`],
    [["run", "--model", "m", "--out", "x", "--top-p", "2"], `bsa run: --top-p must be a number from 0 to 1, got "2"`],
    [["run", "--model", "m", "--out", "x", "--temperature", "-.5"], `--temperature must be a number >= 0, got "-.5"`],
    [
      ["score", "--official-csv", "x.csv", "--alpha", "-0.5"],
      `bsa score: --alpha must be a number from 0 to 1, got "-0.5"`,
    ],
    [["run", "--model", "m", "--out", "--k", "3"], "bsa run: --out needs a value"],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert(r.stderr.includes(message), `${args.join(" ")}: expected "${message}" in ${r.stderr}`);
    assert(!r.stderr.includes("ambiguous") && !r.stderr.includes(">= 0 <="), r.stderr);
  }
});

Deno.test("run and judge check every flag before printing anything", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const bad: [string[], string][] = [
    [["--temperature", "hot"], `--temperature must be a number >= 0, got "hot"`],
    [["--tag", "noequals"], `--tag "noequals" must be NAME=VALUE`],
    [["--seed", "1.5"], `--seed must be an integer, got "1.5"`],
  ];
  for (const [flags, message] of bad) {
    const r = await runCli([...runArgs(server.url, "m-think", 1, `${dir.path}/r`), "--limit", "2", ...flags], env);
    assertEquals(r.code, 2, r.stderr);
    assertEquals(r.stderr.trim(), `error: bsa run: ${message}`);
  }
  const j = await runCli(
    [
      "judge",
      "--run",
      `${dir.path}/nope`,
      "--judge-base-url",
      server.url,
      "--judge-model",
      "j",
      "--temperature",
      "hot",
    ],
    env,
  );
  assertEquals([j.code, j.stderr.trim()], [2, `error: bsa judge: --temperature must be a number >= 0, got "hot"`]);
  assertEquals(server.stats.chat + server.stats.pings + server.stats.models, 0);
});

Deno.test("run --batch-file says what it wrote, that nothing was sent, and the next command; no progress line", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/requests.jsonl`;
  const out = `${dir.path}/run`;
  const r = await runCli(
    ["run", "--model", "m", "--k", "1", "--limit", "5", "--out", out, "--batch-file", file, "--dataset", DATASET_CSV],
    cliEnv(`${dir.path}/cache`),
  );
  assertEquals(r.code, 0, r.stderr);
  assert(r.stderr.includes(`wrote 5 requests to ${file}; nothing was sent`), r.stderr);
  assert(r.stderr.includes(`'vllm run-batch -i ${file} -o RESULTS.jsonl'`), r.stderr);
  assert(r.stderr.includes(`'bsa ingest --run ${out} RESULTS.jsonl'`), r.stderr);
  assert(!r.stderr.includes("(5)") && !r.stderr.includes("generate m "), r.stderr);
  assertEquals((await Deno.readTextFile(file)).trim().split("\n").length, 5);
});

Deno.test("score --by with an unknown column names the flag, the column and the ones there are", async () => {
  await using dir = await tempDir();
  const csv = `${dir.path}/j.csv`;
  await Deno.writeTextFile(
    csv,
    officialCsvText(simulateOfficialRows(QUESTIONS.slice(0, 5), [{ name: "m", safe: 0.9, think: 0.3 }], 1, 3)),
  );
  const r = await runCli(["score", "--official-csv", csv, "--by", "model,nosuchcol", "--dataset", DATASET_CSV]);
  assertEquals(r.code, 2, r.stderr);
  assert(
    r.stderr.includes("bsa score: --by nosuchcol: no such column; available: model, scenario, category, subcategory"),
    r.stderr,
  );
});

Deno.test("a subcommand's errors are prefixed with the subcommand (bsa paper audit:, bsa review plan:, ...)", async () => {
  const cases: [string[], string][] = [
    [["paper", "audit", "--nope"], "error: bsa paper audit: Unknown option '--nope'"],
    [["paper", "audit", "--alpha", "2"], "error: bsa paper audit: --alpha must be a number from 0 to 1"],
    [["dataset", "stats", "--nope"], "error: bsa dataset stats: Unknown option '--nope'"],
    [["review", "plan", "--run", "x", "--n", "0"], "error: bsa review plan: --n must be an integer >= 1"],
    [["review", "plan", "--nope"], "error: bsa review plan: Unknown option '--nope'"],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert(r.stderr.startsWith(message), `${args.join(" ")}: expected "${message}" in ${r.stderr}`);
  }
});

Deno.test("a CSV with an unclosed quote: the file, the row, the line it starts on, in plain words", async () => {
  await using dir = await tempDir();
  const [a, b, c] = QUESTIONS;
  const csv = `${dir.path}/judged.csv`;
  await Deno.writeTextFile(
    csv,
    "model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\n" +
      `m,${a.id},${a.scenario},Safe,True\nm,"${b.id},${b.scenario},Safe,True\nm,${c.id},${c.scenario},Safe,True\n`,
  );
  // The streamed reader (by model) and the whole-file one (--export-official) say the same.
  for (const extra of [[], ["--export-official", `${dir.path}/x.csv`]]) {
    const r = await runCli(["score", "--official-csv", csv, "--dataset", DATASET_CSV, ...extra]);
    assertEquals(r.code, 1, r.stderr);
    assert(
      r.stderr.includes(`${csv} row 2 (line 3): field 2 opens a quote that is never closed (the file ends inside it`),
      r.stderr,
    );
    assert(!r.stderr.includes("Quote Not Closed"), r.stderr);
  }
  const dataset = `${dir.path}/dataset.csv`;
  await Deno.writeTextFile(dataset, 'id,query,risk_summary,dataset_name,label\nq1,Say "hi,x,Risk Omission,Rumors\n');
  const d = await runCli(["dataset", "stats", "--dataset", dataset]);
  assertEquals(d.code, 1, d.stderr);
  assert(d.stderr.includes(`${dataset} row 1 (line 2): field 2 has a '"' inside an unquoted value`), d.stderr);
});

Deno.test("judge on a run with no generated sample: an error saying so and what to run, not '0 of 0 judged'", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const out = `${dir.path}/run`;
  const run = await runCli([...runArgs(server.url, "m-think", 1, out), "--limit", "1"], env);
  assertEquals(run.code, 0, run.stderr);
  // As after a run whose every request failed: the folder and manifest exist, no answer does.
  await Deno.writeTextFile(`${out}/generations.jsonl`, "");
  const judge = await runCli(
    ["judge", "--run", out, "--judge-base-url", server.url, "--judge-model", "judge-1", "--quiet"],
    env,
  );
  assertEquals(judge.code, 1, judge.stdout + judge.stderr);
  assert(judge.stderr.includes(`${out}/generations.jsonl holds no generated sample`), judge.stderr);
  assert(judge.stderr.includes(`run 'bsa run' with the run's flags and --out ${out} again`), judge.stderr);
  assert(!judge.stdout.includes("samples judged"), judge.stdout);
  const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
  assertEquals(manifest.judge ?? null, null, "no judge recorded for a run with nothing to judge");
});
