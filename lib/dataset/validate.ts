import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { BsaError } from "../errors.ts";
import { parseLabel, type Risk } from "./labels.ts";
import { SCENARIOS } from "./scenarios.ts";

/**
 * The columns a BSA dataset CSV must have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DATASET_COLUMNS } from "./validate.ts";
 * assert(DATASET_COLUMNS.includes("risk_summary"));
 * ```
 */
export const DATASET_COLUMNS = ["id", "query", "risk_summary", "dataset_name", "label"] as const;

/** A validated dataset: one table row per question and one per annotated risk. */
export interface ValidatedDataset {
  /** id, query, risk_summary, scenario, label, n_risks. */
  questions: ColumnTable;
  /** One row per risk: id, scenario, slot, category, subcategory, query, risk_summary. */
  risks: ColumnTable;
}

const MAX_REPORTED = 20;

/**
 * Validate the rows of a parsed dataset CSV and build the question and risk tables.
 *
 * Every problem is reported (up to 20, then a count), each naming the row, its
 * line and the column: an empty id, query or risk summary, a duplicate id, an
 * unknown scenario, an unparseable label. Nothing is dropped: any problem fails
 * the whole load.
 *
 * @param table The parsed CSV (all strings).
 * @param lines The file line where each row starts (for error messages).
 * @param source The file's name (for error messages).
 * @returns The question table and the risk table.
 * @throws {BsaError} Any row is invalid (every problem listed, up to 20).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsv } from "../csv/parse.ts";
 * import { validateDataset } from "./validate.ts";
 * const csv = parseCsv(
 *   "id,query,risk_summary,dataset_name,label\nq1,Hi,Insult,Risk Omission,Rumors-Rumors with Negative Impact\n",
 *   { source: "tiny.csv" },
 * );
 * const { risks } = validateDataset(csv.table, csv.lines, "tiny.csv");
 * assert(risks.get("category", 0) === "Rumors");
 * ```
 */
export function validateDataset(table: ColumnTable, lines: number[], source: string): ValidatedDataset {
  const missing = DATASET_COLUMNS.filter((c) => !table.columnNames().includes(c));
  if (missing.length) {
    throw new BsaError(`${source}: missing required column(s) ${missing.map((c) => `'${c}'`).join(", ")}`);
  }
  const ids = table.array("id") as string[];
  const queries = table.array("query") as string[];
  const summaries = table.array("risk_summary") as string[];
  const scenarios = table.array("dataset_name") as string[];
  const labels = table.array("label") as string[];
  const known = new Set(SCENARIOS.map((s) => s.name));
  const problems: string[] = [];
  const firstRow = new Map<string, number>();
  // Columns of the risks table, filled in one pass (aq.from of row objects infers the columns again).
  const risks = {
    id: [] as string[],
    scenario: [] as string[],
    slot: [] as Risk["slot"][],
    category: [] as string[],
    subcategory: [] as string[],
    query: [] as string[],
    risk_summary: [] as string[],
  };
  const nRisks: number[] = [];
  const where = (i: number, col: string) => `${source} row ${i + 1} (line ${lines[i]}), column '${col}'`;

  for (let i = 0; i < table.numRows(); i++) {
    const id = ids[i].trim();
    if (!id) problems.push(`${where(i, "id")}: empty id`);
    else if (firstRow.has(id)) {
      problems.push(`${where(i, "id")}: duplicate id '${id}' (first at row ${firstRow.get(id)! + 1})`);
    } else firstRow.set(id, i);
    if (!queries[i].trim()) problems.push(`${where(i, "query")}: empty query`);
    if (!summaries[i].trim()) problems.push(`${where(i, "risk_summary")}: empty risk summary`);
    const scenario = scenarios[i].trim();
    if (!known.has(scenario as never)) {
      problems.push(
        `${where(i, "dataset_name")}: unknown scenario ${JSON.stringify(scenarios[i])} (expected one of ${
          [...known].join(", ")
        })`,
      );
      nRisks.push(0);
      continue;
    }
    try {
      const parsed = parseLabel(labels[i], scenario);
      nRisks.push(parsed.length);
      for (const r of parsed) {
        risks.id.push(id);
        risks.scenario.push(scenario);
        risks.slot.push(r.slot);
        risks.category.push(r.category);
        risks.subcategory.push(r.subcategory);
        risks.query.push(queries[i]);
        risks.risk_summary.push(summaries[i]);
      }
    } catch (err) {
      problems.push(`${where(i, "label")}: ${(err as Error).message}`);
      nRisks.push(0);
    }
  }
  if (problems.length) {
    const shown = problems.slice(0, MAX_REPORTED).join("\n  ");
    const more = problems.length > MAX_REPORTED ? `\n  ... and ${problems.length - MAX_REPORTED} more` : "";
    throw new BsaError(`${source}: ${problems.length} invalid row(s):\n  ${shown}${more}`);
  }
  const questions = aq.table({
    id: ids.map((s) => s.trim()),
    query: queries,
    risk_summary: summaries,
    scenario: scenarios.map((s) => s.trim()),
    label: labels,
    n_risks: nRisks,
  });
  return {
    questions,
    risks: aq.table(risks),
  };
}
