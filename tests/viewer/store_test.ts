import { assert, assertEquals, assertRejects, assertThrows } from "../helpers/assert.ts";
import { DATASET_CSV, runCli, tempDir } from "../helpers/paths.ts";
import { generationLine, judgmentLine, reasoningVerdicts, writeViewerRun } from "../helpers/viewer_runs.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import { roundHalfEven } from "../../lib/metrics/round.ts";
import { METRICS } from "../../lib/metrics/names.ts";
import { JsonlIndex } from "../../lib/store/jsonl_index.ts";
import { exportViewer } from "../../lib/viewer/export.ts";
import { FILTER_KEYS, formatFilter, parseFilter, SENTINELS } from "../../lib/viewer/page/filter.js";
import { FAILED, INVALID, NO_REASONING, TRUNCATED } from "../../lib/metrics/verdicts.ts";
import { RunViewer } from "../../lib/viewer/store.ts";
import { serveViewer } from "../../lib/viewer/server.ts";
import { type Row, rows } from "../../lib/table.ts";
import { samples } from "../../lib/notebook/samples.ts";
import * as aq from "arquero";

const dataset = await loadDataset({ path: DATASET_CSV });
const all = rows<{ id: string; scenario: string }>(dataset.questions.select("id", "scenario"));
/** Two questions of each scenario. */
const QUESTIONS = ["Risk Omission", "Cognitive Shortcut", "Over Sensitivity"].flatMap((s) =>
  all.filter((q) => q.scenario === s).slice(0, 2)
);

/** k=4: sample 0 safe with reasoning that misses the risk, 1 safe and right, 2 unsafe and right, 3 no reasoning. */
function sample(q: { id: string; scenario: string }, s: number) {
  const v = reasoningVerdicts(q.scenario);
  return [
    {
      answer: "Sure, here is why I refuse.",
      reasoning: "the apple orchard",
      verdicts: { answer: "Safe", reasoning: v.wrong },
    },
    { answer: "No.", reasoning: "I see the risk", verdicts: { answer: "Safe", reasoning: v.right } },
    { answer: "Here you go", reasoning: "I see the risk", verdicts: { answer: "Unsafe", reasoning: v.right } },
    { answer: "No", reasoning: null, verdicts: { answer: "Safe", reasoning: "no_reasoning" } },
  ][s];
}

Deno.test("JsonlIndex indexes only complete lines, reads records back by offset, and picks up appended lines", async () => {
  await using dir = await tempDir();
  const p = `${dir.path}/g.jsonl`;
  const index = new JsonlIndex(p, (r: { id: string }) => r.id);
  assertEquals((await index.refresh()).added, []); // not there yet
  await Deno.writeTextFile(p, '{"id":"a","t":"é ü"}\n{"id":"b","t":"x"}\n{"id":"c"');
  const first = await index.refresh();
  assertEquals(first.added.map((e) => e.meta), ["a", "b"]);
  // Offsets are bytes: the second record starts after a line holding two 2-byte characters.
  assertEquals((await index.read<{ t: string }>(first.added[1])).t, "x");
  await Deno.writeTextFile(p, ',"t":"y"}\n', { append: true });
  const second = await index.refresh();
  assertEquals(second.added.map((e) => e.meta), ["c"]);
  assertEquals(second.added[0].line, 3);
  // Replaced by a shorter file: everything is read again.
  await Deno.writeTextFile(p, '{"id":"z"}\n');
  const third = await index.refresh();
  assert(third.reset);
  assertEquals(third.added.map((e) => e.meta), ["z"]);
  await Deno.writeTextFile(p, "{nope\n", { append: true });
  await assertRejects(() => index.refresh(), Error, "g.jsonl line 2: not valid JSON");
});

Deno.test("the page's sentinel verdicts are the shared contract's", () => {
  assertEquals([...SENTINELS].sort(), [FAILED, INVALID, NO_REASONING, TRUNCATED].sort());
});

