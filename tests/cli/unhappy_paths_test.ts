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

Deno.test("numeric flags: a negative value reaches its check; every range reads 'from A to B'", async () => {
  const cases: [string[], string][] = [
    [["run", "--model", "m", "--out", "x", "--k", "-3"], `bsa run: --k must be an integer from 1 to 1000, got "-3"`],
    [["run", "--model", "m", "--out", "x", "--top-p", "2"], `bsa run: --top-p must be a number from 0 to 1, got "2"`],
    [
      ["run", "--model", "m", "--out", "x", "--temperature", "-.5"],
      `--temperature must be a number from 0 to 2, got "-.5"`,
    ],
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
    [["--temperature", "hot"], `--temperature must be a number from 0 to 2, got "hot"`],
    [["--tag", "noequals"], `--tag "noequals" must be NAME=VALUE`],
    [["--seed", "1.5"], `--seed must be an integer from -9007199254740991 to 9007199254740991, got "1.5"`],
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
  assertEquals([j.code, j.stderr.trim()], [
    2,
    `error: bsa judge: --temperature must be a number from 0 to 2, got "hot"`,
  ]);
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
    [["review", "plan", "--run", "x", "--n", "0"], "error: bsa review plan: --n must be an integer from 1 to 100000"],
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

Deno.test("every numeric flag of every command: decimal only (no 1e1, 0x10, 5.0), bounded, refused with flag, value and range", async () => {
  const { main } = await import("../../lib/cli.ts");
  const { LIMITS } = await import("../../lib/cli/_flags.ts");
  const run = ["run", "--model", "m", "--out", "/nonexistent/x", "--base-url", "http://127.0.0.1:9/v1"];
  const judge = ["judge", "--run", "/nonexistent/x", "--judge-base-url", "http://127.0.0.1:9/v1", "--judge-model", "j"];
  // [command line without the flag, flag, its range as the message states it]
  const flags: [string[], string, string][] = [
    [run, "k", `an integer from 1 to ${LIMITS.k}`],
    [run, "concurrency", `an integer from 1 to ${LIMITS.concurrency}`],
    [run, "limit", `an integer from 1 to ${LIMITS.questions}`],
    [run, "max-tokens", `an integer from 1 to ${LIMITS.tokens}`],
    [run, "top-k", `an integer from -1 to ${LIMITS.topK}`],
    [run, "seed", `an integer from -${LIMITS.seed} to ${LIMITS.seed}`],
    [run, "retries", `an integer from 0 to ${LIMITS.retries}`],
    [run, "backoff", `an integer from 0 to ${LIMITS.backoffMs}`],
    [run, "timeout", "a number from 1 to 2147483"],
    [run, "temperature", `a number from 0 to ${LIMITS.temperature}`],
    [[...run, "--batch"], "batch-rounds", `an integer from 1 to ${LIMITS.rounds}`],
    [[...run, "--batch"], "batch-poll", `a number from 0 to ${LIMITS.pollSeconds}`],
    [[...run, "--batch"], "batch-max-lines", "an integer from 1 to 50000"],
    [judge, "concurrency", `an integer from 1 to ${LIMITS.concurrency}`],
    [judge, "max-tokens", `an integer from 1 to ${LIMITS.tokens}`],
    [judge, "retries", `an integer from 0 to ${LIMITS.retries}`],
    [["estimate", "--model", "m"], "k", `an integer from 1 to ${LIMITS.k}`],
    [["estimate", "--model", "m"], "completion-tokens", `an integer from 1 to ${LIMITS.tokens}`],
    [["score", "--official-csv", "x.csv"], "k", `an integer from 1 to ${LIMITS.k}`],
    [["score", "--official-csv", "x.csv", "--ci"], "bootstrap", `an integer from 100 to ${LIMITS.replicates}`],
    [["compare", "--run", "a", "--run", "b"], "permutations", `an integer from 100 to ${LIMITS.replicates}`],
    [["power", "--baseline", "50"], "k", `an integer from 1 to ${LIMITS.k}`],
    [["review", "plan", "--run", "x"], "n", `an integer from 1 to ${LIMITS.reviewItems}`],
    [["view", "--run", "x"], "port", "an integer from 0 to 65535"],
  ];
  const printed: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => void printed.push(a.join(" "));
  try {
    for (const [args, flag, range] of flags) {
      const integer = range.startsWith("an integer");
      const bad = ["1e1", "0x10", "99999999999999999999", "1_0", " ", "Infinity", ...(integer ? ["5.0", "2.5"] : [])];
      for (const value of bad) {
        printed.length = 0;
        const code = await main([...args, `--${flag}`, value]);
        const said = printed.join("\n");
        assertEquals(code, 2, `${args[0]} --${flag} ${value}: ${said}`);
        assert(said.includes(`--${flag} must be ${range}, got ${JSON.stringify(value)}`), `${flag} ${value}: ${said}`);
      }
    }
  } finally {
    console.error = original;
  }
});

Deno.test("numeric flags go through the one parser: no command reads a number from a flag itself", () => {
  for (const file of Deno.readDirSync(new URL("../../lib/cli/", import.meta.url))) {
    if (!file.name.endsWith(".ts") || file.name === "_flags.ts") continue;
    const text = Deno.readTextFileSync(new URL(`../../lib/cli/${file.name}`, import.meta.url));
    assert(
      !/\b(parseInt|parseFloat)\(|Number\(values|Number\(v\)|\+values\[/.test(text),
      `${file.name} parses a number`,
    );
  }
});

Deno.test("no key: no Authorization header at all (not 'Bearer EMPTY'); a key set is sent as Bearer", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = { ...cliEnv(`${dir.path}/cache`), OPENAI_API_KEY: undefined };
  const r = await runCli([...runArgs(server.url, "m-think", 1, `${dir.path}/a`), "--limit", "2", "--quiet"], env);
  assertEquals(r.code, 0, r.stderr);
  assert(server.stats.authorization.length >= 3, "the preflight and two requests");
  assertEquals(new Set(server.stats.authorization), new Set([null]));
  // An empty key is no key either.
  const empty = await runCli(
    [...runArgs(server.url, "m-think", 1, `${dir.path}/b`), "--limit", "1", "--quiet"],
    { ...env, OPENAI_API_KEY: "" },
  );
  assertEquals(empty.code, 0, empty.stderr);
  assertEquals(new Set(server.stats.authorization), new Set([null]));
  const keyed = await runCli(
    [...runArgs(server.url, "m-think", 1, `${dir.path}/c`), "--limit", "1", "--quiet"],
    { ...env, OPENAI_API_KEY: "sk-local-123456789" },
  );
  assertEquals(keyed.code, 0, keyed.stderr);
  assertEquals(server.stats.authorization.at(-1), "Bearer sk-local-123456789");
});

Deno.test("a provider echoing the key: redacted from generations.jsonl, judgments and every printed line", async () => {
  await using dir = await tempDir();
  const KEY = "sk-test-SECRET-0123456789abcdef";
  await using server = startFakeOpenAI({ apiKey: KEY, echoKey: true });
  const env = { ...cliEnv(`${dir.path}/cache`), BSA_TEST_KEY: KEY };
  const out = `${dir.path}/run`;
  // Two permanent refusals quoting the request (recorded as failed, with their error text).
  server.inject(["echo", "echo"]);
  const r = await runCli(
    [...runArgs(server.url, "m-think", 1, out), "--limit", "4", "--api-key-env", "BSA_TEST_KEY", "--concurrency", "1"],
    env,
  );
  assertEquals(r.code, 0, r.stderr);
  const stored = await Deno.readTextFile(`${out}/generations.jsonl`);
  const failed = stored.trim().split("\n").map((l) => JSON.parse(l)).filter((g) => g.outcome === "failed");
  assertEquals(failed.length, 2, stored);
  for (const g of failed) {
    assert(g.error.includes("Bearer [redacted]") && g.error.includes("api_key=[redacted]"), g.error);
    assert(g.error.includes("https://[redacted]@proxy.example"), g.error);
  }
  server.inject(["echo"]);
  const j = await runCli(
    [
      ...["judge", "--run", out, "--judge-base-url", server.url, "--judge-model", "judge-1"],
      ...["--api-key-env", "BSA_TEST_KEY", "--concurrency", "1", "--no-cache"],
    ],
    env,
  );
  assertEquals(j.code, 0, j.stderr);
  const judgments = await Deno.readTextFile(`${out}/judgments.jsonl`);
  assert(judgments.includes("[redacted]"), "the judge's refusal was stored, redacted");
  // A wrong key the server quotes back in its 401.
  const wrong = await runCli(
    [...runArgs(server.url, "m-think", 1, `${dir.path}/wrong`), "--limit", "1", "--api-key-env", "WRONG_KEY"],
    { ...env, WRONG_KEY: "sk-wrong-key-9876543210" },
  );
  assertEquals(wrong.code, 1, wrong.stderr);
  for (const text of [stored, judgments, r.stdout, r.stderr, j.stdout, j.stderr, wrong.stdout, wrong.stderr]) {
    assert(!text.includes(KEY) && !text.includes("SECRET-0123") && !text.includes("hunter2"), text);
    assert(!text.includes("sk-wrong-key-9876543210"), text);
  }
});

Deno.test("base URL with credentials or a query: refused, naming which, never echoing the value", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const at = server.url.replace("http://", "http://alice:pa55word@");
  const creds = await runCli([...runArgs(at, "m-think", 1, `${dir.path}/a`), "--limit", "1"], env);
  assertEquals(creds.code, 2, creds.stderr);
  assert(creds.stderr.includes("--base-url") && creds.stderr.includes("carries credentials"), creds.stderr);
  const query = await runCli([...runArgs(`${server.url}?key=abc123secret`, "m-think", 1, `${dir.path}/b`)], env);
  assertEquals(query.code, 2, query.stderr);
  assert(query.stderr.includes("has a query (?key)"), query.stderr);
  for (const r of [creds, query]) {
    assert(!r.stderr.includes("pa55word") && !r.stderr.includes("abc123secret"), r.stderr);
    assert(!r.stderr.includes("is the model name right") && !r.stderr.includes("OPENAI_API_KEY is not set"), r.stderr);
  }
  assertEquals(server.stats.authorization.length, 0, "nothing was sent");
});

Deno.test("the first real request is the check: no ping before it; a wrong model stops the run and leaves no folder", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ models: ["m-think"] });
  const env = cliEnv(`${dir.path}/cache`);
  const ok = await runCli([...runArgs(server.url, "m-think", 1, `${dir.path}/ok`), "--limit", "3", "--quiet"], env);
  assertEquals(ok.code, 0, ok.stderr);
  // One GET /models, then the three generations: no one-token completion in between.
  assertEquals([server.stats.models, server.stats.pings, server.stats.generate], [1, 0, 3]);
  // A cold cache: the counts were made beside the run (by a child process) and cached; the line came.
  assert(/estimate: 3 requests, \d+ prompt tokens/.test(ok.stderr), ok.stderr);
  assertEquals([...Deno.readDirSync(`${dir.path}/cache/token-counts`)].length, 1);
  const wrong = await runCli([...runArgs(server.url, "m-thnik", 1, `${dir.path}/wrong`), "--limit", "3"], env);
  assertEquals(wrong.code, 1, wrong.stderr);
  assert(wrong.stderr.includes("HTTP 404") && wrong.stderr.includes("is the model name right"), wrong.stderr);
  assert(!(await Deno.stat(`${dir.path}/wrong`).then(() => true, () => false)), "no run folder left behind");
  // A server whose /models is open but whose completions want a key: the first request says so.
  await using keyed = startFakeOpenAI({ apiKey: "right-key", openModels: true });
  const nokey = await runCli(
    [...runArgs(keyed.url, "m-think", 1, `${dir.path}/nokey`), "--limit", "3"],
    { ...env, OPENAI_API_KEY: undefined },
  );
  assertEquals(nokey.code, 1, nokey.stderr);
  assert(nokey.stderr.includes("no API key was sent (OPENAI_API_KEY is not set)"), nokey.stderr);
  assert(!(await Deno.stat(`${dir.path}/nokey`).then(() => true, () => false)), "no run folder left behind");
});

Deno.test("a preflight against a hung /models ends within --timeout (and its retry), with an error saying so", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ hangModels: true });
  const r = await runCli(
    [...runArgs(server.url, "m-think", 1, `${dir.path}/a`), "--limit", "1", "--timeout", "1"],
    cliEnv(`${dir.path}/cache`),
  );
  assertEquals(r.code, 1, r.stderr);
  assert(r.stderr.includes("did not answer GET /models within the per-request timeout (1 s, tried twice)"), r.stderr);
  assertEquals(server.stats.chat, 0);
});

