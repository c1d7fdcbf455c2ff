import type { TopLevelSpec } from "vega-lite";
import { type FigureContext, FIGURES } from "../charts/figures.ts";
import { loadDataset } from "../dataset/load.ts";
import { type AuditFinding, auditPaper } from "../paper/audit.ts";
import { loadPaper } from "../paper/load.ts";
import { loadUserRuns } from "../analysis/user_runs.ts";
import type { PrintSize } from "../charts/size.ts";
import { chart, md, type MimeBundle, show } from "./display.ts";

/**
 * Everything a notebook draws from: the paper's numbers, the dataset (BSA_DATASET or the
 * pinned download) and the user's runs (BSA_RUNS, or `runs`), which are null without any.
 *
 * @example
 * ```ts ignore
 * const ctx = await notebookContext();
 * ```
 */
export async function notebookContext(
  options: { runs?: string[] } = {},
): Promise<FigureContext & { runs: Awaited<ReturnType<typeof loadUserRuns>> }> {
  const [paper, dataset, runs] = await Promise.all([loadPaper(), loadDataset(), loadUserRuns(options.runs)]);
  return { paper, dataset, runs };
}

/**
 * Draw one of the reproduction's figures by its file name, at its print size (the one
 * `deno task figures` uses) or at `options.size`, so it matches the exported file.
 *
 * @example
 * ```ts ignore
 * await figure("leaderboard_scatter", ctx);
 * await figure("star1_change", ctx, { size: "column" });
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
 * @example
 * ```ts ignore
 * await auditFindings(ctx.paper, ["main"]);
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
