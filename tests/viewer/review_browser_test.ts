/// <reference lib="dom" />
import { chromium, type Page } from "playwright-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { DATASET_CSV, ROOT, tempDir } from "../helpers/paths.ts";
import { chromiumPath, requires } from "../helpers/requires.ts";
import { writeViewerRun } from "../helpers/viewer_runs.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import { rows } from "../../lib/table.ts";
import { judgedSamples, planReview, ReviewSession, writePlan } from "../../lib/review/mod.ts";
import { loadRunJudgments } from "../../lib/store/mod.ts";
import { parseLabels } from "../../lib/review/labels.ts";
import { reviewRoutes } from "../../lib/viewer/review_routes.ts";
import { serveViewer } from "../../lib/viewer/server.ts";
import { RunViewer } from "../../lib/viewer/store.ts";

const dataset = await loadDataset({ path: DATASET_CSV });
const all = rows<{ id: string; scenario: string }>(dataset.questions.select("id", "scenario"));
/** Two RO and two CS questions, k = 1; the last CS sample shows no reasoning. */
const QUESTIONS = ["Risk Omission", "Cognitive Shortcut"].flatMap((s) =>
  all.filter((q) => q.scenario === s).slice(0, 2)
);
const NO_REASONING_ID = QUESTIONS[3].id;

/** A run whose judge says Unsafe / the scenario's last category for every sample. */
async function reviewRun(dir: string) {
  await writeViewerRun(dir, {
    model: "m",
    k: 1,
    questions: QUESTIONS,
    sample: (q) => ({
      answer: `answer to ${q.id}`,
      reasoning: q.id === NO_REASONING_ID ? null : `reasoning about ${q.id}`,
      verdicts: {
        answer: "Unsafe",
        reasoning: q.id === NO_REASONING_ID ? "no_reasoning" : q.scenario === "Risk Omission" ? "False" : "Not Covered",
      },
    }),
  });
  const plan = planReview(judgedSamples(await loadRunJudgments([dir])), { run: dir, n: 4, seed: 2 });
  await writePlan(`${dir}/review-plan.json`, plan);
  return plan;
}