Deno.test("judge: a bad line in the shared judge cache is skipped with a warning (file, line, --no-cache); a cut generations line warns", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const out = `${dir.path}/run`;
  const run = await runCli([...runArgs(server.url, "m-think", 1, out), "--limit", "3", "--quiet"], env);
  assertEquals(run.code, 0, run.stderr);
  const cache = `${dir.path}/cache/judge-cache.jsonl`;
  await Deno.mkdir(`${dir.path}/cache`, { recursive: true });
  await Deno.writeTextFile(cache, '{"key":"a","verdict":"Safe"}\nnot json at all\n{"key":"b"}\n');
  // The last generation cut short, as a crash mid-write leaves it.
  const gens = await Deno.readTextFile(`${out}/generations.jsonl`);
  await Deno.writeTextFile(`${out}/generations.jsonl`, gens.slice(0, gens.trimEnd().length - 10));
  const j = await runCli(
    ["judge", "--run", out, "--judge-base-url", server.url, "--judge-model", "judge-1", "--quiet"],
    env,
  );
  assertEquals(j.code, 0, j.stderr);
  assert(j.stderr.includes(`warning: ${cache} line 2, 3: 2 line(s) that are no cache record were skipped`), j.stderr);
  assert(j.stderr.includes("--no-cache"), j.stderr);
  assert(j.stdout.includes("2 of 2 samples judged"), j.stdout);
  assert(j.stderr.includes(`${out}/generations.jsonl line 3: the last line is cut short`), j.stderr);
});

Deno.test("judge: a wrong judge model is refused by its first request, and the right one judges the run after it", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ models: ["m-think", "judge-1"] });
  const env = cliEnv(`${dir.path}/cache`);
  const out = `${dir.path}/run`;
  const run = await runCli([...runArgs(server.url, "m-think", 1, out), "--limit", "2", "--quiet"], env);
  assertEquals(run.code, 0, run.stderr);
  const judge = (model: string) =>
    runCli(["judge", "--run", out, "--judge-base-url", server.url, "--judge-model", model, "--quiet"], env);
  const wrong = await judge("judge-l");
  assertEquals(wrong.code, 1, wrong.stderr);
  assert(wrong.stderr.includes("HTTP 404") && wrong.stderr.includes("is the model name right"), wrong.stderr);
  const right = await judge("judge-1");
  assertEquals(right.code, 0, right.stderr);
  assert(right.stdout.includes("2 of 2 samples judged"), right.stdout);
});
