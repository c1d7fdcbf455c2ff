import { loadDataset } from "../dataset/load.ts";
import { UsageError } from "../errors.ts";
import { importInspectLog } from "../interop/inspect_import.ts";
import { parseFlags, requireString, subcommandName } from "./_flags.ts";
import { printWarnings } from "./_print.ts";

/**
 * The text `bsa import --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, importCommand } from "./import.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await importCommand(["inspect", "--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa import inspect FILE.json|FILE.eval --out DIR [options]

Read an inspect_ai eval log of BSA questions into a new run folder DIR, ready for
'bsa judge'. Each sample is matched to its dataset question by its id, else by its input
text (the report says how many each way); epoch n becomes sample n-1. The answer's
reasoning comes from inspect's reasoning content (or <think> tags); a sample that
ended in an error keeps its failure. Verdict scores the log carries (bsa_answer and
bsa_reasoning, as 'bsa export inspect' writes them) become the judgments of a judge
label of their own. A log of another task is refused and nothing is written.
  --out DIR         the run folder to create (absent or empty)
  --label NAME      the judge label of the log's verdicts (default inspect)
  --dataset PATH    the dataset (default: BSA_DATASET or the pinned download)`;

/**
 * `bsa import inspect`.
 *
 * @param args The arguments after `bsa import`.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), a file that is not an inspect log of BSA questions, an `--out` that holds files.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importCommand } from "./import.ts";
 * await assert.rejects(importCommand(["inspect", "log.json"]), /--out/);
 * await assert.rejects(importCommand(["inspect", "--out", "r"]), /one log FILE/);
 * ```
 */
export async function importCommand(args: string[]): Promise<number> {
  const name = subcommandName("import", args, "inspect");
  const { values, positionals } = parseFlags(name, args, {
    out: { type: "string" },
    label: { type: "string" },
    dataset: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) return (console.log(HELP), 0);
  if (positionals[0] !== "inspect") {
    throw new UsageError(`bsa import: expected the format 'inspect', got ${JSON.stringify(positionals.join(" "))}`);
  }
  if (positionals.length !== 2) throw new UsageError(`bsa ${name}: give one log FILE (.json or .eval)`);
  const out = requireString(name, values, "out");
  const label = values.label as string | undefined;
  if (label !== undefined && !/^[A-Za-z0-9._-]+$/.test(label)) {
    throw new UsageError(`bsa ${name}: --label may hold only letters, digits, '.', '_' and '-'`);
  }
  const dataset = await loadDataset({ path: values.dataset as string | undefined });
  const r = await importInspectLog(positionals[1], out, { dataset, label });
  printWarnings(r.warnings);
  if (r.otherScorers.length) {
    console.error(`note: the scores of ${r.otherScorers.join(", ")} are not BSA verdicts and were not imported`);
  }
  const o = r.outcomes;
  console.log(
    `${out}: ${r.samples} samples of ${r.questions} questions (model ${r.model}, k=${r.k}) from ${
      positionals[1]
    }; matched by id: ${r.matchedBy.id}, by input text: ${r.matchedBy.text}; ${o.ok} ok, ${o.no_reasoning} without visible reasoning, ${o.truncated} truncated, ${o.failed} failed`,
  );
  if (r.verdicts) {
    console.log(
      `${r.verdicts.samples} samples carry BSA verdicts: judge label ${r.verdicts.label} (score them with 'bsa score --run ${out} --judge ${r.verdicts.label}')`,
    );
  }
  console.log(`judge the run with 'bsa judge --run ${out}', then 'bsa score --run ${out}'`);
  return 0;
}
