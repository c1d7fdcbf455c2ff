/**
 * `bsa export inspect` and `bsa import inspect` against inspect_ai's own material
 * (../shared/inspect, inspect_ai at commit 499e6152e7b8fc8cbd8ac5283536572aa6e4ab17, MIT):
 * exported logs validate against its OpenAPI schema, its real logs are refused clearly, and
 * a run goes out and back in to the same scores.
 */
import Ajv2020 from "ajv/dist/2020";
import { strFromU8, unzipSync } from "fflate";
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../helpers/assert.ts";
import { cliEnv, DATASET_CSV, generateAndJudge, idsOfEveryScenario, runCli, SHARED_BSA } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import { readJsonl } from "../../lib/store/mod.ts";
import type { GenerationRecord, JudgmentRecord } from "../../lib/store/mod.ts";
import { parseInspectLog } from "../../lib/interop/inspect_files.ts";
import type { InspectLog, InspectSample } from "../../lib/interop/inspect_types.ts";
import { roundHalfEven } from "../../lib/metrics/round.ts";
import { METRICS } from "../../lib/metrics/names.ts";

const INSPECT = fileURLToPath(new URL("../../../shared/inspect/", import.meta.url));
const SCHEMA = JSON.parse(await Deno.readTextFile(`${INSPECT}inspect-openapi.json`));
const dataset = await loadDataset({ path: DATASET_CSV });

// deno-lint-ignore no-explicit-any
const ajv = new (Ajv2020 as any)({ strict: false, allErrors: true, logger: false });
ajv.addSchema(SCHEMA, "inspect");

/** Validate `value` against `components/schemas/<name>` of inspect's schema; the errors, none when valid. */
function schemaErrors(name: string, value: unknown): string[] {
  const validate = ajv.getSchema(`inspect#/components/schemas/${name}`);
  assert(validate, `the schema has ${name}`);
  if (validate(value)) return [];
  return (validate.errors as { instancePath: string; message: string }[]).slice(0, 5)
    .map((e) => `${name}${e.instancePath}: ${e.message}`);
}

async function records<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of readJsonl<T>(path)) out.push(r);
  return out;
}

async function cliOk(args: string[], env: Record<string, string> = {}) {
  const r = await runCli(args, { ...ENV, ...env });
  assertEquals(r.code, 0, `bsa ${args.join(" ")}: ${r.stderr}`);
  return r;
}

/** `bsa score --ci --json` of a run, without the folder column (two folders, one set of numbers). */
async function scores(run: string, ...extra: string[]): Promise<Record<string, unknown>[]> {
  const r = await cliOk(["score", "--run", run, "--ci", "--json", ...extra]);
  return (JSON.parse(r.stdout) as Record<string, unknown>[]).map(({ run: _, ...rest }) => rest);
}

// One real run for every test: generated and judged by the loopback server, with the paper's
// safety rules as system prompt, a tag, a question the model's provider refuses (failed), a
// question the judge's provider refuses (failed by the judge) and a reply cut by the length limit.
const ROOT = await Deno.makeTempDir({ prefix: "bsa-interop-" });
const ENV = cliEnv(`${ROOT}/cache`);
const RUN = `${ROOT}/run`;
const ids = await idsOfEveryScenario(ROOT, 3);
const chosen = (await Deno.readTextFile(ids)).trim().split("\n");
const queryOf = (id: string) => dataset.questions.get("query", (dataset.questions.array("id") as string[]).indexOf(id));
const REFUSED_BY_MODEL = chosen[0], REFUSED_BY_JUDGE = chosen[4];
{
  await using server = startFakeOpenAI();
  server.refuse(queryOf(REFUSED_BY_MODEL));
  const gen = await runCli([
    ...["run", "--base-url", server.url, "--model", "m-mixed", "--k", "2", "--out", RUN, "--ids", ids],
    ...["--safety-rules", "--tag", "condition=rules", "--concurrency", "1", "--quiet"],
    ...["--temperature", "0.6", "--top-k", "20", "--seed", "7"],
  ], ENV);
  assertEquals(gen.code, 0, gen.stderr);
  server.refuse(queryOf(REFUSED_BY_JUDGE));
  const judge = await runCli(
    ["judge", "--run", RUN, "--judge-base-url", server.url, "--judge-model", "judge-a", "--quiet"],
    ENV,
  );
  assertEquals(judge.code, 0, judge.stderr);
  server.refuse(null);
}
const generated = await records<GenerationRecord>(`${RUN}/generations.jsonl`);
const judged = await records<JudgmentRecord>(`${RUN}/judgments.jsonl`);

