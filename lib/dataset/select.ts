import { BsaError } from "../errors.ts";
import { rows } from "../table.ts";
import { CATEGORIES } from "./categories.ts";
import type { Dataset } from "./load.ts";
import { BENCHMARK_SIZE, SCENARIOS } from "./scenarios.ts";

/**
 * How a run's manifest describes a selection that keeps the whole benchmark.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ALL_QUESTIONS } from "./select.ts";
 * assert(ALL_QUESTIONS === "all 2,000 questions");
 * ```
 */
export const ALL_QUESTIONS: string = `all ${BENCHMARK_SIZE.toLocaleString("en-US")} questions`;

/** Which questions a run covers; every part narrows the one before. */
export interface QuestionSelection {
  /** A file of question ids, one per line. */
  idsFile?: string;
  /** Scenario names as the dataset spells them ("Risk Omission", ...). */
  scenarios?: string[];
  /** Category names as the paper prints them ("Offense & Prejudice", ...). */
  categories?: string[];
  /** Keep the first N questions (in dataset order) of what remains. */
  limit?: number;
}

/**
 * The question ids a selection picks, in dataset order, and a description for the run's
 * manifest; `ids` is null when nothing narrows the dataset (all 2,000 questions).
 *
 * @param dataset The loaded dataset.
 * @param sel Scenarios, categories, an id file, a limit and a seeded sample.
 * @returns The chosen ids in dataset order (null for the whole dataset) and a description.
 * @throws {BsaError} An unknown scenario or category, an unreadable id file, or an id not in the dataset.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "./load.ts";
 * import { selectQuestions } from "./select.ts";
 * const ds = await loadDataset({ path: "../shared/bsa/dataset.csv" });
 * const { ids, description } = await selectQuestions(ds, { scenarios: ["Over Sensitivity"], limit: 3 });
 * assert(ids!.length === 3 && description === "scenario Over Sensitivity, first 3");
 * ```
 */
export async function selectQuestions(
  dataset: Dataset,
  sel: QuestionSelection,
): Promise<{ ids: string[] | null; description: string }> {
  let qs = rows<{ id: string; scenario: string }>(dataset.questions.select("id", "scenario"));
  const parts: string[] = [];
  if (sel.idsFile) {
    const path = sel.idsFile;
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      throw new BsaError(`ids file ${path}: ${(err as Error).message}`);
    }
    const wanted = text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    const known = new Set(qs.map((q) => q.id));
    const bad = wanted.findIndex((id) => !known.has(id));
    if (bad !== -1) throw new BsaError(`ids file ${path} line ${bad + 1}: id '${wanted[bad]}' is not in the dataset`);
    const set = new Set(wanted);
    qs = qs.filter((q) => set.has(q.id));
    parts.push(`ids from ${path}`);
  }
  if (sel.scenarios?.length) {
    const unknown = sel.scenarios.filter((s) => !SCENARIOS.some((x) => x.name === s));
    if (unknown.length) throw new BsaError(`unknown scenario(s) ${unknown.join(", ")}`);
    qs = qs.filter((q) => sel.scenarios!.includes(q.scenario));
    parts.push(`scenario ${sel.scenarios.join(", ")}`);
  }
  if (sel.categories?.length) {
    const unknown = sel.categories.filter((c) => !CATEGORIES.some((x) => x.name === c));
    if (unknown.length) throw new BsaError(`unknown categor(ies) ${unknown.join(", ")}`);
    const inCat = new Set(
      rows<{ id: string; category: string }>(dataset.risks.select("id", "category"))
        .filter((r) => sel.categories!.includes(r.category)).map((r) => r.id),
    );
    qs = qs.filter((q) => inCat.has(q.id));
    parts.push(`category ${sel.categories.join(", ")}`);
  }
  if (sel.limit !== undefined) {
    qs = qs.slice(0, sel.limit);
    parts.push(`first ${sel.limit}`);
  }
  if (!parts.length) return { ids: null, description: ALL_QUESTIONS };
  if (!qs.length) throw new BsaError(`no question matches ${parts.join(", ")}`);
  return { ids: qs.map((q) => q.id), description: parts.join(", ") };
}