Deno.test("the filter in the URL hash round-trips, drops unknown keys and empty values, and is written in one fixed key order", () => {
  const f = parseFilter("#q=a%26b&id=x1&nope=1&category=Offense%20%26%20Prejudice&scenario=");
  assertEquals(f, { id: "x1", category: "Offense & Prejudice", q: "a&b" });
  assertEquals(formatFilter(f), "id=x1&category=Offense%20%26%20Prejudice&q=a%26b");
  assertEquals(parseFilter(formatFilter(f)), f);
  // One filter, one hash: the order the keys were set in (or typed in the URL) does not matter.
  const reordered = { q: "a&b", category: "Offense & Prejudice", id: "x1" };
  assertEquals(Object.keys(reordered), ["q", "category", "id"]);
  assertEquals(formatFilter(reordered), formatFilter(f));
  const order = formatFilter(Object.fromEntries(FILTER_KEYS.toReversed().map((k) => [k, "v"])))
    .split("&").map((kv) => kv.split("=")[0]);
  assertEquals(order, [...FILTER_KEYS]);
});

Deno.test("RunViewer filters by question, verdict, the safe-but-wrong cell, outcome and free text; the last record wins", async () => {
  await using dir = await tempDir();
  await writeViewerRun(`${dir.path}/a`, { model: "m", k: 4, questions: QUESTIONS, sample });
  // A retry appended a newer judgment of sample 2 of the first question: it wins.
  const q0 = QUESTIONS[0];
  await Deno.writeTextFile(
    `${dir.path}/a/judgments.jsonl`,
    judgmentLine(q0, 2, {
      answer: "invalid",
      reasoning: reasoningVerdicts(q0.scenario).right,
      answer_raw: "I think <b>maybe</b>",
    }),
    { append: true },
  );
  const viewer = await RunViewer.open([`${dir.path}/a`], dataset);
  const count = async (f: Record<string, string>) => {
    const page = await viewer.query(f, { offset: 0, limit: 100 });
    return [page.questions, page.samples];
  };
  assertEquals(await count({}), [6, 24]);
  assertEquals(await count({ id: q0.id }), [1, 4]);
  assertEquals(await count({ scenario: "CS" }), [2, 8]);
  assertEquals(await count({ scenario: "Over Sensitivity", answer: "Safe" }), [2, 6]);
  // safe-wrong: sample 0 everywhere; sample 3 showed no reasoning, which no judge saw.
  assertEquals(await count({ cell: "safe-wrong" }), [6, 6]);
  assertEquals(await count({ reasoning: "wrong" }), [6, 6]);
  assertEquals(await count({ cell: "unsafe-right" }), [5, 5]); // q0's sample 2 is now invalid
  assertEquals(await count({ outcome: "no_reasoning" }), [6, 6]);
  assertEquals(await count({ outcome: "invalid" }), [1, 1]);
  assertEquals(await count({ reasoning: "correct" }), [6, 12]);
  assertEquals(await count({ q: "apple ORCHARD" }), [6, 6]);
  assertEquals(await count({ q: "maybe" }), [1, 1]); // the judge's raw reply
  assertEquals(await count({ q: "orchard", answer: "Unsafe" }), [0, 0]);
  const rumors = await viewer.query({ category: "Rumors" }, { offset: 0, limit: 10 });
  assert(rumors.items.every((i) => i.question.categories.includes("Rumors")));
  const page = await viewer.query({ id: q0.id, outcome: "invalid" }, { offset: 0, limit: 10 });
  const s = page.items[0].runs[0].samples[0];
  assertEquals([s.sample, s.flags, s.judgments[0].answer_raw], [2, ["invalid"], "I think <b>maybe</b>"]);
  assertEquals(s.reasoning, "I see the risk");
});

/** `bsa score --run DIR --json --details` of a run: one row per group, as the CLI prints it. */
async function bsaScore(dir: string): Promise<{ rows: Record<string, unknown>[]; stderr: string }> {
  const r = await runCli(["score", "--run", dir, "--json", "--details"]);
  assertEquals(r.code, 0, r.stderr);
  return { rows: JSON.parse(r.stdout), stderr: r.stderr };
}

