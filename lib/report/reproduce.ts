import { type ExportedFigure, exportFigures } from "../charts/export.ts";
import { FIGURES } from "../charts/figures.ts";
import { METRIC_ORDER } from "../metrics/metric_table.ts";
import { type Table, tableFromRows } from "../tables/model.ts";
import { collapseWarnings } from "../warnings.ts";
import type { UserRuns } from "../analysis/user_runs.ts";
import { indexHtml } from "./index_page.ts";
import { loadDataset } from "../dataset/load.ts";
import { BsaError, NotebooksUnavailableError, UnknownNotebookError } from "../errors.ts";
import { writeAtomic } from "../fs.ts";
import { loadPaper } from "../paper/load.ts";
import { loadUserRuns } from "../analysis/user_runs.ts";
import { JUPYTER_INSTALL, jupyterProblem } from "./jupyter.ts";
import { notebookToHtml } from "./notebook_html.ts";
import { writeTables, type WrittenTables } from "./tables.ts";

/**
 * Whether {@linkcode reproduce} executes the notebooks: `"auto"` when Jupyter with the Deno
 * kernel is present (else their saved outputs are used, and said so), `"require"` always
 * (failing without Jupyter), `"skip"` never.
 */
export type NotebookMode = "auto" | "require" | "skip";

/** What {@linkcode reproduce} wrote. */
export interface ReproduceResult {
  /** The tables: `reproduction.md` and its JSON beside it. */
  tables: {
    markdown: string;
    /** Dataset statistics that agree with the paper's, of all compared. */
    statsAgree: number;
    statsTotal: number;
    auditFindings: number;
    /** The paper's tables as LaTeX and CSV (`tables/NAME.tex`, `tables/NAME.csv`). */
    files: string[];
  };
  /** Every figure file written (svg, png, pdf). */
  figures: string[];
  /** Figures rendered (each as three files). */
  figureCount: number;
  /** Notebooks executed in place (empty when they were not). */
  executed: string[];
  /**
   * Set when the notebooks were not executed: the one plain sentence saying so, why, what the
   * report shows instead and how to execute them.
   */
  notExecuted?: string;
  /** The report's index page. */
  report: string;
  /** Warnings about the user's runs (`BSA_RUNS`): skipped folders, partial coverage. */
  warnings: string[];
  seconds: number;
}

/** Where the reproduction reads and writes. */
export interface ReproduceOptions {
  /** Tables folder (default `out/reproduce`). */
  tablesDir?: string;
  /** Folder of the notebooks, executed in place (default `notebooks`). */
  notebooksDir?: string;
  /** Figures folder (default `figures`). */
  figuresDir?: string;
  /** HTML report folder (default `out/report`). */
  reportDir?: string;
  /** Only these notebooks are executed (file stems such as `02_leaderboard`); the report has all. */
  only?: string[];
  /** Whether to execute the notebooks (default `"auto"`). */
  notebooks?: NotebookMode;
  /** Per-cell timeout in seconds (default 600). */
  timeout?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** Execute one notebook headlessly into `outDir`; returns the executed notebook's text. */
async function _execute(nbDir: string, name: string, outDir: string, timeout: number): Promise<string> {
  const out = await new Deno.Command("jupyter", {
    args: [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      `--ExecutePreprocessor.timeout=${timeout}`,
      "--ExecutePreprocessor.kernel_name=deno",
      "--ExecutePreprocessor.record_timing=False",
      "--output-dir",
      outDir,
      name,
    ],
    cwd: nbDir,
    stdout: "piped",
    stderr: "piped",
    env: { PYDEVD_DISABLE_FILE_VALIDATION: "1" },
  }).output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr);
    const at = err.lastIndexOf("CellExecutionError");
    const cell = err.slice(at >= 0 ? at : Math.max(0, err.length - 3000));
    throw new BsaError(`notebook ${nbDir}/${name} failed; it was left unchanged:\n${cell.trim()}`);
  }
  return await Deno.readTextFile(`${outDir}/${name}`);
}

/**
 * Indices of code cells that call a display helper (`show`, `chart`, `figure`, `md`, `slice`,
 * `auditFindings`) yet have no output: a display lost on the way from the kernel.
 *
 * @param nb The notebook.
 * @returns The indices of those cells.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { silentDisplayCells } from "./reproduce.ts";
 * const nb = { cells: [{ cell_type: "code", source: "await show(t);", outputs: [] }, { cell_type: "code", source: "const x = 1;", outputs: [] }] };
 * assert.deepEqual(silentDisplayCells(nb), [0]);
 * ```
 */