Deno.test("the fixture run holds every outcome the export must carry", () => {
  assertEquals(generated.length, chosen.length * 2);
  assert(generated.filter((g) => g.id === REFUSED_BY_MODEL).every((g) => g.outcome === "failed"));
  assert(generated.some((g) => g.outcome === "truncated"));
  assert(judged.some((j) => j.id === REFUSED_BY_JUDGE && j.failed_by === "judge"));
  assert(generated.some((g) => g.reasoning !== null) && generated.some((g) => g.reasoning === null));
});

Deno.test("export inspect --out FILE.json: an EvalLog that validates against inspect's schema, with the run's samples", async () => {
  const out = `${ROOT}/logs-json/run.json`;
  await Deno.mkdir(`${ROOT}/logs-json`);
  await cliOk(["export", "inspect", "--run", RUN, "--out", out]);
  const log = JSON.parse(await Deno.readTextFile(out)) as InspectLog;
  assertEquals(schemaErrors("EvalLog", log), []);
  // The validator is not a formality: a log without its spec's model, or with a content item
  // inspect does not know, is refused.
  const broken = structuredClone(log);
  delete (broken.eval as Partial<InspectLog["eval"]>).model;
  assert(schemaErrors("EvalLog", broken).some((e) => e.includes("model")));
  const badItem = structuredClone(log.samples![0]);
  badItem.messages.at(-1)!.content = [{ type: "thought", text: "x" }];
  assert(schemaErrors("EvalSample", badItem).length > 0);

  assertEquals(log.eval.task, "bsa");
  assertEquals(log.eval.model, "m-mixed");
  assertEquals(log.eval.config.epochs, 2);
  assertEquals(log.eval.dataset.location, DATASET_CSV);
  assertEquals((log.eval.metadata!.bsa as { dataset: { sha256: string } }).dataset.sha256, dataset.sha256);
  assertEquals(log.eval.model_roles!.judge.model, "judge-a");
  assertEquals(log.eval.model_generate_config, { temperature: 0.6, top_k: 20, seed: 7 });
  assertEquals(log.plan.config, log.eval.model_generate_config);
  // Indented as inspect writes its JSON logs.
  assertEquals(await Deno.readTextFile(out), JSON.stringify(log, null, 2) + "\n");
  assertEquals(log.tags, ["condition=rules"]);
  assertEquals(log.samples!.length, generated.length);
  // One sample per question and sample, epoch = sample + 1.
  assertEquals(
    new Set(log.samples!.map((s) => `${s.id}/${s.epoch}`)),
    new Set(generated.map((g) => `${g.id}/${g.sample + 1}`)),
  );
  const rules = (await Deno.readTextFile(`${SHARED_BSA}prompts/Safe_Rules.md`)).trim();
  assertEquals(log.plan.steps.map((s) => s.solver), ["system_message", "generate"]);
  for (const s of log.samples!) {
    const g = generated.find((g) => g.id === s.id && g.sample === s.epoch - 1)!;
    const q = dataset.questions.objects().find((q) => (q as { id: string }).id === s.id) as Record<string, string>;
    // The question after the system prompt the run was generated with.
    assertEquals(s.input, [{ role: "system", content: rules }, { role: "user", content: q.query, source: "input" }]);
    assertEquals(s.metadata.scenario, q.scenario);
    assertEquals(s.metadata.risk_summary, q.risk_summary);
    assertEquals(s.metadata.tags, { condition: "rules" });
    assert((s.metadata.categories as string[]).length >= 1);
    if (g.outcome === "failed") continue;
    // The answer, with the reasoning as inspect's reasoning content.
    const content = s.output.choices[0].message.content;
    if (g.reasoning === null) assertEquals(content, g.answer);
    else {
      assertEquals(content, [
        { type: "reasoning", reasoning: g.reasoning, redacted: false },
        { type: "text", text: g.answer },
      ]);
    }
    const j = judged.find((j) => j.id === g.id && j.sample === g.sample)!;
    assertEquals(s.scores!.bsa_answer.value, j.answer_verdict);
    assertEquals(s.scores!.bsa_reasoning.value, j.reasoning_verdict);
    assertEquals(s.scores!.bsa_answer.explanation ?? null, j.answer_raw ?? j.error ?? null);
  }
});

