import { UsageError } from "../errors.ts";
import { judgeAgreement } from "../stats/judge_agreement.ts";
import { listFlag, parseFlags } from "./_flags.ts";
import { formatRows } from "./_print.ts";

/**
 * The text `bsa agreement --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP } from "./agreement.ts";
 * assert(HELP.startsWith("bsa agreement"));
 * ```
 */
export const HELP = `bsa agreement --run DIR [--run DIR ...] --judges A,B [--json]
bsa agreement --run DIR --judges A --human FILE [--json]

How far two judges (or a judge and human labels) agree on the same samples, per rubric
(answer safety; reasoning for RO, CS, OS): agreement, Cohen's kappa and the confusion
matrix; and, over the runs given, how far the ranking of runs by each metric moves
between the two (Kendall's tau). A judge name is a --label given to 'bsa judge', or
'default' for judgments.jsonl. Human labels: CSV with id,sample,answer_verdict,reasoning_verdict.`;

/**
 * `bsa agreement`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreementCommand } from "./agreement.ts";
 * assert(await agreementCommand(["--help"]) === 0);
 * ```
 */
export async function agreementCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("agreement", args, {
    run: { type: "string", multiple: true },
    judges: { type: "string" },
    human: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const runs = (values.run as string[] | undefined) ?? [];
  const judges = listFlag(values, "judges");
  if (!runs.length) throw new UsageError("bsa agreement: --run DIR is required");
  if (values.human ? judges.length !== 1 : judges.length !== 2) {
    throw new UsageError("bsa agreement: --judges takes two names (or one with --human FILE)");
  }
  const report = await judgeAgreement(runs, {
    judges: judges as [string] | [string, string],
    human: values.human as string | undefined,
  });
  const [first, labelB] = report.judges;
  const rubricRows = report.rubrics, rankRows = report.ranking;
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(formatRows(rubricRows.map(({ confusion: _, ...r }) => r)));
    for (const r of rubricRows) {
      console.log(`\n${r.rubric} (rows: ${first}, columns: ${labelB})\n${JSON.stringify(r.confusion, null, 1)}`);
    }
    if (rankRows.length) {
      console.log(`\nRanking of the ${rankRows[0].runs} runs, ${first} vs ${labelB}:\n${formatRows(rankRows)}`);
    } else console.log("\n(ranking agreement needs two or more runs judged completely by both)");
  }
  return 0;
}