async function labelLines(dir: string, reviewer: string): Promise<Record<string, unknown>[]> {
  try {
    return (await Deno.readTextFile(`${dir}/labels-${reviewer}.jsonl`)).split("\n").filter(Boolean).map((l) =>
      JSON.parse(l)
    );
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

const LAUNCH = () => ({ executablePath: chromiumPath(), args: ["--headless", "--no-sandbox", "--disable-gpu"] });

/** Wait for the page to show the sample at `index` (0-based) with nothing revealed. */
async function atSample(page: Page, index: number) {
  await page.waitForFunction(
    (i) => document.getElementById("where")?.textContent?.startsWith(`sample ${i + 1} of`),
    index,
    {
      timeout: 10_000,
    },
  );
}

Deno.test({
  name:
    "review mode in Chromium: verdicts hidden until the label is given, each label saved at once, resumed on reload",
  ...requires("chromium"),
  async fn() {
    await using dir = await tempDir();
    const run = `${dir.path}/run`;
    const plan = await reviewRun(run);
    const session = await ReviewSession.open({ run, plan: `${run}/review-plan.json`, reviewer: "ana", dataset });
    const server = await serveViewer(await RunViewer.open([run], dataset), { routes: reviewRoutes(session) });
    const browser = await chromium.launch(LAUNCH());
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      // Everything the page receives about a sample before it is labelled: never the judge's verdicts.
      const bodies: { url: string; body: string }[] = [];
      page.on("response", async (r) => {
        if (r.url().includes("/api/review/item")) bodies.push({ url: r.url(), body: await r.text() });
      });
      await page.goto(server.url);
      await atSample(page, 0);
      const first = plan.samples[0];
      const hasReasoning = first.id !== NO_REASONING_ID;
      assertEquals(await page.locator("#judge").count(), 0, "no verdict before the label");
      assert(!(await page.locator("body").textContent())!.includes("The judge said"));
      assert(bodies.length === 1 && !bodies[0].body.includes('"judge"'), bodies[0]?.body);
      assert((await page.locator("#answer").textContent())!.includes(`answer to ${first.id}`));

      await page.keyboard.press("s");
      if (hasReasoning) {
        assertEquals(await labelLines(run, "ana"), [], "the answer alone is not a label yet");
        assertEquals(await page.locator("#judge").count(), 0, "still hidden while choosing the reasoning");
        await page.keyboard.press("1");
      }
      await page.locator("#judge").waitFor({ timeout: 10_000 });
      let lines = await labelLines(run, "ana");
      assertEquals(lines.length, 1, "saved at once");
      assertEquals([lines[0].id, lines[0].answer_verdict, lines[0].reviewer], [first.id, "Safe", "ana"]);
      assert(typeof lines[0].seconds === "number" && typeof lines[0].time === "string");
      assert((await page.locator("#judge").textContent())!.includes("Unsafe"), "revealed after the label");
      assert((await page.locator("#judge .disagree").count()) === 1);

      // Next sample: hidden again; skip it with a reason.
      await page.keyboard.press("j");
      await atSample(page, 1);
      assertEquals(await page.locator("#judge").count(), 0);
      await page.keyboard.press("x");
      await page.locator("#skip-reason").waitFor();
      await page.keyboard.type("answer unreadable");
      await page.keyboard.press("Enter");
      await page.locator("#saved").waitFor({ timeout: 10_000 });
      lines = await labelLines(run, "ana");
      assertEquals([lines.length, lines[1].skipped], [2, "answer unreadable"]);

      // Closing the tab loses nothing: a new page resumes at the first unlabelled sample.
      await page.close();
      const again = await browser.newPage();
      again.on("pageerror", (e) => errors.push(e.message));
      await again.goto(server.url);
      await atSample(again, 2);
      // Label the rest: Unsafe, then the last reasoning category (or at once without reasoning).
      for (const i of [2, 3]) {
        await atSample(again, i);
        await again.keyboard.press("u");
        const scenario = QUESTIONS.find((q) => q.id === plan.samples[i].id)!.scenario;
        if (plan.samples[i].id !== NO_REASONING_ID) {
          await again.keyboard.press(scenario === "Risk Omission" ? "2" : "3");
        }
        await again.locator("#judge").waitFor({ timeout: 10_000 });
        assertEquals((await labelLines(run, "ana")).length, i + 1, `saved after the keys of sample ${i + 1}`);
        await again.keyboard.press("j");
      }
      await again.locator("#done").waitFor({ timeout: 10_000 });
      // The file is what `bsa agreement` reads, and it passes its checks.
      const judged = new Map(QUESTIONS.map((q) => [q.id, q.scenario]));
      const parsed = parseLabels(await Deno.readTextFile(`${run}/labels-ana.jsonl`), "labels-ana.jsonl", {
        scenarioOf: (id) => judged.get(id),
      });
      assertEquals(parsed.length, 4);
      const noReasoning = parsed.find((l) => l.id === NO_REASONING_ID)!;
      assert(noReasoning.skipped !== undefined || noReasoning.reasoning_verdict === "no_reasoning");
      assertEquals(errors, []);

      // The viewer's own API (which carries the verdicts) is closed, and labels come only as JSON from the page.
      assertEquals(
        await fetch(`${server.url}api/query?offset=0&limit=5`).then(async (r) => (await r.body?.cancel(), r.status)),
        404,
      );
      const post = (headers: Record<string, string>) =>
        fetch(`${server.url}api/review/label`, {
          method: "POST",
          headers,
          body: JSON.stringify({ index: 0, answer_verdict: "Safe", reasoning_verdict: "True", seconds: 1 }),
        }).then(async (r) => (await r.body?.cancel(), r.status));
      assertEquals(await post({ "content-type": "text/plain" }), 415);
      assertEquals(await post({ "content-type": "application/json", origin: "http://evil.example" }), 403);
    } finally {
      await browser.close();
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "review mode in Chromium: the buttons label by click and carry the judge rubric's wording of each verdict",
  ...requires("chromium"),
  async fn() {
    await using dir = await tempDir();
    const run = `${dir.path}/run`;
    const plan = await reviewRun(run);
    const session = await ReviewSession.open({ run, plan: `${run}/review-plan.json`, reviewer: "bo", dataset });
    const server = await serveViewer(await RunViewer.open([run], dataset), { routes: reviewRoutes(session) });
    const browser = await chromium.launch(LAUNCH());
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(server.url);
      // A sample with reasoning, to go through both steps by mouse.
      const i = plan.samples.findIndex((s) => s.id !== NO_REASONING_ID);
      for (let n = 0; n < i; n++) {
        await atSample(page, n);
        await page.locator("button.choice[data-verdict=skip]").click();
        await page.locator("#skip-reason").fill("later");
        await page.locator("#prompt button", { hasText: "save" }).click();
        await page.locator("#saved").waitFor({ timeout: 10_000 });
        await page.locator("button.choice[data-key=j]").click();
      }
      await atSample(page, i);
      // The answer step: the rubric's question and its definition of a safe answer, on the buttons.
      const prompt = page.locator("#prompt");
      assert(
        (await prompt.locator(".rubric").textContent())!.includes("avoids engaging with, generating, or assisting"),
      );
      const safe = prompt.locator("button.choice[data-verdict=Safe]");
      assert((await safe.textContent())!.includes("A safe answer must refuse harmful requests"));
      assertEquals(await prompt.locator("button.choice").count(), 3);
      await prompt.locator("button.choice[data-verdict=Unsafe]").click();
      // The reasoning step: one button per category of the scenario's rubric, with its words.
      const scenario = QUESTIONS.find((q) => q.id === plan.samples[i].id)!.scenario;
      const buttons = prompt.locator("button.choice");
      await buttons.first().waitFor();
      const texts = await buttons.allTextContents();
      if (scenario === "Risk Omission") {
        assert(texts[0].startsWith("1 True") && texts[0].includes("covers all key risk points"), texts[0]);
        assert(texts[1].startsWith("2 False") && texts[1].includes("any point is missed"), texts[1]);
      } else {
        assert(texts[1].startsWith("2 Partially Covered") && texts[1].includes("some (but not all)"), texts[1]);
      }
      assertEquals(await labelLines(run, "bo").then((l) => l.length), i, "not saved before the reasoning");
      await buttons.nth(1).click();
      await page.locator("#judge").waitFor({ timeout: 10_000 });
      const lines = await labelLines(run, "bo");
      const last = lines.at(-1)!;
      assertEquals([last.id, last.answer_verdict], [plan.samples[i].id, "Unsafe"]);
      assertEquals(last.reasoning_verdict, scenario === "Risk Omission" ? "False" : "Partially Covered");
      assertEquals(await page.locator("#rubric-missing").count(), 0);
      assertEquals(errors, []);
    } finally {
      await browser.close();
      await server.shutdown();
    }
  },
});

Deno.test("labels survive a killed server: each is on disk when its request returns, and a restart resumes", async () => {
  await using dir = await tempDir();
  const run = `${dir.path}/run`;
  const plan = await reviewRun(run);
  const start = () =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${ROOT}lib/cli.ts`,
        "view",
        "--run",
        run,
        "--review",
        `${run}/review-plan.json`,
        "--reviewer",
        "ben",
      ],
      env: { BSA_DATASET: DATASET_CSV, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  const urlOf = async (child: Deno.ChildProcess) => {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/http:\/\/127\.0\.0\.1:\d+\//.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`bsa view ended: ${text}`);
      text += value;
    }
    reader.releaseLock();
    return { url: text.match(/http:\/\/127\.0\.0\.1:\d+\//)![0], text };
  };
  const label = (url: string, body: Record<string, unknown>) =>
    fetch(`${url}api/review/label`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seconds: 2, ...body }),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  const child = start();
  try {
    const { url } = await urlOf(child);
    const bad = await label(url, { index: 0, answer_verdict: "Maybe", reasoning_verdict: "True" });
    assertEquals(bad.status, 400);
    assert(String(bad.body.error).includes('unknown answer verdict "Maybe"'), bad.body.error);
    for (const index of [0, 1]) {
      const item = await fetch(`${url}api/review/item?i=${index}`).then((r) => r.json());
      assertEquals(item.judge, undefined, "hidden before the label");
      const reasoning = item.reasoning === null ? "no_reasoning" : item.reasoning_choices[0];
      const r = await label(url, { index, answer_verdict: "Safe", reasoning_verdict: reasoning });
      assertEquals(r.status, 200, JSON.stringify(r.body));
      assertEquals(r.body.judge.answer_verdict, "Unsafe", "revealed with the saved label");
    }
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await child.stderr.cancel();
  }
  const lines = await labelLines(run, "ben");
  assertEquals(lines.map((l) => l.id), [plan.samples[0].id, plan.samples[1].id]);
  // A new server resumes at the first sample ben has not labelled.
  const again = start();
  try {
    const { text } = await urlOf(again);
    assert(text.includes("ben: 2 of 4 labelled"), text);
  } finally {
    again.kill("SIGKILL");
    await again.status;
    await again.stdout.cancel().catch(() => {});
    await again.stderr.cancel();
  }
});
