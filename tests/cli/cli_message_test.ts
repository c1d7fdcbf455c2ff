/**
 * Library errors say what is wrong in files, fields and values, and carry the data a caller
 * needs; the CLI (lib/cli.ts `cliMessage`) adds the flags that put it right. Notebooks call the
 * library, so its messages must read without the command line.
 */
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { cliEnv, generateAndJudge, runArgs, runCli, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { cliMessage } from "../../lib/cli.ts";
import { HELP as SCORE_HELP } from "../../lib/cli/score.ts";
import { HELP as JUDGE_HELP } from "../../lib/cli/judge.ts";
import { HELP as REPRODUCE_HELP } from "../../lib/cli/reproduce.ts";
import {
  type BsaError,
  DownloadError,
  ExportTooLargeError,
  FileExistsError,
  JudgePromptsError,
  NoJudgeRecordedError,
  NoJudgmentsError,
  NotebooksUnavailableError,
  OtherJudgeError,
  PlanJudgeError,
  RunSettingsError,
  UnknownNotebookError,
} from "../../lib/errors.ts";
import { readPrices } from "../../lib/pipeline/estimate.ts";
import { noJudgmentsError } from "../../lib/store/mod.ts";
import { writePlan } from "../../lib/review/store.ts";
import { reproduce } from "../../lib/report/reproduce.ts";
import type { ReviewPlan } from "../../lib/review/plan.ts";

/** Each error class: an instance, the data it must carry, and what the CLI must add. */
const CASES: { err: BsaError; data: Record<string, unknown>; hint: string }[] = [
  {
    err: noJudgmentsError("runs/a", "second"),
    data: { run: "runs/a", judge: "second", path: "runs/a/judgments-second.jsonl" },
    hint: "; run 'bsa judge --run runs/a --label second' first",
  },
  { err: noJudgmentsError("runs/a"), data: { run: "runs/a" }, hint: "; run 'bsa judge --run runs/a' first" },
  {
    err: new RunSettingsError("runs/a", ["k: 5 here, 3 asked"]),
    data: { out: "runs/a", conflicts: ["k: 5 here, 3 asked"] },
    hint: "use another --out or the same settings",
  },
  {
    err: new OtherJudgeError("runs/a/judgments.jsonl", "gpt-4o", "o3"),
    data: { path: "runs/a/judgments.jsonl", previous: "gpt-4o", current: "o3" },
    hint: "pass --label NAME to keep this judge's apart (then score --judge NAME, agreement between them)",
  },
  {
    err: new NoJudgeRecordedError("runs/a", "b"),
    data: { run: "runs/a", label: "b" },
    hint: "'bsa judge --run runs/a --judge-model NAME --batch-file FILE --label b' first",
  },
  {
    err: new JudgePromptsError("runs/a", "mine/", "prompts/"),
    data: { run: "runs/a", given: "mine/", recorded: "prompts/" },
    hint: "; pass --prompts with those files",
  },
  {
    err: new FileExistsError("runs/a/review-plan.json", "labels may refer to it"),
    data: { path: "runs/a/review-plan.json" },
    hint: "; pass --force to replace it or --out another file",
  },
  {
    err: new PlanJudgeError("second", "default"),
    data: { planJudge: "second", judge: "default" },
    hint: "; pass --judges second",
  },
  {
    err: new NotebooksUnavailableError("jupyter is not installed", "pip install nbconvert"),
    data: { reason: "jupyter is not installed" },
    hint: "or leave out --notebooks to use their saved outputs",
  },
  {
    err: new UnknownNotebookError(["02_x"], "notebooks", ["01_a.ipynb"]),
    data: { names: ["02_x"], dir: "notebooks" },
    hint: "--only: ",
  },
  {
    err: new ExportTooLargeError("category=Rumors", "3.0 MB", "1.0 MB"),
    data: { slice: "category=Rumors" },
    hint: "narrow it with --filter",
  },
  {
    err: new DownloadError("https://x/d.csv", "dns error", "BSA_DATASET"),
    data: { url: "https://x/d.csv", localCopy: "BSA_DATASET" },
    hint: "--dataset PATH",
  },
];

Deno.test("library errors name no flag and carry their data; the CLI adds the flags that put them right", () => {
  for (const { err, data, hint } of CASES) {
    assert(!/--[a-z]|'bsa /.test(err.message), `${err.name}: ${err.message}`);
    for (const [k, v] of Object.entries(data)) {
      assertEquals((err as unknown as Record<string, unknown>)[k], v, `${err.name}.${k}`);
    }
    const printed = cliMessage("score", err, SCORE_HELP);
    assert(printed.includes(hint), `${err.name}: expected "${hint}" in ${printed}`);
    // The library's words stay (a prefix or suffix is added, nothing said in them is lost).
    for (const word of err.message.split(/[\s:;(),.]+/).filter((w) => w.length > 3)) {
      assert(printed.includes(word), `${err.name}: "${word}" lost from ${printed}`);
    }
  }
});

Deno.test("no judgments yet reads in plain words for notebooks: the run is not judged", () => {
  assert(noJudgmentsError("runs/a") instanceof NoJudgmentsError);
  assertEquals(
    noJudgmentsError("runs/a").message,
    "runs/a/judgments.jsonl holds no judgments yet: runs/a is not judged",
  );
});

Deno.test("the library throws the typed errors, without flags: a price table, a review plan, a notebook name", async () => {
  await using dir = await tempDir();
  const prices = `${dir.path}/prices.json`;
  await Deno.writeTextFile(
    prices,
    JSON.stringify({ m: { input_per_mtok: 1, output_per_mtok: 2, batch_input_per_mtok: -1 } }),
  );
  const bad = await assertRejects(() => readPrices(prices), Error, `price table ${prices}: m.batch_input_per_mtok`);
  assert(!bad.message.includes("--"), bad.message);

  const plan = `${dir.path}/review-plan.json`;
  await Deno.writeTextFile(plan, "{}");
  const exists = await assertRejects(() => writePlan(plan, {} as ReviewPlan), FileExistsError);
  assertEquals(exists.path, plan);

  await Deno.mkdir(`${dir.path}/nb`);
  await Deno.writeTextFile(`${dir.path}/nb/01_a.ipynb`, "{}");
  const unknown = await assertRejects(
    () => reproduce({ notebooksDir: `${dir.path}/nb`, only: ["02_x"], notebooks: "skip" }),
    UnknownNotebookError,
  );
  assertEquals(unknown.names, ["02_x"]);
  assertEquals(unknown.message, `no notebook 02_x in ${dir.path}/nb/ (there are: 01_a.ipynb)`);
});

Deno.test("bsa run and bsa judge add the flags to the library's refusals: another --out, --label NAME", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const env = cliEnv(`${dir.path}/cache`);
  const out = `${dir.path}/run`;
  await generateAndJudge(server.url, out, { model: "m-think", k: 1, limit: 2 }, env);
  const other = await runCli([...runArgs(server.url, "m-think", 2, out), "--limit", "2", "--quiet"], env);
  assertEquals(other.code, 1, other.stderr);
  assert(other.stderr.includes(`error: ${out} holds a run with other settings; use another --out`), other.stderr);
  const judge = await runCli(
    ["judge", "--run", out, "--judge-base-url", server.url, "--judge-model", "judge-2", "--quiet"],
    env,
  );
  assertEquals(judge.code, 1, judge.stderr);
  assert(judge.stderr.includes(`${out}/judgments.jsonl was judged by judge-1`), judge.stderr);
  assert(judge.stderr.includes("pass --label NAME to keep this judge's apart"), judge.stderr);
});

Deno.test("an offline error names the variable and the flag of what is missing, and no flag the command lacks", () => {
  const prompts = new DownloadError("https://x/Prompt/Safe_Ans_Judge.md", "dns error", "BSA_PROMPTS_DIR");
  const judge = cliMessage("judge", prompts, JUDGE_HELP);
  assert(judge.includes("point BSA_PROMPTS_DIR at a local copy") && judge.includes("--prompts DIR"), judge);
  assert(!judge.includes("BSA_DATASET") && !judge.includes("--dataset"), judge);
  const dataset = new DownloadError("https://x/data/dataset.csv", "dns error", "BSA_DATASET");
  // reproduce has no --dataset: the hint is the variable alone.
  const reproduce = cliMessage("reproduce", dataset, REPRODUCE_HELP);
  assert(!REPRODUCE_HELP.includes("--dataset") && !reproduce.includes("--dataset"), reproduce);
  assert(reproduce.includes("point BSA_DATASET at a local copy"), reproduce);
});

Deno.test("offline, reproduce names BSA_DATASET and no flag it lacks (end to end)", async () => {
  await using tmp = await tempDir();
  // Port 9 (discard) on loopback refuses the connection: a download that cannot happen.
  const r = await runCli(["reproduce", "--no-notebooks", "--out", `${tmp.path}/out`], {
    BSA_DATASET: undefined,
    BSA_UPSTREAM_URL: "http://127.0.0.1:9",
    BSA_CACHE_DIR: `${tmp.path}/cache`,
  });
  assert(r.code !== 0, r.stderr);
  assert(r.stderr.includes("point BSA_DATASET at a local copy"), r.stderr);
  assert(!r.stderr.includes("--dataset"), r.stderr);
});