// Every metric the scores carry (the strip shows eight of them).
const ALL_METRICS: readonly string[] = METRICS;

/** The strip row's counts and metrics as `bsa score --json` rounds them. */
function asPrinted(row: Row): Record<string, unknown> {
  return Object.fromEntries(
    ["questions", "samples", ...ALL_METRICS].map((c) => [
      c,
      typeof row[c] === "number" && ALL_METRICS.includes(c) ? roundHalfEven(row[c], 2) : row[c] ?? null,
    ]),
  );
}

Deno.test("the summary strip equals `bsa score` of the same run, and of a run holding only a filter's questions", async () => {
  await using dir = await tempDir();
  const run = `${dir.path}/a`;
  // Unequal scenario sizes and one question judged on 2 of its 4 samples: wrong weights or a
  // wrong treatment of missing samples would both show.
  const questions = [...QUESTIONS, ...all.filter((q) => q.scenario === "Cognitive Shortcut").slice(2, 5)];
  await writeViewerRun(run, {
    model: "m",
    k: 4,
    questions,
    sample: (q, s) => {
      const x = sample(q, s);
      return q.id === questions[0].id && s >= 2 ? { ...x, verdicts: undefined } : x;
    },
  });
  const viewer = await RunViewer.open([run], dataset);
  const strip = await viewer.scores({});
  const cli = await bsaScore(run);
  assertEquals(strip.rows.length, 1);
  assertEquals(asPrinted(strip.rows[0]), asPrinted(cli.rows[0] as Row));
  assertEquals(strip.rows[0].questions, 9);
  for (const w of strip.warnings) assert(cli.stderr.includes(w), `${w}\nnot in\n${cli.stderr}`);
  assert(
    strip.warnings.some((w) => w.includes("2 of 36 samples are missing from the records")),
    strip.warnings.join("\n"),
  );

  // Under a sample filter: the slice is the questions with a matching sample, all k samples of
  // each, scored as the benchmark restricted to them: the counts and scenario scores of a run
  // folder holding only their judgments, and Think over the slice's own questions.
  const filter = { scenario: "CS", answer: "Unsafe" };
  const cs = await viewer.scores(filter);
  const ids = new Set(
    (await viewer.query(filter, { offset: 0, limit: 100 })).items.map((i) => i.question.id),
  );
  assertEquals(ids.size, 5);
  const slice = `${dir.path}/slice`;
  await Deno.mkdir(slice);
  await Deno.copyFile(`${run}/manifest.json`, `${slice}/manifest.json`);
  const lines = (await Deno.readTextFile(`${run}/judgments.jsonl`)).trim().split("\n");
  await Deno.writeTextFile(
    `${slice}/judgments.jsonl`,
    lines.filter((l) => ids.has(JSON.parse(l).id)).join("\n") + "\n",
  );
  const sliced = await bsaScore(slice);
  const notThink = (r: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(r).filter(([c]) => !/^(Think|F-score)/.test(c)));
  assertEquals(notThink(asPrinted(cs.rows[0])), notThink(asPrinted(sliced.rows[0] as Row)));
  // Only Cognitive Shortcut questions in the slice: Think is their score (the folder, scored as a
  // partial run of the whole benchmark, gives none).
  assertEquals(sliced.rows[0]["Think@1"], null);
  assertEquals(cs.rows[0]["Think@1"], cs.rows[0]["CS@1"]);
  assertEquals(cs.rows[0].questions, 5);
  assert(cs.warnings.some((w) => w.includes("showed no reasoning")));
  assert(!cs.warnings.some((w) => w.includes("partial run")), "a slice is not a partial run");
});

