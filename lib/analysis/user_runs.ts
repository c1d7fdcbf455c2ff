import { expandRunPaths } from "../pipeline/run_paths.ts";
import { loadRunJudgments } from "../pipeline/runs.ts";
import { type Row, rows } from "../table.ts";
import { scoreRuns } from "./score_runs.ts";

/** Score rows of the user's runs: one per run, with tags, metrics and 95% intervals. */
export interface UserRuns {
  dirs: string[];
  /** One row per (model, tags...) group (and per run when runs share them): metrics, `M_lo`, `M_hi`. */
  scores: Row[];
  tags: string[];
  /** The grouping of `scores`: `model`, the tags, and `run` when runs share model and tags. */
  by: string[];
  /** Runs skipped, partial coverage, invalid verdicts: for the caller to show. */
  warnings: string[];
}

/**
 * The user's judged runs, scored with intervals, for notebooks to overlay on the paper:
 * from `paths`, else the `BSA_RUNS` environment variable (paths separated by `,` or `:`).
 * Returns null when neither names any run, so a notebook falls back to the paper alone.
 * Runs not yet judged are skipped, with a warning in the result (notebooks show warnings as
 * Markdown: text on stderr interleaves badly with a kernel's display messages).
 *
 * @example
 * ```ts ignore
 * const runs = await loadUserRuns();            // BSA_RUNS=runs/safety-rules
 * if (runs) leaderboardScatter(paperRows, { yours: runs.scores });
 * ```
 */
export async function loadUserRuns(
  paths?: string[],
  options: { seed?: number; replicates?: number } = {},
): Promise<UserRuns | null> {
  const given = paths ?? (Deno.env.get("BSA_RUNS") ?? "").split(/[,:]/).map((s) => s.trim()).filter(Boolean);
  if (!given.length) return null;
  const dirs: string[] = [];
  const skipped: string[] = [];
  for (const d of await expandRunPaths(given)) {
    try {
      await loadRunJudgments([d]);
      dirs.push(d);
    } catch (err) {
      skipped.push(`skipping ${d}: ${(err as Error).message}`);
    }
  }
  if (!dirs.length) return null;
  const scored = await scoreRuns(dirs, { ci: { seed: options.seed ?? 0, replicates: options.replicates ?? 1000 } });
  return {
    dirs,
    scores: rows<Row>(scored.table),
    tags: scored.tags,
    by: scored.by,
    warnings: [...skipped, ...scored.warnings],
  };
}