Deno.test("export inspect: results carry the BSA metrics and intervals exactly as 'bsa score --ci' gives them", async () => {
  const out = `${ROOT}/results.json`;
  await cliOk(["export", "inspect", "--run", RUN, "--out", out, "--seed", "3", "--bootstrap", "500"]);
  const log = JSON.parse(await Deno.readTextFile(out)) as InspectLog;
  const [row] = await scores(RUN, "--seed", "3", "--bootstrap", "500");
  const [points, intervals] = log.results!.scores;
  assertEquals(points.name, "bsa");
  assertEquals(intervals.name, "bsa_ci");
  let compared = 0;
  for (const m of METRICS) {
    if (row[m] === null) {
      assert(!(m in points.metrics), `${m} is not given a number the score has not`);
      continue;
    }
    assertEquals(roundHalfEven(points.metrics[m].value, 2), row[m], m);
    assertEquals(roundHalfEven(intervals.metrics[`${m}_lo`].value, 2), row[`${m}_lo`], `${m}_lo`);
    assertEquals(roundHalfEven(intervals.metrics[`${m}_hi`].value, 2), row[`${m}_hi`], `${m}_hi`);
    compared++;
  }
  assert(compared >= 5, "Safe@1, Safe@k, Think@1, Think@k and F-score at least");
  assertEquals(intervals.params.seed, 3);
  assertEquals(intervals.params.replicates, 500);
});

Deno.test("export inspect --out FILE.eval: the members inspect writes, each valid, and the zip reads back as the JSON log", async () => {
  const json = `${ROOT}/same.json`, zip = `${ROOT}/same.eval`;
  await cliOk(["export", "inspect", "--run", RUN, "--out", json]);
  await cliOk(["export", "inspect", "--run", RUN, "--out", zip]);
  const members = unzipSync(await Deno.readFile(zip));
  const names = Object.keys(members);
  const shipped = Object.keys(unzipSync(await Deno.readFile(`${INSPECT}logs/mmlu-summary-choices.eval`)));
  // The same kinds of member as the .eval file inspect wrote, in its order.
  const kind = (n: string) => n.replace(/^samples\/.*$/, "samples/*");
  assertEquals([...new Set(names.map(kind))], [...new Set(shipped.map(kind))]);
  const read = (n: string) => JSON.parse(strFromU8(members[n]));
  const header = read("header.json");
  assertEquals(schemaErrors("EvalLog", header), []);
  assert(!("samples" in header));
  const samples = names.filter((n) => n.startsWith("samples/"));
  assertEquals(samples.length, generated.length);
  for (const n of samples) {
    const s = read(n) as InspectSample;
    assertEquals(n, `samples/${s.id}_epoch_${s.epoch}.json`);
    assertEquals(schemaErrors("EvalSample", s), []);
  }
  const summaries = read("summaries.json") as unknown[];
  assertEquals(summaries.length, generated.length);
  for (const s of summaries) assertEquals(schemaErrors("EvalSampleSummary", s), []);
  assertEquals(read("_journal/summaries/1.json"), summaries);
  for (const r of read("reductions.json")) assertEquals(schemaErrors("EvalSampleReductions", r), []);
  // The same run exports to the same bytes (ids and member times come from the run).
  await cliOk(["export", "inspect", "--run", `${RUN}/`, "--out", `${ROOT}/same-again.eval`]);
  assertEquals(await Deno.readFile(`${ROOT}/same-again.eval`), await Deno.readFile(zip));
  // Read back, the zip is the JSON log.
  const fromZip = parseInspectLog(zip, await Deno.readFile(zip));
  const fromJson = JSON.parse(await Deno.readTextFile(json));
  assertEquals(fromZip, fromJson);
});

