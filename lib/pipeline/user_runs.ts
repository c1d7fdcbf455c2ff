import { BsaError } from "../errors.ts";
import { questionTable, scoreQuestions } from "../metrics/score.ts";
import { loadRunJudgments } from "../pipeline/runs.ts";
import { addIntervals } from "../stats/score_intervals.ts";
import { type Row, rows } from "../table.ts";

/** Score rows of the user's runs: one per run, with tags, metrics and 95% intervals. */
export interface UserRuns {
  dirs: string[];
  /** One row per (model, tags...) group: `model`, tag columns, metrics, `M_lo`, `M_hi`. */
  scores: Row[];
  tags: string[];
  /** Runs skipped, partial coverage, invalid verdicts: for the caller to show. */
  warnings: string[];
}

/**
 * Expand run paths: a run folder (with manifest.json) stands for itself; any other folder
 * for the run folders below it (recursively).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expandRunPaths } from "./user_runs.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/a`);
 * await Deno.writeTextFile(`${root}/a/manifest.json`, "{}");
 * assert((await expandRunPaths([root])).length === 1);
 * ```
 */
export async function expandRunPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string) => {
    try {
      await Deno.stat(`${p}/manifest.json`);
      out.push(p);
      return;
    } catch { /* not a run folder */ }
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(p)];
    } catch (err) {
      throw new BsaError(`run path ${p}: ${(err as Error).message}`);
    }
    for (const e of entries.filter((e) => e.isDirectory).sort((a, b) => a.name.localeCompare(b.name))) {
      await walk(`${p}/${e.name}`);
    }
  };
  for (const p of paths) await walk(p.replace(/\/$/, ""));
  return out;
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
  const loaded = await loadRunJudgments(dirs);
  const by = ["model", ...loaded.tags];
  const perQ = questionTable(loaded.table, { k: loaded.k, by });
  const report = scoreQuestions(perQ, { k: loaded.k, by });
  const { report: withCi } = addIntervals(report, perQ, by, {
    seed: options.seed ?? 0,
    replicates: options.replicates ?? 1000,
  });

  return { dirs, scores: rows(withCi.table), tags: loaded.tags, warnings: [...skipped, ...report.warnings] };
}
