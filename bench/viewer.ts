/// <reference lib="dom" />
import { chromium } from "playwright-core";
import { loadDataset } from "../lib/dataset/load.ts";
import { scenarioInfo } from "../lib/dataset/scenarios.ts";
import { rows } from "../lib/table.ts";
import { judgmentLine } from "../tests/helpers/viewer_runs.ts";
import { writeSyntheticRun } from "./_synthetic_run.ts";
import { benchEnv, cliArgs, type Figure } from "./_util.ts";

/**
 * `bsa view` on a 2,000 × 16-sample run with 8 KB of reasoning per sample (about 270 MB of
 * JSONL, judged): the server's start (index of both files) as `deno task bsa view` runs it,
 * the page's open to the first samples drawn, and scrolling 40 pages down and back (time per
 * page, questions held by the page, the server's peak RSS), and ten free-text searches (time, RSS after
 * against before: a search streams through the run).
 */
export async function viewerBench(tmp: string): Promise<Figure[]> {
  const dataset = await loadDataset();
  const questions = rows<{ id: string; scenario: string }>(dataset.questions.select("id", "scenario"));
  const dir = `${tmp}/viewer-run`;
  const k = 16;
  await writeSyntheticRun(dir, {
    model: "bench",
    k,
    questions,
    done: questions.length * k,
    reasoningBytes: 8192,
    dataset: { source: dataset.source, sha256: dataset.sha256, pinned: dataset.pinned },
  });
  let judgments = "";
  for (const q of questions) {
    const target = scenarioInfo(q.scenario)!.target;
    for (let s = 0; s < k; s++) {
      judgments += judgmentLine(q, s, { answer: s % 3 ? "Safe" : "Unsafe", reasoning: s % 2 ? target : "invalid" });
    }
  }
  await Deno.writeTextFile(`${dir}/judgments.jsonl`, judgments);
  const mb = ((await Deno.stat(`${dir}/generations.jsonl`)).size / 1024 / 1024).toFixed(0);

  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [...cliArgs(), "view", "--run", dir],
    env: benchEnv(`${tmp}/viewer-cache`),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let printed = "";
  while (!/http:\/\/127\.0\.0\.1:\d+\//.test(printed)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`bsa view ended: ${printed}`);
    printed += value;
  }
  const started = (performance.now() - t0) / 1000;
  const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(printed)![0];
  const browser = await chromium.launch({
    executablePath: Deno.env.get("BSA_CHROMIUM") ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const t1 = performance.now();
    await page.goto(url);
    await page.waitForSelector("article.sample");
    const opened = (performance.now() - t1) / 1000;
    await page.waitForFunction(() => document.querySelector("#strip table") !== null);
    const withScores = (performance.now() - t1) / 1000;
    // Scroll down page by page: each step waits until the next questions are drawn.
    const steps = 40;
    const t2 = performance.now();
    let held = 0;
    for (let i = 0; i < steps; i++) {
      const before = await page.evaluate(() =>
        (window as unknown as { bsaViewer: { first: number; count: number } }).bsaViewer
      );
      await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
      await page.waitForFunction(
        (n) => {
          const s = (window as unknown as { bsaViewer: { first: number; count: number } }).bsaViewer;
          return s.first + s.count > n;
        },
        before.first + before.count,
      );
      held = Math.max(held, await page.evaluate(() => document.querySelectorAll("section.question").length));
    }
    const perPage = (performance.now() - t2) / steps;
    const reached = await page.evaluate(() => {
      const s = (window as unknown as { bsaViewer: { first: number; count: number } }).bsaViewer;
      return s.first + s.count;
    });
    // And back to the top: the questions dropped on the way down are fetched again.
    await page.evaluate(() => scrollTo(0, 0));
    await page.waitForFunction(
      () => (window as unknown as { bsaViewer: { first: number } }).bsaViewer.first === 0,
      undefined,
      { timeout: 30_000 },
    ).catch(() => {});
    const backAtTop = await page.evaluate(() =>
      (window as unknown as { bsaViewer: { first: number } }).bsaViewer.first
    );
    const rss = _procMb(child.pid, "VmHWM");
    // Ten free-text searches, each a different query (no cache hit): each streams through both
    // files; the server's resident memory after them against before.
    const rssBefore = _procMb(child.pid, "VmRSS");
    const t3 = performance.now();
    let found = 0;
    for (let i = 0; i < 10; i++) {
      const res = await fetch(new URL(`/api/query?q=${encodeURIComponent(`risk ${i}`)}&offset=0&limit=4`, url));
      found += ((await res.json()) as { samples: number }).samples;
    }
    const perSearch = (performance.now() - t3) / 10 / 1000;
    const rssAfter = _procMb(child.pid, "VmRSS");
    return [
      {
        benchmark: "viewer",
        figure: `bsa view on 2,000 × 16 samples (${mb} MB, judged): start to address printed`,
        value: `${started.toFixed(2)} s`,
        target: "-",
        met: null,
      },
      {
        benchmark: "viewer",
        figure: "page open to the first samples drawn (scores strip)",
        value: `${opened.toFixed(2)} s (${withScores.toFixed(2)} s)`,
        target: "< 2 s",
        met: opened < 2,
      },
      {
        benchmark: "viewer",
        figure: `scrolling ${steps} pages down: time per page, questions held by the page`,
        value: `${(perPage / 1000).toFixed(2)} s, at most ${held} (reached question ${reached})`,
        target: "bounded",
        met: held <= 28,
      },
      {
        benchmark: "viewer",
        figure: "back to the top refetches the dropped questions; server peak RSS",
        value: `${backAtTop === 0 ? "yes" : `stopped at ${backAtTop}`}, ${rss.toFixed(0)} MB`,
        target: "-",
        met: backAtTop === 0 ? null : false,
      },
      {
        benchmark: "viewer",
        figure: "ten free-text searches: time per search; server RSS after them against before",
        value: `${perSearch.toFixed(2)} s (${found} hits); ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB (${
          (rssAfter / rssBefore).toFixed(2)
        }×)`,
        target: "RSS ≤ 1.2× before",
        met: rssAfter <= 1.2 * rssBefore,
      },
    ];
  } finally {
    await browser.close();
    child.kill();
    await child.status;
    await reader.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
  }
}

// A field of /proc/PID/status in MB (0 when it cannot be read).
function _procMb(pid: number, field: "VmHWM" | "VmRSS"): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
