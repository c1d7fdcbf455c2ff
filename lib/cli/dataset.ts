import { compareDatasetStats, datasetStats, loadDataset } from "../dataset/mod.ts";
import { UsageError } from "../errors.ts";
import { loadPaper } from "../paper/load.ts";
import { rows as tableRows } from "../table.ts";
import { parseFlags, subcommandName } from "./_flags.ts";
import { datasetStatsTable } from "../report/tables.ts";
import { renderText } from "../tables/text.ts";

/**
 * The text `bsa dataset --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, datasetCommand } from "./dataset.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await datasetCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa dataset stats [--json] [--dataset PATH]

Questions per scenario, each category's share of all risk classifications and
query token lengths (cl100k_base), side by side with the paper's published numbers.`;

/**
 * `bsa dataset stats`.
 *
 * @param args The subcommand `stats` and its flags.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}) or a dataset that cannot be read.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetCommand } from "./dataset.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * const code = await datasetCommand(["stats", "--json"]).finally(() => (console.log = log)); // reads BSA_DATASET
 * const rows = JSON.parse(printed[0]) as { name: string; value: number; paper: number; agrees: boolean }[];
 * const cs = rows.find((r) => r.name === "Cognitive Shortcut")!;
 * assert(code === 0 && cs.value === 1200 && cs.paper === 1200 && cs.agrees);
 * ```
 */
export async function datasetCommand(args: string[]): Promise<number> {
  const name = subcommandName("dataset", args, "stats");
  const { values, positionals } = parseFlags(name, args, {
    json: { type: "boolean" },
    dataset: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) return (console.log(HELP), 0);
  if (positionals[0] !== "stats" || positionals.length > 1) {
    throw new UsageError(
      `bsa dataset: expected the subcommand 'stats', got ${JSON.stringify(positionals.join(" "))}\n${HELP}`,
    );
  }
  const ds = await loadDataset({ path: values.dataset as string | undefined });
  const paper = await loadPaper();
  const rows = tableRows(compareDatasetStats(datasetStats(ds), paper.datasetStats));
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log(
      `dataset: ${ds.source} (sha256 ${ds.sha256.slice(0, 12)}${
        ds.pinned ? ", the pinned release" : ", NOT the pinned release"
      })\n`,
    );
    console.log(renderText(datasetStatsTable(rows.map((r) => ({ ...r, agrees: r.agrees ? "yes" : "NO" })))));
  }
  return 0;
}
