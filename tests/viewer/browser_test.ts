/// <reference lib="dom" />
import { type Browser, chromium, type Page } from "playwright-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { DATASET_CSV, tempDir } from "../helpers/paths.ts";
import { chromiumPath, requires } from "../helpers/requires.ts";
import { generationLine, judgmentLine, reasoningVerdicts, writeViewerRun } from "../helpers/viewer_runs.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import { rows } from "../../lib/table.ts";
import { exportViewer } from "../../lib/viewer/export.ts";
import { serveViewer } from "../../lib/viewer/server.ts";
import { RunViewer } from "../../lib/viewer/store.ts";

const dataset = await loadDataset({ path: DATASET_CSV });
const all = rows<{ id: string; scenario: string }>(dataset.questions.select("id", "scenario"));
const rumors = new Set(
  rows<{ id: string }>(dataset.risks.filter((d: { category: string }) => d.category === "Rumors")).map((r) => r.id),
);
/** Three questions per scenario, one of them a Rumors question. */
const QUESTIONS = [
  ...["Risk Omission", "Cognitive Shortcut", "Over Sensitivity"].flatMap((s) =>
    all.filter((q) => q.scenario === s && !rumors.has(q.id)).slice(0, 3)
  ),
  all.find((q) => rumors.has(q.id))!,
];
/** How many of the questions are in a scenario. */
const n = (scenario: string) => QUESTIONS.filter((q) => q.scenario === scenario).length;
const LATE = all.find((q) => !QUESTIONS.includes(q) && q.scenario === "Risk Omission")!;

/** k=3; the condition decides the verdicts so the two runs differ; sample 0's answer tries to inject HTML. */
function sampleOf(condition: string) {
  return (q: { id: string; scenario: string }, s: number) => {
    const v = reasoningVerdicts(q.scenario);
    const safe = condition === "rules" || s > 0;
    return {
      answer: s === 0 ? `<img src=x onerror="window.__xss=1">answer ${condition}` : `answer ${condition} ${s}`,
      reasoning: `reasoning of ${condition} sample ${s} ` + "lorem ipsum ".repeat(40),
      verdicts: { answer: safe ? "Safe" : "Unsafe", reasoning: s === 1 ? v.wrong : v.right },
    };
  };
}

const LAUNCH = () => ({
  executablePath: chromiumPath(),
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});

