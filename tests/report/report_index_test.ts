/// <reference lib="dom" />
import { chromium } from "playwright-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { cliEnv, DATASET_CSV, generateAndJudge, idsOfEveryScenario, runCli, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { chromiumPath, requires } from "../helpers/requires.ts";
import { parseCsv } from "../../lib/csv/parse.ts";
import { reproduce } from "../../lib/report/reproduce.ts";

const NUMBER_CELL = /^(–|-?\d+\.\d{2}( \[-?\d+\.\d{2}, -?\d+\.\d{2}\])?)$/;

Deno.test({
  name:
    "the report's index opens on the results: headline table, your runs, audit findings, figures as thumbnails that open full size with downloads (Chromium)",
  ...requires("chromium"),
}, async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  const ids = await idsOfEveryScenario(dir.path, 6);
  {
    await using server = startFakeOpenAI();
    for (const cond of ["base", "rules"]) {
      await generateAndJudge(server.url, `${dir.path}/runs/${cond}`, {
        model: "m-mixed",
        k: 2,
        limit: 18,
        run: ["--ids", ids, "--tag", `condition=${cond}`, ...(cond === "rules" ? ["--safety-rules"] : [])],
      }, env);
    }
  }
  const cli = JSON.parse(
    (await runCli(["score", "--run", `${dir.path}/runs/base`, "--run", `${dir.path}/runs/rules`, "--json"], env))
      .stdout,
  ) as Record<string, number | string | null>[];
  const before = Deno.env.get("BSA_RUNS");
  Deno.env.set("BSA_RUNS", `${dir.path}/runs`);
  Deno.env.set("BSA_DATASET", DATASET_CSV);
  let r;
  try {
    r = await reproduce({
      tablesDir: `${dir.path}/out/tables`,
      figuresDir: `${dir.path}/figures`,
      reportDir: `${dir.path}/out/report`,
      notebooks: "skip",
    });
  } finally {
    if (before === undefined) Deno.env.delete("BSA_RUNS");
    else Deno.env.set("BSA_RUNS", before);
  }
  const report = `${dir.path}/out/report`;
  const types: Record<string, string> = { svg: "image/svg+xml", png: "image/png", pdf: "application/pdf" };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname.replace(/^\/$/, "/index.html");
    try {
      const ext = path.slice(path.lastIndexOf(".") + 1);
      return new Response(await Deno.readFile(`${report}${decodeURIComponent(path)}`), {
        headers: { "content-type": types[ext] ?? "text/html; charset=utf-8" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()}`));
    const base = `http://127.0.0.1:${server.addr.port}`;
    await page.goto(`${base}/index.html`, { waitUntil: "networkidle" });

    // The headline table: the leaderboard, cell for cell the CSV that reproduce wrote for a paper.
    const cells = (section: string) =>
      page.evaluate(
        (s) =>
          [...document.querySelectorAll(`#${s} table.bsa-table tbody tr`)].map((tr) =>
            [...tr.querySelectorAll("td")].map((td) => ({
              text: td.textContent ?? "",
              num: td.classList.contains("num"),
            }))
          ),
        section,
      );
    const headline = await cells("headline");
    assertEquals(headline.length, 23);
    const csv =
      parseCsv(await Deno.readTextFile(`${dir.path}/out/tables/tables/leaderboard.csv`), { source: "csv" }).table;
    const names = csv.columnNames();
    for (const [i, row] of (csv.objects() as Record<string, string>[]).entries()) {
      assertEquals(headline[i].map((c) => c.text), names.map((n) => row[n] || "–"), `row ${i + 1}`);
    }
    // Numbers formatted as the CLI formats them: two decimals everywhere, "–" for not given.
    for (const c of headline.flat().filter((c) => c.num && !/^\d+$/.test(c.text))) {
      assert(NUMBER_CELL.test(c.text), c.text);
    }

    // The user's runs, with the numbers `bsa score` prints, intervals beside them.
    const runs = await cells("runs");
    assertEquals(runs.length, 2);
    const header = await page.evaluate(() =>
      [...document.querySelectorAll("#runs table.bsa-table thead th")].map((th) => th.textContent)
    );
    for (const [i, row] of runs.entries()) {
      const cond = row[header.indexOf("condition")].text;
      const want = cli.find((x) => x.condition === cond)!;
      for (const m of ["Safe@1", "Think@1", "RO@1"]) {
        const text = row[header.indexOf(m)].text;
        assert(NUMBER_CELL.test(text), text);
        assertEquals(text.split(" ")[0], (want[m] as number).toFixed(2), `${cond} ${m} (row ${i + 1})`);
      }
    }
    const body = await page.evaluate(() => document.body.innerText);
    assert(!body.includes("NaN") && !/\bundefined\b/.test(body), "no NaN or undefined on the page");

    // The audit's findings: the heading's count, and the summary adds up to it.
    const auditHead = await page.textContent("#audit h2");
    assert(auditHead!.includes(`${r.tables.auditFindings} printed values disagree`), auditHead!);
    const counted = await page.evaluate(() =>
      [...document.querySelectorAll("#audit li strong")].reduce((n, s) => n + Number(s.textContent), 0)
    );
    assertEquals(counted, r.tables.auditFindings);

    // Every figure as a loaded thumbnail; one opens full size and closes again; its downloads are there.
    const thumbs = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLImageElement>("#figures img.thumb")].map((img) => ({
        src: img.getAttribute("src"),
        loaded: img.complete && img.naturalWidth > 0,
        width: img.getBoundingClientRect().width,
      }))
    );
    assertEquals(thumbs.length, r.figureCount);
    await page.evaluate(() => document.querySelectorAll("img").forEach((i) => (i.loading = "eager")));
    await page.waitForLoadState("networkidle");
    for (const t of thumbs) assert(t.width > 200, `${t.src}: thumbnail ${t.width} px wide`);
    const first = page.locator("#figures figure.fig a[href^='#fig-']").first();
    const target = await first.getAttribute("href");
    assert(!(await page.locator(`${target} img.full`).isVisible()), "closed before the click");
    await first.click();
    const full = await page.locator(`${target} img.full`).boundingBox();
    assert(full && full.width > 2 * thumbs[0].width, `full size ${full?.width} px vs thumbnail ${thumbs[0].width} px`);
    await page.locator(`${target} .bar a[href='#figures']`).click();
    assert(!(await page.locator(`${target} img.full`).isVisible()), "closed again");
    const downloads = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLAnchorElement>("#figures figure.fig .dl a[download]")].map((a) =>
        a.getAttribute("href")!
      )
    );
    assertEquals(downloads.length, 3 * r.figureCount);
    for (const href of downloads) {
      const res = await fetch(`${base}/${href}`);
      const bytes = (await res.arrayBuffer()).byteLength;
      assert(res.ok && bytes > 1000, `${href}: ${res.status}, ${bytes} bytes`);
    }
    const loaded = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLImageElement>("#figures img")].every((i) => i.complete && i.naturalWidth > 0)
    );
    assert(loaded, "every figure image loads");
    assertEquals(problems, []);
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