Deno.test("export then import (.json and .eval): a run that 'bsa score' scores to identical numbers", async () => {
  const before = await scores(RUN);
  for (const ext of ["json", "eval"]) {
    const log = `${ROOT}/trip.${ext}`, back = `${ROOT}/trip-${ext}`;
    await cliOk(["export", "inspect", "--run", RUN, "--out", log]);
    const r = await cliOk(["import", "inspect", log, "--out", back]);
    assert(r.stdout.includes(`matched by id: ${generated.length}, by input text: 0`), r.stdout);
    assert(r.stdout.includes("judge label inspect"), r.stdout);
    assertEquals(await scores(back, "--judge", "inspect"), before);
    // The samples come back as they were generated (texts, reasoning, outcomes, errors).
    const again = await records<GenerationRecord>(`${back}/generations.jsonl`);
    const key = (g: GenerationRecord) => `${g.id}/${g.sample}`;
    const sorted = (gs: GenerationRecord[]) => [...gs].sort((a, b) => key(a).localeCompare(key(b)));
    assertEquals(sorted(again), sorted(generated));
    const [m0, m1] = [RUN, back].map((d) => JSON.parse(Deno.readTextFileSync(`${d}/manifest.json`)));
    assertEquals(m1.params, m0.params, "decoding parameters and the system prompt's name and checksum");
    assertEquals([m1.model, m1.k, m1.tags, m1.dataset.sha256], [m0.model, m0.k, m0.tags, m0.dataset.sha256]);
    assertEquals(m1.judges.inspect.model, m0.judge.model);
  }
});

Deno.test("failed samples keep their failure both ways", async () => {
  const log = `${ROOT}/failed.json`, back = `${ROOT}/failed-back`;
  await cliOk(["export", "inspect", "--run", RUN, "--out", log]);
  const exported = JSON.parse(await Deno.readTextFile(log)) as InspectLog;
  const byModel = exported.samples!.filter((s) => s.id === REFUSED_BY_MODEL);
  assertEquals(byModel.length, 2);
  for (const s of byModel) {
    // An errored sample, as inspect records one: its error, no reply, verdicts `failed`.
    assert(s.error && /context length/i.test(s.error.message), JSON.stringify(s.error));
    assertEquals(s.output.choices, []);
    assertEquals(s.scores!.bsa_answer.value, "failed");
    assertEquals(s.scores!.bsa_answer.metadata!.failed_by, "model");
  }
  const byJudge = exported.samples!.filter((s) => s.id === REFUSED_BY_JUDGE);
  // Refused by the judge's provider: the sample itself did not fail, its verdicts did.
  const refused = byJudge.filter((s) => s.scores!.bsa_answer.value === "failed");
  assert(refused.length > 0 && refused.every((s) => !s.error && s.scores!.bsa_answer.metadata!.failed_by === "judge"));
  assert(refused.every((s) => /filtered/.test(s.scores!.bsa_answer.explanation!)), "the refusal is the explanation");
  // Cut by the length limit: inspect's max_tokens stop, verdicts `truncated`.
  const cut = exported.samples!.filter((s) => s.scores?.bsa_answer.value === "truncated");
  assert(cut.length > 0 && cut.every((s) => s.output.choices[0].stop_reason === "max_tokens"));
  await cliOk(["import", "inspect", log, "--out", back]);
  const gens = await records<GenerationRecord>(`${back}/generations.jsonl`);
  const failed = gens.filter((g) => g.id === REFUSED_BY_MODEL);
  const original = generated.filter((g) => g.id === REFUSED_BY_MODEL);
  assert(failed.every((g) => g.outcome === "failed"));
  assertEquals(failed.map((g) => g.error).sort(), original.map((g) => g.error).sort());
  const js = await records<JudgmentRecord>(`${back}/judgments-inspect.jsonl`);
  assert(js.filter((j) => j.id === REFUSED_BY_MODEL).every((j) => j.failed_by === "model"));
  assert(js.filter((j) => j.id === REFUSED_BY_JUDGE).some((j) => j.failed_by === "judge"));
  assertEquals(
    gens.filter((g) => g.outcome === "truncated").length,
    generated.filter((g) => g.outcome === "truncated").length,
  );
});