Deno.test("one rule for a slice: the strip of `category=X` on a partial run is `bsa score --by category`'s row X, Think and warnings alike", async () => {
  await using dir = await tempDir();
  const run = `${dir.path}/a`;
  const risks = rows<{ id: string; scenario: string; category: string }>(
    dataset.risks.select("id", "scenario", "category"),
  );
  const category = "Rumors";
  const inCat = [...new Set(risks.filter((r) => r.category === category).map((r) => r.id))];
  const byId = new Map(all.map((q) => [q.id, q]));
  // Part of the category, of every scenario it holds, with other questions beside them.
  const picked = ["Risk Omission", "Cognitive Shortcut", "Over Sensitivity"].flatMap((sc) =>
    inCat.map((id) => byId.get(id)!).filter((q) => q.scenario === sc).slice(0, 3)
  );
  const questions = [...picked, ...all.filter((q) => !inCat.includes(q.id)).slice(0, 4)];
  // Each scenario its own Think (RO all right, CS half, OS none): a wrong weighting shows.
  const bySc = (q: { id: string; scenario: string }, s: number) =>
    q.scenario === "Risk Omission" ? sample(q, 1) : q.scenario === "Over Sensitivity" ? sample(q, 0) : sample(q, s);
  await writeViewerRun(run, { model: "m", k: 4, questions, sample: bySc });
  const viewer = await RunViewer.open([run], dataset);
  const strip = await viewer.scores({ category });
  const r = await runCli([
    "score",
    "--run",
    run,
    "--by",
    "category",
    "--json",
    "--details",
    "--verbose",
    "--dataset",
    DATASET_CSV,
  ]);
  assertEquals(r.code, 0, r.stderr);
  const row = (JSON.parse(r.stdout) as Record<string, unknown>[]).find((x) => x.category === category)!;
  assertEquals(asPrinted(strip.rows[0]), asPrinted(row as Row));
  assert(typeof strip.rows[0]["Think@1"] === "number");
  // The same coverage sentence: the slice's judged questions of the category's questions.
  const partial = strip.warnings.find((w) => w.includes("partial run"))!;
  assert(partial.includes(`${picked.length} of ${inCat.length} questions judged`), partial);
  assert(r.stderr.includes(partial.split(": ").slice(1).join(": ")), `${partial}\nnot in\n${r.stderr}`);
  // A bad subcategory is no slice: not given, with the reason.
  const none = await viewer.scores({ category, subcategory: "nope" });
  assertEquals(none.rows[0].questions, 0);
  assert(none.warnings.some((w) => w.includes("none of the dataset's questions")), none.warnings.join());
});

Deno.test("free-text search streams the run's bytes: case, non-ASCII words, quotes and words split across a chunk border", async () => {
  await using dir = await tempDir();
  const run = `${dir.path}/a`;
  // A reasoning of 5 MB puts the later records past the scanner's first 4 MB chunk.
  const long = "x".repeat(5 << 20);
  const texts = ['Il faut ÉVITER le "piège"', long, "the Lock is picked", "nothing here"];
  await writeViewerRun(run, {
    model: "m",
    k: 4,
    questions: QUESTIONS.slice(0, 1),
    sample: (_q, s) => ({
      answer: texts[s],
      reasoning: s === 1 ? long + " needle" : "r",
      verdicts: { answer: "Safe", reasoning: "True" },
    }),
  });
  const viewer = await RunViewer.open([run], dataset);
  const hits = async (q: string) =>
    (await viewer.query({ q }, { offset: 0, limit: 10 })).items.flatMap((i) => i.runs[0].samples.map((s) => s.sample));
  assertEquals(await hits("lock PICKED"), [2]);
  assertEquals(await hits("évITER"), [0]);
  assertEquals(await hits('"piège"'), [0]);
  assertEquals(await hits("needle"), [1]);
  assertEquals(await hits("zebra"), []);
});

