/// <reference lib="dom" />
import { chromium } from "playwright-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { DATASET_CSV } from "../helpers/paths.ts";
import { chromiumPath, requires } from "../helpers/requires.ts";
import { notebookWorkspace } from "../helpers/workspace.ts";

/** Run `deno task reproduce` in a workspace copy; returns the process result. */
async function reproduceIn(dir: string, extraEnv: Record<string, string> = {}, args: string[] = []) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "reproduce", ...args],
    cwd: dir,
    env: { BSA_DATASET: DATASET_CSV, NO_COLOR: "1", ...extraEnv },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test({
  name:
    "deno task reproduce executes every notebook cleanly and writes figures and the report, which renders in a real browser",
  ...requires("jupyter", "chromium"),
}, async () => {
  await using ws = await notebookWorkspace();
  const r = await reproduceIn(ws.path);
  assertEquals(r.code, 0, r.stdout + r.stderr);
  const notebooks = [...Deno.readDirSync(`${ws.path}/notebooks`)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"))
    .sort();
  assertEquals(notebooks.length, 9);
  for (const n of notebooks) {
    assert(r.stdout.includes(`notebook ${n}: ok`), r.stdout);
    const nb = JSON.parse(await Deno.readTextFile(`${ws.path}/notebooks/${n}`));
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
    assert(
      code.every((c: { execution_count: number | null }) => typeof c.execution_count === "number"),
      `${n}: a cell did not run`,
    );
    const outputs = code.flatMap((c: { outputs: { output_type: string }[] }) => c.outputs);
    assert(!outputs.some((o: { output_type: string }) => o.output_type === "error"), `${n}: error output`);
    // Every chart leaves an interactive Vega-Lite bundle and static images for readers.
    const charts = outputs.filter((o: { data?: Record<string, unknown> }) =>
      o.data?.["application/vnd.vegalite.v5+json"]
    );
    for (const c of charts as { data: Record<string, unknown> }[]) {
      assert(c.data["image/svg+xml"] && c.data["image/png"], n);
    }
    // Slicing draws on request, samples are texts, judge validation has nothing to draw without labelled runs.
    const drawsNothing = ["07_slicing.ipynb", "08_samples.ipynb", "09_judge_validation.ipynb"];
    if (!drawsNothing.includes(n)) assert(charts.length >= 1, `${n}: no chart`);
  }
  for (
    const f of [
      "leaderboard_scatter",
      "safety_rules_radar",
      "decoding_QwQ-32B",
      "scaling_metrics",
      "dataset_composition",
    ]
  ) {
    for (const ext of ["svg", "png", "pdf"]) {
      assert((await Deno.stat(`${ws.path}/figures/${f}.${ext}`)).size > 1000, `${f}.${ext}`);
    }
  }
  const png = await Deno.readFile(`${ws.path}/figures/leaderboard_scatter.png`);
  const svg = await Deno.readTextFile(`${ws.path}/figures/leaderboard_scatter.svg`);
  // PNG width (bytes 16-19 of the IHDR chunk) is the SVG's print width in points at 300 dpi.
  const pngWidth = new DataView(png.buffer).getUint32(16);
  const widthPt = Number(/width="([\d.]+)pt"/.exec(svg)![1]);
  assert(Math.abs(pngWidth - (widthPt * 300) / 72) <= 1, `${pngWidth} px for ${widthPt} pt`);

  // The report in headless Chromium: every page loads without console errors, and every chart has drawn marks.
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname.replace(/^\/$/, "/index.html");
    try {
      return new Response(await Deno.readFile(`${ws.path}/out/report${path}`), {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()}`));
    const pages = [...Deno.readDirSync(`${ws.path}/out/report`)].map((e) => e.name).filter((n) => n.endsWith(".html"))
      .sort();
    assertEquals(pages.length, 10); // the index and one page per notebook
    let charts = 0;
    for (const p of pages) {
      const res = await page.goto(`http://127.0.0.1:${server.addr.port}/${p}`);
      assertEquals(res?.status(), 200, p);
      const counts = await page.evaluate(() =>
        [...document.querySelectorAll("figure.chart svg")].map((svg) => {
          const box = svg.getBoundingClientRect();
          return {
            marks: svg.querySelectorAll(
              "g[class*='mark-'] path, g[class*='mark-'] rect, g[class*='mark-'] line, g[class*='mark-'] text",
            ).length,
            w: box.width,
            h: box.height,
          };
        })
      );
      for (const c of counts) {
        assert(c.marks > 5 && c.w > 100 && c.h > 100, `${p}: chart without drawn marks ${JSON.stringify(c)}`);
      }
      charts += counts.length;
    }
    // Notebook 07 draws no chart without runs (it says scores need runs): 12 from the paper and dataset.
    assert(charts >= 12, `${charts} charts in the report`);
    assertEquals(problems, []);
  } finally {
    await browser.close();
    await server.shutdown();
  }
});

Deno.test({
  name: "the reproduction fails clearly when a notebook cell fails, and leaves that notebook unchanged",
  ...requires("jupyter"),
}, async () => {
  await using ws = await notebookWorkspace();
  const path = `${ws.path}/notebooks/02_leaderboard.ipynb`;
  const nb = JSON.parse(await Deno.readTextFile(path));
  nb.cells.push({
    cell_type: "code",
    id: "boom",
    execution_count: null,
    metadata: {},
    outputs: [],
    source: ["throw new Error('boom in a cell');"],
  });
  const broken = JSON.stringify(nb, null, 1);
  await Deno.writeTextFile(path, broken);
  const r = await reproduceIn(ws.path);
  assert(r.code !== 0);
  assert(
    r.stderr.includes("notebook notebooks/02_leaderboard.ipynb failed") && r.stderr.includes("boom in a cell"),
    r.stderr.slice(-2000),
  );
  assertEquals(await Deno.readTextFile(path), broken);
});

Deno.test({
  name: "a display cell that shows nothing is run again, then reported, and the notebook left unchanged",
  ...requires("jupyter"),
}, async () => {
  await using ws = await notebookWorkspace();
  const path = `${ws.path}/notebooks/07_slicing.ipynb`;
  const nb = JSON.parse(await Deno.readTextFile(path));
  // Calls something named show() that displays nothing: indistinguishable from a lost display.
  nb.cells.push({
    cell_type: "code",
    id: "silent",
    execution_count: null,
    metadata: {},
    outputs: [],
    source: ["const quiet = { show: (_: unknown) => undefined };\n", "quiet.show(1);"],
  });
  const text = JSON.stringify(nb, null, 1);
  await Deno.writeTextFile(path, text);
  const r = await reproduceIn(ws.path, {}, ["--only", "07_slicing"]);
  assert(r.code !== 0);
  assert(r.stdout.includes("showed nothing; running it again"), r.stdout);
  assert(r.stderr.includes(`cell(s) ${nb.cells.length - 1} showed nothing twice`), r.stderr.slice(-1000));
  assertEquals(await Deno.readTextFile(path), text);
});
