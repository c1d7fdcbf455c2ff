import type { ColumnTable } from "arquero";
import { type Row, rows } from "../table.ts";

/**
 * The user's scored runs beside the paper's main table: Safe@1 and Think@1 with their 95%
 * intervals, the published value of the model the run reproduces (`paper_model` tag, else
 * the model name), and whether the published Think@1 lies inside the run's interval. A
 * metric the run cannot give (a partial run missing a scenario) shows "–".
 *
 * @param scores Score rows with `M_lo` / `M_hi` (as `loadUserRuns` returns them).
 * @param paperMain The paper's main table.
 * @returns One row per run group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { runsAgainstPaper } from "./against_paper.ts";
 * const paper = aq.from([{ model: "QwQ-32B", "Safe@1": 90, "Think@1": 30 }]);
 * const run = { model: "qwq", paper_model: "QwQ-32B", "Safe@1": 91, "Safe@1_lo": 89, "Safe@1_hi": 93, "Think@1": 28, "Think@1_lo": 25, "Think@1_hi": 31 };
 * const [r] = runsAgainstPaper([run, { ...run, "Think@1": null, "Think@1_lo": null, "Think@1_hi": null }], paper);
 * assert(r.reproduces === "yes" && r["Think@1 95%"] === "25.00–31.00");
 * assert(runsAgainstPaper([{ ...run, "Think@1": null, "Think@1_lo": null }], paper)[0].reproduces === "–");
 * ```
 */
export function runsAgainstPaper(scores: Row[], paperMain: ColumnTable): Row[] {
  const paper = rows(paperMain);
  const interval = (r: Row, m: string) =>
    r[`${m}_lo`] == null || r[`${m}_hi`] == null ? "–" : `${r[`${m}_lo`].toFixed(2)}–${r[`${m}_hi`].toFixed(2)}`;
  return scores.map((r) => {
    const p = paper.find((x) => x.model === (r.paper_model ?? r.model));
    const lo = r["Think@1_lo"], hi = r["Think@1_hi"];
    return {
      model: r.model,
      ...(r.run !== undefined ? { run: r.run } : {}),
      paper_model: p?.model ?? "–",
      "Safe@1": r["Safe@1"] ?? "–",
      "Safe@1 95%": interval(r, "Safe@1"),
      "paper Safe@1": p?.["Safe@1"] ?? "–",
      "Think@1": r["Think@1"] ?? "–",
      "Think@1 95%": interval(r, "Think@1"),
      "paper Think@1": p?.["Think@1"] ?? "–",
      reproduces: p && lo != null && hi != null ? (p["Think@1"] >= lo && p["Think@1"] <= hi ? "yes" : "no") : "–",
    };
  });
}