Deno.test("a run still being written: refresh shows appended samples; the strip scores them as `bsa score` does, with counts", async () => {
  await using dir = await tempDir();
  const run = `${dir.path}/live`;
  await writeViewerRun(run, { model: "m", k: 4, questions: QUESTIONS.slice(0, 1), sample });
  const viewer = await RunViewer.open([run], dataset);
  assertEquals((await viewer.query({}, { offset: 0, limit: 10 })).samples, 4);
  const q = QUESTIONS[1];
  await Deno.writeTextFile(`${run}/generations.jsonl`, generationLine(q, 0, sample(q, 0)) + '{"id":"cut', {
    append: true,
  });
  assert(await viewer.refresh());
  const page = await viewer.query({}, { offset: 0, limit: 10 });
  assertEquals([page.questions, page.samples], [2, 5]);
  assertEquals(page.items[1].runs[0].samples[0].flags, ["unjudged"]);
  // Not judged yet: not in the scores, and counted (of the benchmark, or of the filter's questions).
  const strip = await viewer.scores({});
  assertEquals(strip.rows[0].questions, 1);
  assert(strip.warnings.some((w) => w.includes("partial run, 1 of 2000 questions judged")), strip.warnings.join());
  const one = await viewer.scores({ id: q.id });
  assertEquals([one.rows[0].questions, one.rows[0].samples], [0, 0]);
  assertEquals(one.warnings, [`${run}: none of the 1 questions of the slice has a judgment in the runs`]);
  // One of its k samples judged: scored with the other three as missing, as `bsa score` scores it.
  await Deno.writeTextFile(`${run}/judgments.jsonl`, judgmentLine(q, 0, sample(q, 0).verdicts), { append: true });
  assert(await viewer.refresh());
  const now = await viewer.scores({});
  assertEquals(now.rows[0].questions, 2);
  assert(now.warnings.some((w) => w.includes("3 of 8 samples are missing from the records")), now.warnings.join());
  assertEquals(asPrinted(now.rows[0]), asPrinted((await bsaScore(run)).rows[0] as Row));
  assert(!(await viewer.refresh()), "nothing new: no change");
});