export function silentDisplayCells(
  nb: { cells: { cell_type: string; source: string | string[]; outputs?: unknown[] }[] },
): number[] {
  const displays = /\b(show|chart|figure|md|slice|auditFindings)\(/;
  return nb.cells.flatMap((c, i) => {
    const src = Array.isArray(c.source) ? c.source.join("") : c.source;
    return c.cell_type === "code" && displays.test(src) && !(c.outputs ?? []).length ? [i] : [];
  });
}

function _notExecutedMessage(why: string, runs: boolean, turnedOff: boolean): string {
  return `notebooks: not re-executed, because ${why}; the report shows the outputs saved in the notebooks` +
    (runs ? " (the paper alone: your BSA_RUNS are in the tables and figures only)" : "") +
    // Install advice only when Jupyter is what is missing, not when execution was turned off.
    (turnedOff
      ? ""
      : `. To execute them, install Jupyter with the Deno kernel and run this again (${JUPYTER_INSTALL})`) +
    `.`;
}

/**
 * The main job, with Deno alone: write the tables, render every figure, execute the notebooks
 * headlessly on the Deno kernel in place when Jupyter is present (see {@linkcode NotebookMode};
 * fails on the first cell error, leaving that notebook unchanged), and write an HTML report
 * with one page per notebook and an index, from the notebooks' saved outputs.
 *
 * @param o Output folders, which notebooks, notebook mode, runs, and where to log.
 * @returns What was written, and the notebooks executed or why not.
 * @throws {NotebooksUnavailableError} `notebooks: "require"` without Jupyter.
 * @throws {UnknownNotebookError} `only` names a notebook the folder does not hold.
 * @throws {BsaError} A notebook cell fails.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reproduce } from "./reproduce.ts";
 * const out = await Deno.makeTempDir(); // tables, figures and report here; notebooks read, not executed
 * const r = await reproduce({
 *   tablesDir: `${out}/tables`, figuresDir: `${out}/figures`, reportDir: `${out}/report`, notebooks: "skip",
 * });
 * assert(r.executed.length === 0 && r.notExecuted !== undefined); // says plainly the notebooks were not run
 * assert(r.figures.length === 3 * r.figureCount && r.report === `${out}/report/index.html`);
 * assert(r.tables.statsAgree === r.tables.statsTotal && r.tables.auditFindings > 0); // the paper's own numbers
 * ```
 */
export async function reproduce(o: ReproduceOptions = {}): Promise<ReproduceResult> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const nbDir = o.notebooksDir ?? "notebooks";
  const figuresDir = o.figuresDir ?? "figures";
  const reportDir = o.reportDir ?? "out/report";
  const tablesDir = o.tablesDir ?? "out/reproduce";
  const mode = o.notebooks ?? "auto";
  // Decided before anything is written, so that a required execution fails with nothing changed.
  const jupyter = mode === "skip" ? "notebook execution was turned off" : jupyterProblem();
  if (mode === "require" && jupyter) throw new NotebooksUnavailableError(jupyter, JUPYTER_INSTALL);
  const all = _notebookNames(nbDir);
  const names = o.only ? all.filter((n) => o.only!.includes(n.replace(/\.ipynb$/, ""))) : all;
  if (o.only) {
    const unknown = o.only.filter((s) => !all.includes(`${s}.ipynb`));
    if (unknown.length) {
      throw new UnknownNotebookError(unknown, nbDir, all);
    }
  }

  const ctx = { paper: await loadPaper(), dataset: await loadDataset(), runs: await loadUserRuns() };
  const written = await writeTables(tablesDir, ctx.paper, ctx.dataset);
  const { stats, audit } = written;
  log(
    `tables: ${tablesDir}/reproduction.md (dataset statistics: ${
      stats.filter((s) => s.agrees).length
    } of ${stats.length} agree with the paper; audit: ${audit.length} findings); ` +
      `LaTeX and CSV: ${tablesDir}/tables/`,
  );
  const figures = await exportFigures(ctx, figuresDir);
  log(`figures: ${figures.length} written to ${figuresDir}/ (svg, png, pdf)`);

  let notExecuted: string | undefined;
  if (jupyter) {
    notExecuted = _notExecutedMessage(jupyter, (ctx.runs?.dirs.length ?? 0) > 0, mode === "skip");
    log(notExecuted);
  } else {
    await _executeAll(nbDir, names, o.timeout ?? 600, log);
  }

  await _writeReport(nbDir, all, reportDir, {
    figuresDir,
    tablesDir,
    figures,
    tables: written,
    runs: ctx.runs,
    notExecuted,
  });
  log(`report: ${reportDir}/index.html`);
  return {
    tables: {
      markdown: `${tablesDir}/reproduction.md`,
      statsAgree: stats.filter((s) => s.agrees).length,
      statsTotal: stats.length,
      auditFindings: audit.length,
      files: written.files,
    },
    figures: figures.flatMap((f) => f.files),
    figureCount: figures.length,
    executed: jupyter ? [] : names.map((n) => `${nbDir}/${n}`),
    notExecuted,
    report: `${reportDir}/index.html`,
    warnings: ctx.runs?.warnings ?? [],
    seconds: (performance.now() - t0) / 1000,
  };
}

