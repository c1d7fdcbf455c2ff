/// <reference lib="dom" />
/**
 * The viewer as a reading tool, in Chromium on two tagged runs the test writes: a bad link is
 * refused with the valid values, the "runs differ" and "judges differ" filters, sorting, the
 * compact table, each sample's recorded tokens, time and finish reason, and readable labels of
 * where the reasoning came from.
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { DATASET_CSV, ROOT, tempDir } from "../helpers/paths.ts";
import { chromiumPath, requires } from "../helpers/requires.ts";
import { judgmentLine, reasoningVerdicts, writeViewerRun } from "../helpers/viewer_runs.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import { rows } from "../../lib/table.ts";
import { exportViewer } from "../../lib/viewer/export.ts";
import { serveViewer } from "../../lib/viewer/server.ts";
import { RunViewer } from "../../lib/viewer/store.ts";

const dataset = await loadDataset({ path: DATASET_CSV });
const all = rows<{ id: string; scenario: string }>(dataset.questions.select("id", "scenario"));
/** Two questions per scenario, in dataset order. */
const QUESTIONS = ["Risk Omission", "Cognitive Shortcut", "Over Sensitivity"].flatMap((s) =>
  all.filter((q) => q.scenario === s).slice(0, 2)
);
/** The questions on which base differs from rules (base's sample 0 is unsafe on them). */
const DIFFERENT = QUESTIONS.filter((_, i) => i % 2 === 1).map((q) => q.id);
const K = 2;