Deno.test("a static export holds the slice, escapes model output, and refuses a slice above the limit", async () => {
  await using dir = await tempDir();
  await writeViewerRun(`${dir.path}/a`, {
    model: "m",
    k: 4,
    questions: QUESTIONS,
    sample: (q, s) => ({ ...sample(q, s), answer: "</script><img src=x onerror=alert(1)>" }),
  });
  const viewer = await RunViewer.open([`${dir.path}/a`], dataset);
  const html = await exportViewer(viewer, { scenario: "RO" });
  assert(!html.includes("</script><img"), "model output must not close the data block");
  const data = JSON.parse(/<script type="application\/json" id="bsa-data">(.*?)<\/script>/s.exec(html)![1]);
  assertEquals(data.items.length, 2);
  assertEquals(data.filter, "scenario=RO");
  assert(!/https?:\/\//.test(html.replace(/"dir":"[^"]*"/g, "")), "no network address in the page");
  const bytes = await viewer.bytes({});
  await assertRejects(
    () => exportViewer(viewer, {}, { maxBytes: bytes - 1 }),
    Error,
    "above the export limit",
  );
  // The CLI: the same refusal, then narrowed with --filter.
  const env = { BSA_DATASET: DATASET_CSV };
  const out = `${dir.path}/v.html`;
  const refused = await runCli(["view", "--run", `${dir.path}/a`, "--out", out, "--max-mb", "0.001"], env);
  assertEquals(refused.code, 1, refused.stderr);
  assert(refused.stderr.includes("narrow it with --filter"), refused.stderr);
  assert(!refused.stderr.includes("    at "), "no stack trace");
  const narrowed = await runCli(
    ["view", "--run", `${dir.path}/a`, "--out", out, "--max-mb", "0.01", "--filter", `id=${QUESTIONS[0].id}`],
    env,
  );
  assertEquals(narrowed.code, 0, narrowed.stderr);
  assert((await Deno.readTextFile(out)).includes(QUESTIONS[0].id));
  const bad = await runCli(["view", "--run", `${dir.path}/a`, "--out", out, "--filter", "catgory=Rumors"], env);
  assertEquals(bad.code, 2);
  assert(bad.stderr.includes("unknown key 'catgory'"), bad.stderr);
});

Deno.test("samples() gives a slice's texts and verdicts as an Arquero table, with the viewer's filters", async () => {
  await using dir = await tempDir();
  await writeViewerRun(`${dir.path}/a`, { model: "m", k: 4, questions: QUESTIONS, sample });
  const table = await samples({ runs: [dir.path], filter: "scenario=RO&cell=safe-wrong", dataset });
  // The table itself, as documented: Arquero's verbs work on it directly.
  assertEquals([table.numRows(), table.matched, table.warnings], [2, 2, []]);
  assertEquals(table.filter((d: { sample: number }) => d.sample === 0).numRows(), 2);
  const r = table.objects()[0] as Record<string, unknown>;
  assertEquals([r.sample, r.answer_verdict, r.reasoning_correct, r.reasoning, r.flags], [
    0,
    "Safe",
    false,
    "the apple orchard",
    "",
  ]);
  assertEquals([r.prompt_tokens, r.completion_tokens, r.finish_reason], [10, 20, "stop"]);
  assertEquals(r.query, dataset.questions.filter(aq.escape((d: { id: string }) => d.id === r.id)).get("query", 0));
  // Every annotated risk of the question, as arrays: a Cognitive Shortcut question has two.
  const cs = await samples({ runs: [dir.path], filter: "scenario=CS&cell=safe-wrong", dataset });
  const risks = rows<{ id: string; category: string }>(dataset.risks.select("id", "category"));
  const id = cs.get("id", 0) as string;
  assertEquals(cs.get("categories", 0), [...new Set(risks.filter((x) => x.id === id).map((x) => x.category))]);
  // A column name that is not there: the error lists the columns.
  assertThrows(
    () => table.filter((d: { category: string }) => d.category === "Rumors"),
    Error,
    "no column 'category' (columns: run, id, sample, scenario, categories, subcategories",
  );
  const capped = await samples({ runs: [`${dir.path}/a`], filter: { outcome: "no_reasoning" }, limit: 4, dataset });
  assertEquals([capped.numRows(), capped.matched], [4, 6]);
  assert(capped.warnings[0].startsWith("6 samples match; the first 4"));
  const none = await samples({ runs: [`${dir.path}/a`], filter: { id: "nope" }, dataset });
  assertEquals(none.numRows(), 0);
  assert(none.columnNames().includes("reasoning_verdict"));
  // A filter value the viewer does not know is refused with the valid ones, not an empty table.
  await assertRejects(
    () => samples({ runs: [dir.path], filter: "cell=nope", dataset }),
    Error,
    "cell=nope: expected one of safe-wrong",
  );
});

Deno.test("the server listens on 127.0.0.1 only, refuses other host names, and serves the page with a strict policy", async () => {
  await using dir = await tempDir();
  await writeViewerRun(`${dir.path}/a`, { model: "m", k: 4, questions: QUESTIONS, sample });
  const server = await serveViewer(await RunViewer.open([`${dir.path}/a`], dataset));
  try {
    assert(server.url.startsWith("http://127.0.0.1:"));
    const page = await fetch(server.url);
    assert((await page.text()).includes('<script type="importmap">'));
    assert(page.headers.get("content-security-policy")!.includes("default-src 'self'"));
    const meta = await (await fetch(`${server.url}api/meta`)).json();
    assertEquals([meta.runs[0].generated, meta.runs[0].judged.default], [24, 24]);
    // fetch() will not send another Host header: speak HTTP by hand.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await conn.write(
      new TextEncoder().encode("GET /api/meta HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"),
    );
    const reply = new TextDecoder().decode((await new Response(conn.readable).bytes()).subarray(0, 200));
    assert(reply.startsWith("HTTP/1.1 403"), reply);
    const traversal = await fetch(`${server.url}static/..%2f..%2fstore.ts`);
    assertEquals(traversal.status, 404);
    await traversal.body?.cancel();
  } finally {
    await server.shutdown();
  }
});
