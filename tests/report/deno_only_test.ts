import { assert, assertEquals } from "../helpers/assert.ts";
import { FIGURES } from "../../lib/charts/figures.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { cliEnv, DATASET_CSV, generateAndJudge, idsOfEveryScenario, ROOT, runCli } from "../helpers/paths.ts";
import { runDenoOnly } from "../helpers/requires.ts";
import { notebookWorkspace } from "../helpers/workspace.ts";

/**
 * `deno task reproduce` in `dir` as on a machine with only Deno: a clean environment whose PATH
 * holds nothing but `deno` (so no jupyter, python or chromium), and the dataset via BSA_DATASET.
 */
function reproduceDenoOnly(dir: string, args: string[] = [], extraEnv: Record<string, string> = {}) {
  return runDenoOnly(["task", "reproduce", ...args], dir, { BSA_DATASET: DATASET_CSV, NO_COLOR: "1", ...extraEnv });
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

const NOTEBOOKS = [...Deno.readDirSync(`${ROOT}notebooks`)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"))
  .sort();

Deno.test("with Jupyter hidden from PATH, deno task reproduce writes every table, figure and report page from the saved notebooks, says once that they were not re-executed, and exits 0", async () => {
  await using ws = await notebookWorkspace();
  const r = await reproduceDenoOnly(ws.path);
  assertEquals(r.code, 0, r.stdout + r.stderr);
  const said = r.stdout + r.stderr;
  assertEquals(said.split("not re-executed").length - 1, 1, said);
  assert(/not re-executed, because jupyter nbconvert is not installed/.test(r.stdout), r.stdout);
  assert(r.stdout.includes("deno jupyter --install") && r.stdout.includes("--notebooks"), r.stdout);
  assert(!said.includes("BSA_RUNS"), "no BSA_RUNS, so no word about them");

  const md = await Deno.readTextFile(`${ws.path}/out/reproduce/reproduction.md`);
  assert(md.includes("## Dataset statistics") && md.includes("## Leaderboard") && md.includes("## Audit"), md);
  for (const f of ["dataset_stats.json", "paper_audit.json"]) {
    assert(JSON.parse(await Deno.readTextFile(`${ws.path}/out/reproduce/${f}`)).length > 0, f);
  }
  // The paper's tables for a paper, in both forms (their form and content: tests/report/tables_test.ts).
  for (const t of ["leaderboard", "safety_rules", "star1", "audit", "dataset_stats"]) {
    const tex = await Deno.readTextFile(`${ws.path}/out/reproduce/tables/${t}.tex`);
    assert(tex.includes("\\begin{tabular}") && tex.includes("\\bottomrule"), t);
    assert((await Deno.readTextFile(`${ws.path}/out/reproduce/tables/${t}.csv`)).split("\n").length > 3, t);
  }
  assert(r.stdout.includes("LaTeX and CSV: out/reproduce/tables/"), r.stdout);
  const names = Object.keys(FIGURES);
  assert(names.length >= 10, names.join());
  for (const name of names) {
    for (const ext of ["svg", "png", "pdf"]) {
      assert((await Deno.stat(`${ws.path}/figures/${name}.${ext}`)).size > 1000, `${name}.${ext}`);
    }
  }
  const index = await Deno.readTextFile(`${ws.path}/out/report/index.html`);
  // The index opens on the results (tested in Chromium in report_index_test.ts).
  assert(index.includes('<section id="headline">') && index.includes('<section id="audit">'), "headline and audit");
  for (const n of NOTEBOOKS) {
    const page = n.replace(/\.ipynb$/, ".html");
    assert(index.includes(`href="${page}"`), `index links ${page}`);
    const html = await Deno.readTextFile(`${ws.path}/out/report/${page}`);
    // The saved outputs made it into the page (charts, tables, Markdown displays), not only the source.
    assert(/<(figure class="chart"|div class="table"|div class="md")>/.test(html), `${page} shows the outputs`);
    // Not re-executed means untouched.
    assertEquals(
      await Deno.readTextFile(`${ws.path}/notebooks/${n}`),
      await Deno.readTextFile(`${ROOT}notebooks/${n}`),
    );
  }
});

Deno.test("with --notebooks and no Jupyter, deno task reproduce fails clearly before writing anything", async () => {
  await using ws = await notebookWorkspace();
  const r = await reproduceDenoOnly(ws.path, ["--notebooks"]);
  assertEquals(r.code, 1, r.stdout + r.stderr);
  assert(
    r.stderr.includes(
      "error: --notebooks: the notebooks cannot be executed, because jupyter nbconvert is not installed",
    ),
    r.stderr,
  );
  assert(r.stderr.includes("deno jupyter --install"), r.stderr);
  assert(!/\n\s+at /.test(r.stderr), `no stack trace: ${r.stderr}`);
  assert(!(await exists(`${ws.path}/out`)) && !(await exists(`${ws.path}/figures`)), "nothing written");
});

Deno.test("--no-notebooks keeps BSA_RUNS: the figures overlay the runs, and the notice says the notebooks show the paper alone", async () => {
  await using ws = await notebookWorkspace();
  const server = startFakeOpenAI();
  const env = cliEnv(`${ws.path}/cache`);
  // Every scenario, so that Think (which weights all three) is given and the runs are drawn.
  const ids = await idsOfEveryScenario(ws.path, 10);
  try {
    await generateAndJudge(server.url, `${ws.path}/runs/mine`, {
      model: "m-mixed",
      k: 2,
      limit: 30,
      run: ["--ids", ids, "--tag", "paper_model=QwQ-32B", "--tag", "params_b=32"],
    }, env);
  } finally {
    await server.close();
  }
  // Jupyter may well be installed here: --no-notebooks must not use it either way.
  const r = await reproduceDenoOnly(ws.path, ["--no-notebooks"], { BSA_RUNS: `${ws.path}/runs` });
  assertEquals(r.code, 0, r.stdout + r.stderr);
  assert(r.stdout.includes("not re-executed, because notebook execution was turned off"), r.stdout);
  assert(!r.stdout.includes("install Jupyter"), "no install advice when execution was turned off on purpose");
  assert(r.stdout.includes("--notebooks makes their execution required."), r.stdout);
  assert(r.stdout.includes("your BSA_RUNS are in the tables and figures only"), r.stdout);
  assert((await Deno.readTextFile(`${ws.path}/figures/leaderboard_scatter.svg`)).includes("m-mixed"));
  assert((await Deno.readTextFile(`${ws.path}/figures/scaling_metrics.svg`)).includes("m-mixed"));
  for (const n of NOTEBOOKS) {
    assertEquals(
      await Deno.readTextFile(`${ws.path}/notebooks/${n}`),
      await Deno.readTextFile(`${ROOT}notebooks/${n}`),
    );
  }
});

Deno.test("reproduce rejects --notebooks with --no-notebooks, and an --only naming no notebook", async () => {
  const both = await runCli(["reproduce", "--notebooks", "--no-notebooks"]);
  assertEquals(both.code, 2);
  assert(both.stderr.includes("--notebooks and --no-notebooks"), both.stderr);
  await using ws = await notebookWorkspace();
  const r = await reproduceDenoOnly(ws.path, ["--only", "02_leaderbord"]);
  assertEquals(r.code, 1);
  assert(r.stderr.includes("--only: no notebook 02_leaderbord in notebooks/"), r.stderr);
  assert(!(await exists(`${ws.path}/out`)), "nothing written");
});