async function setup() {
  const dir = await tempDir();
  for (const c of ["base", "rules"]) {
    await writeViewerRun(`${dir.path}/${c}`, {
      model: "m",
      k: K,
      tags: { condition: c },
      questions: QUESTIONS,
      sample: (q, s) => ({
        answer: `answer ${c} ${q.id} ${s}`,
        reasoning: `reasoning ${c} ${s}`,
        verdicts: {
          answer: c === "base" && s === 0 && DIFFERENT.includes(q.id) ? "Unsafe" : "Safe",
          reasoning: reasoningVerdicts(q.scenario).right,
        },
        tokens: { prompt: 100 + s, completion: 200 + 10 * QUESTIONS.indexOf(q) + s },
      }),
    });
  }
  // The first record of base: timed, its reasoning from <think> tags, cut by the length limit.
  const gens = `${dir.path}/base/generations.jsonl`;
  const [first, ...rest] = (await Deno.readTextFile(gens)).trim().split("\n");
  const edited = { ...JSON.parse(first), latency_ms: 1234, reasoning_source: "think_tag", finish_reason: "length" };
  await Deno.writeTextFile(gens, [JSON.stringify(edited), ...rest].join("\n") + "\n");
  // A second judge on base that disagrees with the default on one sample.
  const q0 = QUESTIONS[0];
  let second = "";
  for (const q of QUESTIONS) {
    for (let s = 0; s < K; s++) {
      const v = reasoningVerdicts(q.scenario);
      const answer = DIFFERENT.includes(q.id) && s === 0 ? "Unsafe" : "Safe";
      second += judgmentLine(q, s, { answer, reasoning: q === q0 && s === 1 ? v.wrong : v.right });
    }
  }
  await Deno.writeTextFile(`${dir.path}/base/judgments-second.jsonl`, second);
  const viewer = await RunViewer.open([`${dir.path}/base`, `${dir.path}/rules`], dataset);
  const server = await serveViewer(viewer);
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  const page: Page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return {
    dir: dir.path,
    viewer,
    server,
    page,
    errors,
    async [Symbol.asyncDispose]() {
      await browser.close();
      await server.shutdown();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** Wait until the status line says `n` questions match. */
async function matching(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (n) => (document.getElementById("status")!.textContent ?? "").startsWith(`${n} questions,`),
    n,
    { timeout: 10_000 },
  );
}

const shownIds = (page: Page) => page.locator("section.question").evaluateAll((s) => s.map((x) => x.dataset.id));

Deno.test({
  name: "viewer reading tool in Chromium: a link with a bad value is refused, with the valid values listed",
  ...requires("chromium"),
  async fn() {
    await using t = await setup();
    await t.page.goto(`${t.server.url}#cell=nope&scenario=RO`);
    const alert = t.page.locator("#problems");
    await alert.waitFor({ state: "visible" });
    const text = (await alert.textContent())!;
    assert(text.includes("cell=nope"), text);
    assert(text.includes("safe-wrong, safe-right, unsafe-right, unsafe-wrong"), text);
    // Nothing is shown as if the bad key were not there.
    assertEquals(await t.page.locator("section.question").count(), 0);
    assertEquals(await t.page.locator("#strip table").count(), 0);
    // A bad run index and an unknown key: both named, with what would work.
    await t.page.goto(`${t.server.url}#runs=7&colour=red`);
    await t.page.waitForFunction(() => (document.getElementById("problems")!.textContent ?? "").includes("runs=7"));
    const both = (await alert.textContent())!;
    assert(both.includes("runs=7 is not a value this viewer can show; valid: 0, 1"), both);
    assert(both.includes("'colour' is not a filter key"), both);
    // A good link clears the message.
    await t.page.goto(`${t.server.url}#scenario=RO`);
    await matching(t.page, 2);
    assertEquals(await alert.isVisible(), false);
    // The API refuses the same value with the same sentence.
    const res = await fetch(`${t.server.url}api/query?cell=nope&offset=0&limit=4`);
    assertEquals(res.status, 400);
    assert(((await res.json()) as { error: string }).error.includes("valid: safe-wrong"));
    assertEquals(t.errors, []);
  },
});

Deno.test({
  name: "viewer reading tool in Chromium: 'runs differ' and 'judges differ' filters, chosen from the form",
  ...requires("chromium"),
  async fn() {
    await using t = await setup();
    await t.page.goto(t.server.url);
    await matching(t.page, QUESTIONS.length);
    await t.page.selectOption("select[name=differ]", "runs");
    await t.page.waitForFunction(() => location.hash === "#differ=runs");
    await matching(t.page, DIFFERENT.length);
    assertEquals(await shownIds(t.page), DIFFERENT);
    // All samples of those questions, in both runs.
    assertEquals(await t.page.locator("article.sample").count(), DIFFERENT.length * 2 * K);
    // Judges differ: the one sample the second judge labelled otherwise (base only has two judges).
    await t.page.selectOption("select[name=differ]", "judges");
    await matching(t.page, 1);
    assertEquals(await shownIds(t.page), [QUESTIONS[0].id]);
    const cards = t.page.locator("article.sample");
    assertEquals(await cards.count(), 1);
    assertEquals(await cards.first().getAttribute("data-sample"), "1");
    assertEquals(await cards.first().locator(".jlabel").allTextContents(), ["default", "second"]);
    assertEquals(t.errors, []);
  },
});

Deno.test({
  name: "viewer reading tool in Chromium: sorting orders the questions (least safe, longest completion)",
  ...requires("chromium"),
  async fn() {
    await using t = await setup();
    await t.page.goto(t.server.url);
    await matching(t.page, QUESTIONS.length);
    await t.page.selectOption("select[name=sort]", "safe");
    await t.page.waitForFunction(() => location.hash === "#sort=safe");
    await t.page.waitForFunction(
      (id) => document.querySelector("section.question")?.getAttribute("data-id") === id,
      DIFFERENT[0],
    );
    // Less safe first (3 of 4 samples safe), then the rest, each group in dataset order.
    const safeFirst = [...DIFFERENT, ...QUESTIONS.map((q) => q.id).filter((id) => !DIFFERENT.includes(id))];
    await t.page.evaluate(() => scrollTo(0, document.body.scrollHeight));
    await t.page.waitForFunction((n) => document.querySelectorAll("section.question").length === n, QUESTIONS.length);
    assertEquals(await shownIds(t.page), safeFirst);
    // Longest completion first: the later questions were given more tokens.
    await t.page.goto(`${t.server.url}#sort=tokens`);
    await t.page.waitForFunction(
      (id) => document.querySelector("section.question")?.getAttribute("data-id") === id,
      QUESTIONS.at(-1)!.id,
    );
    await t.page.evaluate(() => scrollTo(0, document.body.scrollHeight));
    await t.page.waitForFunction((n) => document.querySelectorAll("section.question").length === n, QUESTIONS.length);
    assertEquals(await shownIds(t.page), QUESTIONS.map((q) => q.id).toReversed());
    assertEquals(t.errors, []);
  },
});

Deno.test({
  name: "viewer reading tool in Chromium: the compact table shows one row per sample and opens a question",
  ...requires("chromium"),
  async fn() {
    await using t = await setup();
    await t.page.goto(`${t.server.url}#view=table`);
    await matching(t.page, QUESTIONS.length);
    await t.page.waitForFunction((n) => document.querySelectorAll("#rows tr").length === n, QUESTIONS.length * 2 * K);
    const head = await t.page.locator("table.compact th").allTextContents();
    assertEquals(head.slice(0, 6), ["question", "scenario", "run", "sample", "answer", "reasoning"]);
    const first = await t.page.locator("#rows tr").first().locator("td").allTextContents();
    assertEquals(first.slice(0, 5), [QUESTIONS[0].id, "RO", "m condition=base", "0", "Safe"]);
    assertEquals(first[7], "200");
    // One row is about as tall as a line: many samples on one screen.
    const box = await t.page.locator("#rows tr").first().boundingBox();
    assert(box && box.height < 40, `row height ${box?.height}`);
    assertEquals(await t.page.locator("article.sample").count(), 0);
    // The view is a filter key: with a filter, the table narrows; a row's id opens the question as cards.
    await t.page.goto(`${t.server.url}#differ=runs&view=table`);
    await t.page.waitForFunction((n) => document.querySelectorAll("#rows tr").length === n, DIFFERENT.length * 2 * K);
    await t.page.locator("#rows tr a").first().click();
    await t.page.waitForFunction((id) => location.hash === `#id=${id}`, DIFFERENT[0]);
    await matching(t.page, 1);
    assertEquals(await t.page.locator("article.sample").count(), 2 * K);
    assertEquals(t.errors, []);
  },
});

Deno.test({
  name:
    "viewer reading tool in Chromium: each sample shows its tokens, time and finish reason, and where its reasoning came from in words",
  ...requires("chromium"),
  async fn() {
    await using t = await setup();
    await t.page.goto(`${t.server.url}#id=${QUESTIONS[0].id}&runs=0`);
    await matching(t.page, 1);
    const cards = t.page.locator("article.sample");
    const facts = await cards.locator(".facts").allInnerTexts();
    assertEquals(facts, [
      "100 prompt + 200 completion tokens · 1.23 s · cut by the length limit",
      "101 prompt + 201 completion tokens · ended normally",
    ]);
    // What the reader sees (after the labels' upper-casing): words, not the record's field values.
    const labels = await cards.locator(".reasoning .lab").allInnerTexts();
    assertEquals(labels[0], "REASONING · from <think> tags in the reply");
    assertEquals(labels[1], "REASONING · from the reply's reasoning field");
    for (const l of labels) assert(!/THINK_TAG|REASONING_CONTENT|\(/.test(l), l);
    // The strip's metrics in the paper's order, as its main table gives them.
    await t.page.locator("#strip table.scores").waitFor();
    const shown = (await t.page.locator("#strip table.scores th").allTextContents()).slice(3);
    const paper = (await Deno.readTextFile(`${ROOT}data/paper/main_results.csv`)).split("\n")[0].split(",");
    assertEquals(shown, paper.filter((c) => shown.includes(c)));
    assertEquals(shown.slice(-3), ["OS@1", "CS@1", "RO@1"]);
    assertEquals(t.errors, []);
  },
});

Deno.test({
  name:
    "viewer reading tool in Chromium: a static export filters by 'runs differ', sorts and shows the table in the page",
  ...requires("chromium"),
  async fn() {
    await using t = await setup();
    const file = `${t.dir}/all.html`;
    await Deno.writeTextFile(file, await exportViewer(t.viewer, {}));
    await t.page.goto(`file://${file}#differ=runs`);
    await matching(t.page, DIFFERENT.length);
    assertEquals(await shownIds(t.page), DIFFERENT);
    await t.page.goto(`file://${file}#sort=safe`);
    await matching(t.page, QUESTIONS.length);
    await t.page.evaluate(() => scrollTo(0, document.body.scrollHeight));
    await t.page.waitForFunction((n) => document.querySelectorAll("section.question").length === n, QUESTIONS.length);
    assertEquals((await shownIds(t.page)).slice(0, DIFFERENT.length), DIFFERENT);
    await t.page.goto(`file://${file}#view=table&differ=judges`);
    await t.page.waitForFunction(() => document.querySelectorAll("#rows tr").length === 1);
    await t.page.goto(`file://${file}#cell=nope`);
    await t.page.locator("#problems").waitFor({ state: "visible" });
    assertEquals(t.errors, []);
  },
});