function _notebookNames(nbDir: string): string[] {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(nbDir)];
  } catch (err) {
    throw new BsaError(`cannot read the notebooks folder ${nbDir}/: ${(err as Error).message}`);
  }
  const all = entries.map((e) => e.name).filter((n) => n.endsWith(".ipynb") && !n.startsWith("_")).sort();
  if (!all.length) throw new BsaError(`no notebook in ${nbDir}/`);
  return all;
}

async function _executeAll(nbDir: string, names: string[], timeout: number, log: (s: string) => void) {
  const tmp = await Deno.makeTempDir({ prefix: "bsa-notebooks-" });
  try {
    for (const name of names) {
      const t = performance.now();
      let executed = await _execute(nbDir, name, tmp, timeout);
      let silent = silentDisplayCells(JSON.parse(executed));
      if (silent.length) {
        // A display lost between kernel and client (a known race in headless execution): run once more.
        log(`notebook ${name}: cell(s) ${silent.join(", ")} showed nothing; running it again`);
        executed = await _execute(nbDir, name, tmp, timeout);
        silent = silentDisplayCells(JSON.parse(executed));
        if (silent.length) {
          throw new BsaError(
            `notebook ${nbDir}/${name}: cell(s) ${silent.join(", ")} showed nothing twice; it was left unchanged`,
          );
        }
      }
      // Replace the notebook only once it ran through: never a half-executed notebook in place.
      await writeAtomic(`${nbDir}/${name}`, executed);
      log(`notebook ${name}: ok (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** What the report's index shows beside the notebook pages. */
interface _IndexInputs {
  figuresDir: string;
  tablesDir: string;
  figures: ExportedFigure[];
  tables: WrittenTables;
  runs: UserRuns | null;
  notExecuted?: string;
}

/** The user's runs scored, as a table: the grouping, then each metric in the paper's order with its interval. */
function _runsTable(runs: UserRuns): Table {
  const present = new Set(runs.scores.flatMap((r) => Object.keys(r)));
  const metrics = METRIC_ORDER.filter((m) => present.has(m));
  return tableFromRows(runs.scores, {
    columns: [...runs.by, ...metrics.flatMap((m) => [m, `${m}_lo`, `${m}_hi`]).filter((c) => present.has(c))],
    numbers: METRIC_ORDER,
    best: METRIC_ORDER,
    title: `${runs.dirs.length} run(s) from BSA_RUNS, scored with 95% bootstrap intervals`,
  });
}

async function _writeReport(nbDir: string, all: string[], reportDir: string, o: _IndexInputs) {
  await Deno.mkdir(`${reportDir}/figures`, { recursive: true });
  const pages = all.map((n) => ({
    href: `${n.replace(/\.ipynb$/, "")}.html`,
    label: n.replace(/\.ipynb$/, "").replace(/^\d+_/, "").replace(/_/g, " "),
  }));
  const nav = [{ href: "index.html", label: "index" }, ...pages];
  for (const [i, n] of all.entries()) {
    const nb = JSON.parse(await Deno.readTextFile(`${nbDir}/${n}`));
    await writeAtomic(`${reportDir}/${pages[i].href}`, notebookToHtml(nb, `BSA reproduction: ${pages[i].label}`, nav));
  }
  // The figures are copied beside the index, so the report folder opens (and moves) on its own.
  const figures = [];
  for (const f of o.figures) {
    const files: Partial<Record<"svg" | "png" | "pdf", string>> = {};
    for (const path of f.files) {
      const ext = path.slice(path.lastIndexOf(".") + 1) as "svg" | "png" | "pdf";
      const base = path.slice(path.lastIndexOf("/") + 1);
      await Deno.copyFile(path, `${reportDir}/figures/${base}`);
      files[ext] = `figures/${base}`;
    }
    figures.push({ name: f.name, title: FIGURES[f.name]?.title ?? f.name.replace(/_/g, " "), files });
  }
  const index = indexHtml({
    headline: o.tables.tables.leaderboard,
    runs: o.runs?.dirs.length ? _runsTable(o.runs) : undefined,
    audit: o.tables.audit,
    auditTable: o.tables.tables.audit,
    stats: { agree: o.tables.stats.filter((s) => s.agrees).length, total: o.tables.stats.length },
    figures,
    pages,
    notExecuted: o.notExecuted,
    warnings: collapseWarnings(o.runs?.warnings ?? []).map((w) => w.line),
    figuresDir: o.figuresDir,
    tablesDir: o.tablesDir,
  }, nav);
  await writeAtomic(`${reportDir}/index.html`, index);
}
