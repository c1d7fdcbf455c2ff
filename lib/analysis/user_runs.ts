import { expandRunPaths, loadRunJudgments, runPathsFromEnv } from "../store/mod.ts";
import { type Row, rows } from "../table.ts";
import { scoreRuns } from "./score_runs.ts";

/** Score rows of the user's runs: one per run, with tags, metrics and 95% intervals. */
export interface UserRuns {
  /** The run folders scored (empty when every path given was skipped: see `warnings`). */
  dirs: string[];
  /** One row per (model, tags...) group (and per run when runs share them): metrics, `M_lo`, `M_hi`. */
  scores: Row[];
  tags: string[];
  /** The grouping of `scores`: `model`, the tags, and `run` when runs share model and tags. */
  by: string[];
  /** Paths and runs skipped ("skipping <dir>: why"), partial coverage, invalid verdicts: for the caller to show. */
  warnings: string[];
}

/**
 * The user's judged runs, scored with intervals, for notebooks to overlay on the paper:
 * from `paths`, else the `BSA_RUNS` environment variable (paths separated by `,` or `:`).
 * Returns null only when neither names any path. A path that is missing, holds no run folder,
 * or holds runs not yet judged is skipped with a warning ("skipping <dir>: why"); when every
 * path is skipped the result has no scores but keeps the warnings, so a notebook says why it
 * shows the paper alone instead of showing it silently (notebooks show warnings as Markdown:
 * text on stderr interleaves badly with a kernel's display messages).
 *
 * @param paths Run folders or folders of runs (default: `BSA_RUNS`).
 * @param options The bootstrap's seed and replicates for the intervals.
 * @returns The scores, grouping and warnings; null when no path was given.
 * @throws {BsaError} The runs given cannot be scored together (e.g. their k differ).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadUserRuns } from "./user_runs.ts";
 * const runs = (await loadUserRuns(["/no/such/runs"]))!;
 * assert.deepEqual([runs.dirs, runs.scores], [[], []]);
 * assert(runs.warnings[0].startsWith("skipping /no/such/runs: "));
 * assert((await loadUserRuns([])) === null);
 * ```
 */
export async function loadUserRuns(
  paths?: string[],
  options: { seed?: number; replicates?: number } = {},
): Promise<UserRuns | null> {
  const given = paths ?? runPathsFromEnv();
  if (!given.length) return null;
  const dirs: string[] = [];
  const skipped: string[] = [];
  for (const path of given) {
    let found: string[];
    try {
      found = await expandRunPaths([path]);
    } catch (err) {
      skipped.push(`skipping ${path}: ${(err as Error).message}`);
      continue;
    }
    if (!found.length) skipped.push(`skipping ${path}: no run folder (one with a manifest.json) in it`);
    for (const d of found) {
      try {
        await loadRunJudgments([d]);
        dirs.push(d);
      } catch (err) {
        skipped.push(`skipping ${d}: ${(err as Error).message}`);
      }
    }
  }
  if (!dirs.length) return { dirs, scores: [], tags: [], by: [], warnings: skipped };
  const scored = await scoreRuns(dirs, { ci: { seed: options.seed ?? 0, replicates: options.replicates ?? 1000 } });
  return {
    dirs,
    scores: rows<Row>(scored.table),
    tags: scored.tags,
    by: scored.by,
    warnings: [...skipped, ...scored.warnings],
  };
}