Deno.test("import inspect: every real inspect log shipped is refused, naming what it lacks, and nothing is left behind", async () => {
  const expected: Record<string, RegExp> = {
    "security-guide.json":
      /is not a log of BSA questions \(task security_guide\): 3 of 3 samples \(id 1, 2, 3\) have neither the id nor the input text of a question of the dataset/,
    "no-samples.json": /holds no samples \(task testtaskname, status cancelled\)/,
    "mmlu-summary-choices.eval":
      /is not a log of BSA questions \(task inspect_evals\/mmlu_0_shot\): 1 of 1 samples \(id 1\)/,
  };
  const files = [...Deno.readDirSync(`${INSPECT}logs`)].map((e) => e.name).sort();
  assertEquals(files, Object.keys(expected).sort(), "every shipped log is tested");
  for (const name of files) {
    const parent = `${ROOT}/refused-${name}`;
    await Deno.mkdir(parent);
    const r = await runCli(["import", "inspect", `${INSPECT}logs/${name}`, "--out", `${parent}/run`], ENV);
    assertEquals(r.code, 1, r.stderr);
    assert(expected[name].test(r.stderr), r.stderr);
    assert(!r.stderr.includes("    at "), "a plain error, no stack trace");
    assertEquals([...Deno.readDirSync(parent)], [], `${name}: nothing written`);
  }
  // A file that is no log at all is refused too.
  await Deno.writeTextFile(`${ROOT}/notes.json`, '["not", "a log"]');
  const r = await runCli(["import", "inspect", `${ROOT}/notes.json`, "--out", `${ROOT}/notes-run`], ENV);
  assertEquals(r.code, 1);
  assert(/notes.json is not an inspect log: it has no 'eval'/.test(r.stderr), r.stderr);
});

Deno.test("import inspect: a log of BSA questions from elsewhere is matched by input text and is ready for 'bsa judge'", async () => {
  // As another harness would write it: integer sample ids, no bsa metadata, no verdict scores,
  // the answer's reasoning in <think> tags or as reasoning content.
  const log = JSON.parse(await Deno.readTextFile(`${ROOT}/logs-json/run.json`)) as InspectLog;
  delete log.eval.metadata;
  log.eval.task = "inspect_evals/bsa";
  log.samples!.forEach((s, i) => {
    s.id = i + 1;
    s.scores = null;
  });
  const withThink = log.samples!.find((s) => Array.isArray(s.output.choices[0]?.message.content))!;
  const [reasoning, text] = withThink.output.choices[0].message.content as { reasoning?: string; text?: string }[];
  withThink.output.choices[0].message.content = `<think>${reasoning.reasoning}</think>${text.text}`;
  const path = `${ROOT}/elsewhere.json`, back = `${ROOT}/elsewhere-run`;
  await Deno.writeTextFile(path, JSON.stringify(log));
  const r = await cliOk(["import", "inspect", path, "--out", back]);
  assert(r.stdout.includes(`matched by id: 0, by input text: ${generated.length}`), r.stdout);
  assert(!r.stdout.includes("judge label"), "no verdicts, no judge label");
  assert(r.stdout.includes(`bsa judge --run ${back}`), r.stdout);
  const gens = await records<GenerationRecord>(`${back}/generations.jsonl`);
  const same = gens.find((g) => g.id === generated.find((o) => o.reasoning === reasoning.reasoning)?.id);
  assert(same, "the <think> sample came back");
  // Judged here by the same (scripted) judge, it scores as the original run.
  await using server = startFakeOpenAI();
  server.refuse(queryOf(REFUSED_BY_JUDGE));
  await cliOk(["judge", "--run", back, "--judge-base-url", server.url, "--judge-model", "judge-a", "--quiet"], {
    BSA_CACHE_DIR: `${ROOT}/cache-2`,
  });
  assertEquals(await scores(back), await scores(RUN));
});

Deno.test("export inspect --out: an existing file is replaced only with --force, and never inside a run folder", async () => {
  const out = `${ROOT}/guard.eval`;
  await Deno.writeTextFile(out, "mine");
  const r = await runCli(["export", "inspect", "--run", RUN, "--out", out], ENV);
  assertEquals(r.code, 2); // a refused --out is a bad argument, as for every output flag
  assert(r.stderr.includes(`${out} exists`) && r.stderr.includes("--force"), r.stderr);
  assertEquals(await Deno.readTextFile(out), "mine");
  await cliOk(["export", "inspect", "--run", RUN, "--out", out, "--force"]);
  assert(unzipSync(await Deno.readFile(out))["header.json"]);
  const inside = await runCli(["export", "inspect", "--run", RUN, "--out", `${RUN}/log.eval`], ENV);
  assertEquals(inside.code, 2);
  assert(inside.stderr.includes(`is inside the run folder ${RUN}`), inside.stderr);
  assert(!(await Deno.stat(`${RUN}/log.eval`).then(() => true, () => false)));
});