async function setup() {
  const dir = await tempDir();
  for (const c of ["base", "rules"]) {
    await writeViewerRun(`${dir.path}/${c}`, {
      model: "m",
      k: 3,
      tags: { condition: c },
      questions: QUESTIONS,
      sample: sampleOf(c),
    });
  }
  const viewer = await RunViewer.open([`${dir.path}/base`, `${dir.path}/rules`], dataset);
  const server = await serveViewer(viewer);
  const browser: Browser = await chromium.launch(LAUNCH());
  const page: Page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return {
    dir: dir.path,
    viewer,
    server,
    page,
    browser,
    errors,
    async [Symbol.asyncDispose]() {
      await browser.close();
      await server.shutdown();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** Wait until the status line says `n` questions match and the list shows them (up to a page). */
async function questionsShown(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (n) =>
      (document.getElementById("status")!.textContent ?? "").startsWith(`${n} questions,`) &&
      document.querySelectorAll("section.question").length >= Math.min(n, 4),
    n,
    { timeout: 10_000 },
  );
}

Deno.test({
  name: "viewer in Chromium: the URL hash opens one question, two runs side by side, model output shown as text",
  ...requires("chromium"),
  async fn() {
    await using t = await setup();
    const q = QUESTIONS[4];
    await t.page.goto(`${t.server.url}#id=${q.id}`);
    await questionsShown(t.page, 1);
    assertEquals(await t.page.locator("section.question").getAttribute("data-id"), q.id);
    // Side by side: one column per run, each with its 3 samples, labelled by model and condition.
    const cols = t.page.locator("section.question .run");
    assertEquals(await cols.count(), 2);
    assertEquals(await cols.locator(".runlabel").allTextContents(), ["m condition=base", "m condition=rules"]);
    assertEquals(await cols.nth(0).locator("article.sample").count(), 3);
    const box0 = await cols.nth(0).boundingBox(), box1 = await cols.nth(1).boundingBox();
    assert(box0 && box1 && box1.x > box0.x + box0.width - 1 && Math.abs(box1.y - box0.y) < 2, "columns side by side");
    // The question's texts come from the dataset; the verdicts of each judge are shown with its label.
    assert((await t.page.locator(".query").textContent())!.length > 10);
    assert((await t.page.locator(".risk").textContent())!.length > 10);
    assertEquals(await cols.nth(0).locator("article.sample").first().locator(".jlabel").textContent(), "default");
    // Untrusted output is text: no element was injected and no script ran.
    assertEquals(await t.page.locator("#list img").count(), 0);
    assert((await t.page.locator("#list").textContent())!.includes('<img src=x onerror="window.__xss=1">answer base'));
    assertEquals(await t.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    // The strip scores both runs over this question: rules is safe on all 3 samples, base on 2.
    // (It is drawn after the samples: wait for it.)
    await t.page.locator("#strip table.scores").waitFor({ timeout: 10_000 });
    const strip = await t.page.locator("#strip table.scores tr").allTextContents();
    assert(strip[1].startsWith("m condition=base13") && strip[1].includes("66.67"), strip[1]);
    assert(strip[2].startsWith("m condition=rules13") && strip[2].includes("100.00"), strip[2]);
    assertEquals(t.errors, []);
  },
});

Deno.test({
  name: "viewer in Chromium: filters write the URL hash and narrow the list; the cell, text search and keys work",
  ...requires("chromium"),
  async fn() {
    await using t = await setup();
    await t.page.goto(t.server.url);
    await questionsShown(t.page, QUESTIONS.length);
    await t.page.selectOption("select[name=category]", "Rumors");
    await questionsShown(t.page, 1);
    assertEquals(new URL(t.page.url()).hash, "#category=Rumors");
    assertEquals(await t.page.locator("section.question").getAttribute("data-id"), QUESTIONS.at(-1)!.id);
    // The safe-but-wrong cell: sample 1 of each question, in both runs.
    await t.page.click("#clear");
    await questionsShown(t.page, QUESTIONS.length);
    await t.page.selectOption("select[name=scenario]", "CS");
    await t.page.waitForFunction(() => location.hash === "#scenario=CS");
    await t.page.selectOption("select[name=cell]", "safe-wrong");
    await t.page.waitForFunction(() => location.hash === "#scenario=CS&cell=safe-wrong");
    await questionsShown(t.page, n("Cognitive Shortcut"));
    assertEquals(await t.page.locator("article.sample").count(), 2 * n("Cognitive Shortcut"));
    assert((await t.page.locator("article.sample .sno").allTextContents()).every((s) => s === "sample 1"));
    // Scenario and answer verdict together, then free text, in the hash as key=value pairs.
    await t.page.goto(`${t.server.url}#scenario=OS&answer=Unsafe`);
    await questionsShown(t.page, n("Over Sensitivity"));
    // base's sample 0 of each OS question
    assertEquals(await t.page.locator("article.sample").count(), n("Over Sensitivity"));
    await t.page.fill("input[name=q]", "rules sample 2");
    await t.page.press("input[name=q]", "Enter");
    await t.page.waitForFunction(() => location.hash === "#scenario=OS&answer=Unsafe&q=rules%20sample%202");
    await t.page.waitForFunction(() => document.querySelectorAll("section.question").length === 0);
    await t.page.goto(`${t.server.url}#q=rules%20sample%202&scenario=OS`);
    await questionsShown(t.page, n("Over Sensitivity"));
    assertEquals(await t.page.locator("article.sample").count(), n("Over Sensitivity"));
    // Keys: j focuses the next sample, r opens every reasoning.
    await t.page.locator("body").click({ position: { x: 5, y: 700 } });
    await t.page.keyboard.press("j");
    assertEquals(await t.page.evaluate(() => document.activeElement?.classList.contains("sample")), true);
    await t.page.keyboard.press("r");
    assertEquals(await t.page.evaluate(() => document.body.classList.contains("show-reasoning")), true);
    await t.page.keyboard.press("n");
    assertEquals(await t.page.evaluate(() => document.activeElement?.classList.contains("question")), true);
    assertEquals(t.errors, []);
  },
});

Deno.test({
  name: "viewer in Chromium: a run being written shows a record appended while the page is open",
  ...requires("chromium"),
  async fn() {
    await using t = await setup();
    await t.page.goto(`${t.server.url}#scenario=RO&runs=0`);
    await questionsShown(t.page, n("Risk Omission"));
    const v = reasoningVerdicts(LATE.scenario);
    await Deno.writeTextFile(
      `${t.dir}/base/generations.jsonl`,
      generationLine(LATE, 0, { answer: "a late answer", reasoning: "late reasoning" }),
      { append: true },
    );
    await questionsShown(t.page, n("Risk Omission") + 1);
    const late = t.page.locator(`section.question[data-id="${LATE.id}"]`);
    assertEquals(await late.locator(".flag").allTextContents(), ["not judged yet"]);
    await Deno.writeTextFile(
      `${t.dir}/base/judgments.jsonl`,
      judgmentLine(LATE, 0, { answer: "Safe", reasoning: v.right }),
      {
        append: true,
      },
    );
    await t.page.waitForFunction(
      (id) => document.querySelector(`section.question[data-id="${id}"] .judgment`) !== null,
      LATE.id,
      { timeout: 10_000 },
    );
    assert((await late.textContent())!.includes("a late answer"));
    assertEquals(t.errors, []);
  },
});

Deno.test({
  name: "viewer in Chromium: a static export opens from a file with no network and filters its slice in the page",
  ...requires("chromium"),
  async fn() {
    await using t = await setup();
    const file = `${t.dir}/slice.html`;
    await Deno.writeTextFile(file, await exportViewer(t.viewer, { scenario: "CS" }));
    await t.server.shutdown();
    const requests: string[] = [];
    t.page.on("request", (r) => {
      if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
    });
    await t.page.goto(`file://${file}`);
    await questionsShown(t.page, n("Cognitive Shortcut"));
    await t.page.waitForFunction(() => document.getElementById("strip")!.textContent!.includes("static export of"));
    assert((await t.page.locator("#strip").textContent())!.includes("static export of scenario=CS"));
    await t.page.goto(`file://${file}#cell=safe-wrong&runs=1`);
    await questionsShown(t.page, n("Cognitive Shortcut"));
    assertEquals(await t.page.locator("article.sample").count(), n("Cognitive Shortcut"));
    assertEquals(
      await t.page.locator(".runlabel").allTextContents(),
      Array(n("Cognitive Shortcut")).fill("m condition=rules"),
    );
    await t.page.waitForFunction(() => document.getElementById("strip")!.textContent!.includes("does not rescore"));
    assertEquals(requests, []);
    assertEquals(t.errors, []);
  },
});
