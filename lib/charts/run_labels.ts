/** Columns that never tell runs apart: what a chart plots or how a slice is cut. */
const _NOT_IDENTITY = new Set(["family", "source", "weights", "scenario", "category", "subcategory", "id"]);

function _isIdentityValue(v: unknown): boolean {
  return v == null || typeof v === "string";
}

/**
 * A label per run row that tells the runs apart: the columns whose values differ between the
 * rows, condition first, then the other tags (as `tag=value`), then the model, then `run`; with
 * `include`, those columns are named even where all rows agree (a leaderboard names the model).
 * One run alone is labelled by its condition and model. Labels are distinct: rows no column
 * tells apart get `#1`, `#2`… appended.
 *
 * @param rows One row per run (tags and model as string columns; numbers are ignored).
 * @param opts `columns`: the columns that identify a run (default: every string column but the
 *   slice and family columns); `include`: columns always in the label; `exclude`: never.
 * @returns One label per row, in order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runLabels } from "./run_labels.ts";
 * const runs = [
 *   { model: "gen-model", condition: "base", paper_model: "Qwen3-8B", "Think@1": 30 },
 *   { model: "gen-model", condition: "rules", paper_model: "Qwen3-8B", "Think@1": 41 },
 * ];
 * assert.deepEqual(runLabels(runs), ["base", "rules"]);
 * assert.deepEqual(runLabels(runs, { include: ["model"] }), ["base · gen-model", "rules · gen-model"]);
 * assert.deepEqual(runLabels([runs[0]]), ["base · gen-model"]);
 * ```
 */
export function runLabels(
  rows: Record<string, unknown>[],
  opts: { columns?: string[]; include?: string[]; exclude?: string[] } = {},
): string[] {
  const exclude = new Set([...(opts.exclude ?? [])]);
  const candidates = opts.columns ??
    [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) =>
      !_NOT_IDENTITY.has(c) && !/[@_]|\(|%/.test(c) && rows.every((r) => _isIdentityValue(r[c]))
    );
  const cols = candidates.filter((c) => !exclude.has(c));
  const rank = (c: string) => (c === "condition" ? 0 : c === "model" ? 2 : c === "run" ? 3 : 1);
  const ordered = [...cols].sort((a, b) => rank(a) - rank(b) || cols.indexOf(a) - cols.indexOf(b));
  const differs = (c: string) => new Set(rows.map((r) => String(r[c] ?? ""))).size > 1;
  const include = new Set(opts.include ?? []);
  let shown = ordered.filter((c) => differs(c) || include.has(c));
  if (!shown.length) shown = ordered.filter((c) => c === "condition" || c === "model");
  const part = (r: Record<string, unknown>, c: string) => {
    const v = r[c];
    if (v == null || v === "") return "";
    return c === "condition" || c === "model" || c === "run" ? String(v) : `${c}=${v}`;
  };
  const labels = rows.map((r) => shown.map((c) => part(r, c)).filter(Boolean).join(" · ") || "run");
  const seen = new Map<string, number>();
  for (const l of labels) seen.set(l, (seen.get(l) ?? 0) + 1);
  const n = new Map<string, number>();
  return labels.map((l) => {
    if (seen.get(l)! === 1) return l;
    const i = (n.get(l) ?? 0) + 1;
    n.set(l, i);
    return `${l} #${i}`;
  });
}
