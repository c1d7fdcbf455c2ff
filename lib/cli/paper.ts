import { UsageError } from "../errors.ts";
import { auditPaper, loadPaper } from "../paper/mod.ts";
import { numberFlag, parseFlags } from "./_flags.ts";
import { formatRows } from "./_print.ts";

/**
 * The text `bsa paper --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP } from "./paper.ts";
 * assert(HELP.startsWith("bsa paper"));
 * ```
 */
export const HELP = `bsa paper audit [--json] [--alpha A]

Recompute every derived number of the paper (Think from RO/CS/OS, F-score from
Think@1 and Safe@1, the same model in two tables) and list the printed values
that disagree, with the F-score weight that explains them where one does.`;

/**
 * `bsa paper audit`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paperCommand } from "./paper.ts";
 * assert(await paperCommand(["--help"]) === 0);
 * ```
 */
export async function paperCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags("paper", args, {
    json: { type: "boolean" },
    alpha: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) return (console.log(HELP), 0);
  if (positionals[0] !== "audit" || positionals.length > 1) {
    throw new UsageError(
      `bsa paper: expected the subcommand 'audit', got ${JSON.stringify(positionals.join(" "))}\n${HELP}`,
    );
  }
  const findings = auditPaper(await loadPaper(), numberFlag("paper", values, "alpha", { min: 0, max: 1 }));
  if (values.json) console.log(JSON.stringify(findings, null, 2));
  else {
    console.log(`${findings.length} printed value(s) disagree with their recomputation:\n`);
    console.log(formatRows(findings as unknown as Record<string, unknown>[]));
  }
  return 0;
}
