import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { parseCsv } from "../csv/parse.ts";
import { stringifyCsv } from "../csv/stringify.ts";
import { BsaError } from "../errors.ts";
import { SCENARIOS } from "../dataset/scenarios.ts";
import { normalizeAnswerVerdict, normalizeReasoningVerdict } from "./verdicts.ts";

/**
 * Columns of the upstream evaluation script's input CSV.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OFFICIAL_COLUMNS, parseOfficialCsv } from "./official.ts";
 * assert.throws(() => parseOfficialCsv("model_name,id\nm,q\n", "x.csv"), /missing required columns 'dataset_name'/);
 * assert(OFFICIAL_COLUMNS.includes("Thk_Acc_Judge"));
 * ```
 */
export const OFFICIAL_COLUMNS = ["model_name", "id", "dataset_name", "Safe_Ans_Check", "Thk_Acc_Judge"] as const;

/**
 * Parse the upstream evaluation script's CSV into a judgments table:
 * `model, id, scenario, sample, answer_verdict, reasoning_verdict` (verdicts normalised,
 * anything unrecognised kept as `invalid`; `sample` numbers a question's rows in file order).
 * Extra columns are kept (e.g. condition columns). An unknown scenario or an empty
 * model or id is an error naming the row.
 *
 * @param text The CSV text (`model_name, id, dataset_name, Safe_Ans_Check, Thk_Acc_Judge`).
 * @param source The file's name (for error messages).
 * @returns The judgments table.
 * @throws {BsaError} A missing column, an unknown scenario, or an empty model or id (naming the row).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOfficialCsv } from "./official.ts";
 * const t = parseOfficialCsv(
 *   "model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\nm,q1,Risk Omission,Safe,True\n",
 *   "x.csv",
 * );
 * assert(t.get("reasoning_verdict", 0) === "True" && t.get("sample", 0) === 0);
 * ```
 */
export function parseOfficialCsv(text: string, source: string): ColumnTable {
  const { table, lines } = parseCsv(text, { source, required: OFFICIAL_COLUMNS });
  const models = table.array("model_name") as string[];
  const ids = table.array("id") as string[];
  const scenarios = table.array("dataset_name") as string[];
  const safe = table.array("Safe_Ans_Check") as string[];
  const think = table.array("Thk_Acc_Judge") as string[];
  const known = new Set<string>(SCENARIOS.map((s) => s.name));
  const n = table.numRows();
  const answer = new Array<string>(n);
  const reasoning = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const problem = officialRowProblem(models[i], ids[i], scenarios[i], known);
    if (problem) throw new BsaError(`${source} row ${i + 1} (line ${lines[i]}), ${problem}`);
    answer[i] = normalizeAnswerVerdict(safe[i]);
    reasoning[i] = normalizeReasoningVerdict(think[i], scenarios[i]);
  }
  const extra = table.columnNames().filter((c) => !(OFFICIAL_COLUMNS as readonly string[]).includes(c));
  const columns: Record<string, unknown[]> = {
    model: models,
    id: ids,
    scenario: scenarios,
    answer_verdict: answer,
    reasoning_verdict: reasoning,
  };
  for (const c of extra) columns[c] = table.array(c) as string[];
  return aq.table(columns)
    .groupby("model", "id")
    .derive({ sample: () => aq.op.row_number() - 1 })
    .ungroup()
    .relocate("sample", { after: "scenario" });
}

/**
 * What is wrong with one row of the upstream CSV (`column '...': ...`), or null. Shared by
 * the table reader and the streaming reader so both reject the same rows with the same words.
 *
 * @param model The row's model name.
 * @param id The row's question id.
 * @param scenario The row's scenario name.
 * @param known The scenario names accepted (default: the three of the benchmark).
 * @returns What is wrong, or null for a good row.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { officialRowProblem } from "./official.ts";
 * assert(officialRowProblem("m", "", "Risk Omission") === "column 'id': empty id");
 * assert(officialRowProblem("m", "q", "Risk Omission") === null);
 * ```
 */
export function officialRowProblem(
  model: string,
  id: string,
  scenario: string,
  known: ReadonlySet<string> = new Set(SCENARIOS.map((s) => s.name)),
): string | null {
  if (!model) return "column 'model_name': empty model name";
  if (!id) return "column 'id': empty id";
  if (!known.has(scenario)) {
    return `column 'dataset_name': unknown scenario ${JSON.stringify(scenario)} (expected one of ${
      [...known].join(", ")
    })`;
  }
  return null;
}

/**
 * Read the upstream CSV from a file; see {@linkcode parseOfficialCsv}.
 *
 * @param path The CSV file.
 * @returns The judgments table.
 * @throws {BsaError} The file cannot be read, or a row is malformed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readOfficialCsv } from "./official.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(
 *   path,
 *   "model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\nm,q1,Risk Omission,**Safe**,True\n",
 * );
 * const [row] = (await readOfficialCsv(path)).objects() as Record<string, unknown>[];
 * assert(row.model === "m" && row.answer_verdict === "Safe" && row.sample === 0);
 * await assert.rejects(readOfficialCsv(`${path}.missing`), /cannot read/);
 * ```
 */
export async function readOfficialCsv(path: string): Promise<ColumnTable> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new BsaError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseOfficialCsv(text, path);
}

/**
 * Format a judgments table as the upstream script's CSV. Verdicts are written as
 * recorded: `invalid` and `no_reasoning` stay visible, and the upstream script
 * (like this toolkit) counts them as not passing.
 *
 * @param judgments Judgments with `id, scenario, answer_verdict, reasoning_verdict` and a model column.
 * @param modelColumn The column written as `model_name` (default `model`).
 * @returns The CSV text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { formatOfficialCsv } from "./official.ts";
 * const csv = formatOfficialCsv(aq.from([
 *   { model: "m", id: "q", scenario: "Risk Omission", answer_verdict: "Safe", reasoning_verdict: "True" },
 * ]));
 * assert(csv === "model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\nm,q,Risk Omission,Safe,True\n");
 * ```
 */
export function formatOfficialCsv(judgments: ColumnTable, modelColumn = "model"): string {
  const t = judgments.select({
    [modelColumn]: "model_name",
    id: "id",
    scenario: "dataset_name",
    answer_verdict: "Safe_Ans_Check",
    reasoning_verdict: "Thk_Acc_Judge",
  });
  return stringifyCsv(t);
}
