import { compareDatasetStats, datasetStats, loadDataset } from "../dataset/mod.ts";
import { auditPaper, loadPaper } from "../paper/mod.ts";
import { rows } from "../table.ts";
import { writeAtomic } from "../fs.ts";
import { parseFlags } from "./_flags.ts";
import { formatRows } from "./_print.ts";

export const HELP = `bsa reproduce [--out DIR]

Reproduce the paper's tables from data/paper and the dataset: dataset statistics
beside the paper's, the leaderboard, and the audit of every derived number.
Writes DIR/reproduction.md and DIR/*.json (default DIR: out/reproduce).`;

/** `bsa reproduce`: the tables part of the reproduction. */
export async function reproduceCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("reproduce", args, { out: { type: "string" }, help: { type: "boolean", short: "h" } });
  if (values.help) return (console.log(HELP), 0);
  const out = (values.out as string | undefined) ?? "out/reproduce";
  const paper = await loadPaper();
  const ds = await loadDataset();
  const stats = rows(compareDatasetStats(datasetStats(ds), paper.datasetStats));
  const audit = auditPaper(paper);
  const leaderboard = rows(paper.main.orderby((d: Record<string, number>) => -d["F-score"]));
  await Deno.mkdir(out, { recursive: true });
  const md = [
    "# BSA reproduction: tables",
    "",
    `Dataset: ${ds.source} (sha256 ${ds.sha256}${ds.pinned ? ", the pinned release" : ""})`,
    "",
    "## Dataset statistics beside the paper's",
    "",
    "```",
    formatRows(stats),
    "```",
    "",
    "## Leaderboard (published numbers, by F-score)",
    "",
    "```",
    formatRows(leaderboard),
    "```",
    "",
    `## Audit: ${audit.length} printed values that disagree with their recomputation`,
    "",
    "```",
    formatRows(audit as unknown as Record<string, unknown>[]),
    "```",
    "",
  ].join("\n");
  await writeAtomic(`${out}/reproduction.md`, md);
  await writeAtomic(`${out}/dataset_stats.json`, JSON.stringify(stats, null, 2) + "\n");
  await writeAtomic(`${out}/paper_audit.json`, JSON.stringify(audit, null, 2) + "\n");
  console.log(`wrote ${out}/reproduction.md, dataset_stats.json, paper_audit.json`);
  console.log(`dataset statistics: ${stats.filter((s) => s.agrees).length} of ${stats.length} agree with the paper`);
  console.log(`paper audit: ${audit.length} findings`);
  return 0;
}
