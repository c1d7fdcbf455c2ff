import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { sliceChart } from "../charts/specs/slice.ts";
import type { Dataset } from "../dataset/load.ts";
import { BsaError } from "../errors.ts";
import { METRICS } from "../metrics/names.ts";
import type { PaperTables } from "../paper/load.ts";
import { expandRunPaths } from "../pipeline/run_paths.ts";
import { scoreRuns } from "../analysis/score_runs.ts";
import { type Row, rows } from "../table.ts";
import { chart, show } from "./display.ts";

/** What to slice. */
export interface SliceOptions {
  /** One of the BSA metrics, e.g. "Think@1". */
  metric: string;
  /** Grouping columns: category, subcategory, scenario, model, or any run tag (condition, temperature...). */
  by: string[];
  /** Run folders (or folders of runs). Without runs, the paper's main table is sliced by its columns (family, access). */
  runs?: string[] | null;
  /** Bootstrap replicates for the 95% intervals (default 1,000). */
  replicates?: number;
}

/**
 * One call from a grouping to a table and a chart: your runs scored per group with 95%
 * intervals (per-question data), or, without runs, the paper's published models averaged
 * per group. Shows both and returns the table.
 *
 * @example
 * ```ts ignore
 * await slice(ctx, { runs: ["runs/qwen3-8b"], metric: "Think@1", by: ["category"] });
 * ```
 */
export async function slice(ctx: { paper: PaperTables; dataset?: Dataset }, o: SliceOptions): Promise<ColumnTable> {
  if (!(METRICS as readonly string[]).includes(o.metric)) {
    throw new BsaError(`unknown metric ${o.metric}; one of ${METRICS.join(", ")}`);
  }
  let table: ColumnTable;
  if (o.runs?.length) {
    const scored = await scoreRuns(await expandRunPaths(o.runs), {
      by: o.by,
      dataset: ctx.dataset,
      ci: { replicates: o.replicates ?? 1000 },
    });
    table = scored.table;
  } else {
    const cols = ctx.paper.main.columnNames();
    const bad = o.by.filter((c) => !cols.includes(c));
    if (bad.length) {
      throw new BsaError(
        `without runs only the paper's main table can be sliced, by ${
          ["family", "access", "model"].join(", ")
        }; not by ${bad.join(", ")}`,
      );
    }
    table = ctx.paper.main.groupby(o.by).rollup({ models: aq.op.count(), [o.metric]: aq.op.mean(o.metric) });
  }
  const keep = [
    ...o.by.filter((c) => table.columnNames().includes(c)),
    ...table.columnNames().filter((c) =>
      !o.by.includes(c) &&
      ["run", "model", "questions", "models", o.metric, `${o.metric}_lo`, `${o.metric}_hi`].includes(c)
    ),
  ];
  const shown = table.select([...new Set(keep)]).orderby(aq.desc(o.metric));
  await show(shown, { limit: 100 });
  const groupCol = o.by.at(-1)!;
  const colorCol = o.by.length > 1
    ? o.by[0]
    : ["run", "model"].find((c) => shown.columnNames().includes(c) && c !== groupCol);
  await chart(sliceChart(rows<Row>(shown), { metric: o.metric, by: groupCol, color: colorCol }));
  return shown;
}
