import type { TopLevelSpec } from "vega-lite";
import { type FigureContext, FIGURES } from "../charts/figures.ts";
import { loadDataset } from "../dataset/load.ts";
import { type AuditFinding, auditPaper } from "../paper/audit.ts";
import { loadPaper } from "../paper/load.ts";
import { loadUserRuns, type UserRuns } from "../analysis/user_runs.ts";
import type { PrintSize } from "../charts/size.ts";
import { chart, md, type MimeBundle, show } from "./display.ts";

/**
 * Everything a notebook draws from: the paper's numbers, the dataset (BSA_DATASET or the
 * pinned download) and the user's runs (BSA_RUNS, or `runs`): null when none are given, no
 * scores but the reasons when every one given was skipped (show them with {@linkcode showRuns}).
 *
 * @param options `runs`: run folders (default: `BSA_RUNS`).
 * @returns The paper's tables, the dataset, and the runs' scores and warnings (null without runs).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { notebookContext } from "./context.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
 * const run = await judgedRun("m", 4);
 * const ctx = await notebookContext({ runs: [run, `${run}-missing`] });
 * assert(ctx.paper.main.numRows() > 0 && ctx.dataset !== undefined); // data/paper/ and BSA_DATASET
 * assert(ctx.runs!.scores.length === 1 && ctx.runs!.scores[0]["Safe@1"] === 40);
 * assert(ctx.runs!.warnings.some((w) => w.includes(`${run}-missing`))); // a skipped folder is said, not dropped
 * ```
 */
export async function notebookContext(
  options: { runs?: string[] } = {},
): Promise<FigureContext & { runs: UserRuns | null }> {
  const [paper, dataset, runs] = await Promise.all([loadPaper(), loadDataset(), loadUserRuns(options.runs)]);
  return { paper, dataset, runs };
}

/**
 * What a notebook says about the user's runs before anything else: which runs it overlays,
 * or that none was given, or that none of those given could be used, each with the loader's
 * warnings (runs skipped and why, partial coverage), so the paper alone is never shown silently.
 *
 * @param runs The user's runs (`ctx.runs`).
 * @returns Markdown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runsNote } from "./context.ts";
 * assert(runsNote(null).startsWith("No runs given"));
 * const skipped = { dirs: [], scores: [], tags: [], by: [], warnings: ["skipping runs/a: not judged yet"] };
 * assert.equal(runsNote(skipped), "**None of the runs given could be used**: the paper's numbers alone.\n- skipping runs/a: not judged yet");
 * ```
 */
export function runsNote(runs: UserRuns | null): string {
  if (!runs) return "No runs given (set BSA_RUNS to overlay yours): the paper's numbers alone.";
  const head = runs.dirs.length
    ? `Your runs: ${runs.dirs.join(", ")}`
    : "**None of the runs given could be used**: the paper's numbers alone.";
  return head + runs.warnings.map((w) => `\n- ${w}`).join("");
}

/**
 * The line a notebook cell shows where it would have shown the user's runs but has none:
 * none given, or none of those given usable (the first cell's {@linkcode runsNote} says why).
 *
 * @param runs The user's runs (`ctx.runs`), or just their folders.
 * @returns Markdown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noRunsNote } from "./context.ts";
 * assert.equal(noRunsNote(null), "*No runs given.*");
 * assert.equal(noRunsNote({ dirs: [] }), "*None of the runs given could be used: the note at the top says why.*");
 * ```
 */
export function noRunsNote(runs: { dirs: string[] } | null | undefined): string {
  return runs ? "*None of the runs given could be used: the note at the top says why.*" : "*No runs given.*";
}

/**
 * Show {@linkcode runsNote} as Markdown (the first cell of every notebook that overlays runs).
 *
 * @param runs The user's runs (`ctx.runs`).
 * @returns The Markdown bundle (outside a kernel; in one, it is displayed).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { showRuns } from "./context.ts";
 * const skipped = { dirs: [], scores: [], tags: [], by: [], warnings: ["skipping runs/a: not judged yet"] };
 * const bundle = await showRuns(skipped); // outside a Jupyter kernel the bundle comes back
 * assert(String(bundle["text/markdown"]).includes("skipping runs/a: not judged yet"));
 * ```
 */
export async function showRuns(runs: UserRuns | null): Promise<MimeBundle> {
  return await md(runsNote(runs));
}

/**
 * Draw one of the reproduction's figures by its file name, at its print size (the one
 * `deno task figures` uses) or at `options.size`, so it matches the exported file.
 *
 * @param name The figure's file name (a key of `FIGURES`).
 * @param ctx The paper's tables, dataset and runs.
 * @param options `size`: `column` or `full` (default: the figure's own).
 * @returns The chart's bundle, or a note when its data is absent.
 * @throws {Error} An unknown figure name (the message lists the known ones).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { figure } from "./context.ts";
 * import { loadPaper } from "../paper/load.ts";
 * const ctx = { paper: await loadPaper() };
 * const bundle = await figure("leaderboard_scatter", ctx, { size: "column" });
 * assert(String(bundle["image/svg+xml"]).startsWith("<svg") && "image/png" in bundle);
 * const note = await figure("query_lengths", ctx); // drawn from the dataset, absent here
 * assert(String(note["text/markdown"]).includes("needs the dataset"));
 * await assert.rejects(figure("no_such_figure", ctx), /unknown figure no_such_figure/);
 * ```
 */
export async function figure(
  name: string,
  ctx: FigureContext,
  options: { size?: PrintSize } = {},
): Promise<MimeBundle> {
  const f = FIGURES[name];
  if (!f) throw new Error(`unknown figure ${name}; known: ${Object.keys(FIGURES).join(", ")}`);
  const size = options.size ?? f.size;
  const spec: TopLevelSpec | null = f.build(ctx, size);
  if (!spec) return await md(`*${name} needs the dataset, which is not available.*`);
  return await chart(spec, { size });
}

/**
 * Show the audit findings that concern some of the paper's tables, or a note that there are none.
 *
 * @param paper The paper's tables.
 * @param tables The tables a notebook reproduces (e.g. `main`, `safetyRules`).
 * @returns The findings shown.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { auditFindings } from "./context.ts";
 * import { loadPaper } from "../paper/load.ts";
 * const findings = await auditFindings(await loadPaper(), ["main"]);
 * assert(findings.length > 0 && findings.every((f) => f.table === "main" || f.table === "cross-table"));
 * ```
 */
export async function auditFindings(paper: FigureContext["paper"], tables: string[]): Promise<AuditFinding[]> {
  const findings = auditPaper(paper).filter((f) =>
    tables.includes(f.table) ||
    (f.table === "cross-table" && tables.includes("main")) ||
    (f.table === "cross-table" && tables.some((t) =>
      f.note.toLowerCase().includes(t === "safetyRules" ? "safety-rules" : t === "star1" ? "star-1" : t)
    ))
  );
  if (findings.length) await show(findings as unknown as Record<string, unknown>[]);
  else await md(`The audit finds no inconsistency in the ${tables.join(", ")} table(s).`);
  return findings;
}