Deno.test("export inspect of several runs: a folder of logs, one per run, that inspect view lists", async () => {
  await using server = startFakeOpenAI();
  const other = `${ROOT}/runs/other`;
  await generateAndJudge(
    server.url,
    other,
    { model: "m-think", k: 2, limit: 4, judgeModel: "judge-a", labels: ["second"] },
    ENV,
  );
  const out = `${ROOT}/folder-of-logs`;
  const r = await cliOk(["export", "inspect", "--run", RUN, "--run", `${ROOT}/runs`, "--out", out]);
  assertEquals([...Deno.readDirSync(out)].map((e) => e.name).sort(), ["other.eval", "run.eval"]);
  assert(r.stdout.includes(`${out}/other.eval`) && r.stdout.includes(`${out}/run.eval`), r.stdout);
  const log = parseInspectLog("other.eval", await Deno.readFile(`${out}/other.eval`));
  assertEquals(log.eval.model, "m-think");
  assertEquals(schemaErrors("EvalLog", { ...log, samples: undefined }), []);
  const one = await runCli(["export", "inspect", "--run", RUN, "--run", other, "--out", `${ROOT}/one.json`], ENV);
  assertEquals(one.code, 2);
  assert(one.stderr.includes("give a folder, one log per run"), one.stderr);
  // A labelled judge's verdicts: its model in the log, its scores in the results, and back as the label asked for.
  const second = `${ROOT}/second.json`;
  await cliOk(["export", "inspect", "--run", other, "--judge", "second", "--out", second]);
  const log2 = JSON.parse(await Deno.readTextFile(second)) as InspectLog;
  assertEquals(log2.eval.model_roles!.judge.model, "judge-a-second");
  const [row] = await scores(other, "--judge", "second");
  assertEquals(roundHalfEven(log2.results!.scores[0].metrics["Safe@1"].value, 2), row["Safe@1"]);
  await cliOk(["import", "inspect", second, "--out", `${ROOT}/second-run`, "--label", "second-judge"]);
  assertEquals(await scores(`${ROOT}/second-run`, "--judge", "second-judge"), [row]);
  const manifest = JSON.parse(await Deno.readTextFile(`${ROOT}/second-run/manifest.json`));
  assertEquals(manifest.judges["second-judge"].model, "judge-a-second");
});

Deno.test("import inspect: an unreadable log, or an --out that holds a run, is refused and changes nothing", async () => {
  const log = `${ROOT}/keep.eval`, run = `${ROOT}/keep-run`;
  await cliOk(["export", "inspect", "--run", RUN, "--out", log]);
  await cliOk(["import", "inspect", log, "--out", run]);
  const before = await Deno.readTextFile(`${run}/generations.jsonl`);
  const again = await runCli(["import", "inspect", log, "--out", run], ENV);
  assertEquals(again.code, 1);
  assert(again.stderr.includes(`${run} holds a run already`), again.stderr);
  assertEquals(await Deno.readTextFile(`${run}/generations.jsonl`), before);
  // A sample that is not an EvalSample, and an .eval member that is not JSON, are named.
  const parsed = JSON.parse(await Deno.readTextFile(`${ROOT}/logs-json/run.json`)) as InspectLog;
  (parsed.samples as unknown[])[3] = null;
  await Deno.writeTextFile(`${ROOT}/null-sample.json`, JSON.stringify(parsed));
  const nul = await runCli(["import", "inspect", `${ROOT}/null-sample.json`, "--out", `${ROOT}/null-run`], ENV);
  assertEquals(nul.code, 1);
  assert(nul.stderr.includes(`sample 4 of ${generated.length} is not an object`), nul.stderr);
  const { zipSync, strToU8 } = await import("fflate");
  await Deno.writeFile(`${ROOT}/bad.eval`, zipSync({ "header.json": strToU8("{not json") }));
  const bad = await runCli(["import", "inspect", `${ROOT}/bad.eval`, "--out", `${ROOT}/bad-run`], ENV);
  assertEquals(bad.code, 1);
  assert(bad.stderr.includes("member header.json is not JSON"), bad.stderr);
  for (const r of ["null-run", "bad-run"]) assert(!(await Deno.stat(`${ROOT}/${r}`).then(() => true, () => false)));
  assertEquals([...Deno.readDirSync(ROOT)].filter((e) => e.name.includes(".importing-")), []);
});

globalThis.addEventListener("unload", () => Deno.removeSync(ROOT, { recursive: true }));
