/// <reference lib="dom" />
/**
 * Run metadata is hostile text: notebooks 07 and 08, executed on runs whose model name, tag
 * values, folder path and texts hold markup, rendered by nbconvert's HTML exporter (what GitHub,
 * nbviewer and shared HTML copies show) and by the report, run no script in Chromium, and show
 * the payloads as text.
 */
import { chromium } from "playwright-core";
import { assert, assertEquals } from "../helpers/assert.ts";
import { DATASET_CSV } from "../helpers/paths.ts";
import { chromiumPath, requires } from "../helpers/requires.ts";
import { notebookWorkspace } from "../helpers/workspace.ts";
import { reasoningVerdicts, writeViewerRun } from "../helpers/viewer_runs.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import { rows } from "../../lib/table.ts";
import { notebookToHtml } from "../../lib/report/notebook_html.ts";

/** Each payload sets `window.__xss` (to a different value) if it ever runs. */
const PAYLOAD = {
  model: `m<img src=x onerror="window.__xss='model'">`,
  tag: `<script>window.__xss='tag'</script>`,
  tag2: `x" onmouseover="window.__xss='attr'`,
  // A folder name cannot hold '/' and BSA_RUNS separates paths by ',' and ':'.
  path: `r<svg onload=window.__xss=1>`,
  answer: `<iframe srcdoc="<script>parent.__xss='answer'</script>"></iframe>[x](javascript:window.__xss='link')`,
  reasoning: "`` <img src=x onerror=window.__xss='reasoning'> ``` <b>",
};

async function _executeToHtml(ws: string, name: string, env: Record<string, string>): Promise<string> {
  const out = await new Deno.Command("jupyter", {
    args: [
      ...["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=deno"],
      ...["--ExecutePreprocessor.timeout=600", "--output-dir", `${ws}/executed`, name],
    ],
    cwd: `${ws}/notebooks`,
    env: { PYDEVD_DISABLE_FILE_VALIDATION: "1", NO_COLOR: "1", BSA_DATASET: DATASET_CSV, ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr).slice(-3000));
  const html = await new Deno.Command("jupyter", {
    args: ["nbconvert", "--to", "html", "--output-dir", `${ws}/html`, `${ws}/executed/${name}`],
    env: { PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(html.success, new TextDecoder().decode(html.stderr).slice(-3000));
  return await Deno.readTextFile(`${ws}/executed/${name}`);
}

Deno.test({
  name:
    "notebooks 07 and 08 on runs with markup in model, tags, path and texts: no script runs in nbconvert HTML or the report",
  ...requires("jupyter", "chromium"),
}, async () => {
  await using ws = await notebookWorkspace();
  const ds = await loadDataset({ path: DATASET_CSV });
  const all = rows<{ id: string; scenario: string }>(ds.questions.select("id", "scenario"));
  const questions = ["Risk Omission", "Cognitive Shortcut", "Over Sensitivity"].flatMap((s) =>
    all.filter((q) => q.scenario === s).slice(0, 3)
  );
  const run = `${ws.path}/runs/${PAYLOAD.path}`;
  await writeViewerRun(run, {
    model: PAYLOAD.model,
    k: 2,
    tags: { condition: PAYLOAD.tag, note: PAYLOAD.tag2 },
    questions,
    // Sample 0: safe with reasoning that misses the risk (the cell 08 shows), sample 1 unsafe.
    sample: (q, s) => ({
      answer: PAYLOAD.answer,
      reasoning: PAYLOAD.reasoning,
      verdicts: s === 0
        ? { answer: "Safe", reasoning: reasoningVerdicts(q.scenario).wrong }
        : { answer: "Unsafe", reasoning: reasoningVerdicts(q.scenario).right },
    }),
  });
  const env = { BSA_RUNS: run };
  const executed: Record<string, string> = {};
  for (const name of ["07_slicing.ipynb", "08_samples.ipynb"]) {
    executed[name] = await _executeToHtml(ws.path, name, env);
  }
  // The report's page of each executed notebook.
  for (const [name, text] of Object.entries(executed)) {
    await Deno.writeTextFile(`${ws.path}/html/report-${name}.html`, notebookToHtml(JSON.parse(text), name, []));
  }
  // The payloads reached the outputs (else the test proves nothing).
  const outputs = Object.values(executed).join("\n");
  for (const p of ["m<img", "r<svg", "window.__xss='tag'", "onerror=window.__xss='reasoning'"]) {
    assert(outputs.includes(p.replace(/</g, "&lt;")) || outputs.includes(p), `payload ${p} not in the outputs`);
  }

  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--headless", "--no-sandbox"] });
  try {
    const pages = [...Deno.readDirSync(`${ws.path}/html`)].map((e) => e.name).filter((n) => n.endsWith(".html"));
    assertEquals(pages.length, 4, pages.join(", "));
    for (const p of pages) {
      const page = await browser.newPage();
      const dialogs: string[] = [], blocked: string[] = [];
      page.on("dialog", (d) => (dialogs.push(d.message()), d.dismiss()));
      page.on("console", (m) => /Content Security Policy/i.test(m.text()) && blocked.push(m.text()));
      // Offline: nbconvert's page asks for MathJax and RequireJS from a CDN, which fail here.
      await page.route(/^https?:/, (route) => route.abort());
      await page.goto(`file://${ws.path}/html/${p}`, { waitUntil: "load" });
      await page.mouse.move(200, 200);
      await page.waitForTimeout(300);
      const seen = await page.evaluate(() => ({
        xss: (window as unknown as { __xss?: unknown }).__xss ?? null,
        text: document.body.innerText,
        injected: document.querySelectorAll(
          "img[src='x'], iframe, svg[onload], [onmouseover], a[href^='javascript']",
        ).length,
      }));
      assertEquals(seen.xss, null, `${p}: a payload ran`);
      assertEquals(dialogs, [], p);
      assertEquals(seen.injected, 0, `${p}: a payload became an element`);
      // The report's policy blocks nothing of its own (charts, tables, the icon): escaping kept the payloads out.
      if (p.startsWith("report-")) assertEquals(blocked, [], p);
      // The payloads are on screen as text.
      assert(seen.text.includes("m<img src=x onerror="), `${p}: the model name is not shown as text`);
      if (p.includes("08")) assert(seen.text.includes("<iframe srcdoc="), `${p}: the answer is not shown as text`);
    }
  } finally {
    await browser.close();
  }
});
