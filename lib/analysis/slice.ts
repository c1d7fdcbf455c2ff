/**
 * What a slice of the benchmark is: a set of the dataset's questions. Every path that scores
 * a slice (`bsa score --by category`, the viewer's strip, notebooks, the report) scores it as
 * the benchmark restricted to those questions, so one slice gives one number everywhere.
 * @module
 */
import * as aq from "arquero";
import type { Dataset } from "../dataset/load.ts";
import { BsaError } from "../errors.ts";
import { rows } from "../table.ts";

/** A question as a slice's predicate sees it: its id, scenario and every annotated risk. */
export interface SliceQuestion {
  id: string;
  scenario: string;
  /** The categories of all the question's annotated risks (a Cognitive Shortcut question has two risks). */
  categories: string[];
  /** The subcategories of all its annotated risks. */
  subcategories: string[];
}

/** A slice: the ids of its questions, or a predicate choosing them from the dataset. */
export type QuestionSlice = ReadonlySet<string> | ((q: SliceQuestion) => boolean);

/**
 * The dataset's questions, each with the categories and subcategories of all its risks.
 *
 * @param dataset The dataset.
 * @returns One entry per question, in dataset order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "../dataset/load.ts";
 * import { sliceQuestions } from "./slice.ts";
 * const qs = sliceQuestions(await loadDataset());
 * assert(qs.length === 2000 && qs.every((q) => q.categories.length >= 1));
 * ```
 */
export function sliceQuestions(dataset: Dataset): SliceQuestion[] {
  const byId = new Map<string, SliceQuestion>();
  for (const q of rows<{ id: string; scenario: string }>(dataset.questions.select("id", "scenario"))) {
    byId.set(q.id, { id: q.id, scenario: q.scenario, categories: [], subcategories: [] });
  }
  for (const r of rows<{ id: string; category: string; subcategory: string }>(dataset.risks)) {
    const q = byId.get(r.id);
    if (!q) continue;
    if (!q.categories.includes(r.category)) q.categories.push(r.category);
    if (!q.subcategories.includes(r.subcategory)) q.subcategories.push(r.subcategory);
  }
  return [...byId.values()];
}

/**
 * The dataset restricted to a slice's questions: scoring against it gives the slice's
 * coverage (its judged questions of its questions) and Think's weights (its questions of each
 * scenario), exactly as `--by category` does for a category.
 *
 * @param dataset The dataset.
 * @param slice The slice's question ids, or a predicate on {@linkcode SliceQuestion}.
 * @returns The restricted dataset (same source and checksum) and the slice's ids.
 * @throws {BsaError} The slice holds none of the dataset's questions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "../dataset/load.ts";
 * import { sliceDataset } from "./slice.ts";
 * const { dataset, ids } = sliceDataset(await loadDataset(), (q) => q.categories.includes("Rumors"));
 * assert(ids.size > 0 && dataset.questions.numRows() === ids.size);
 * assert.throws(() => sliceDataset(dataset, new Set(["nope"])), /none of the dataset's questions/);
 * ```
 */
export function sliceDataset(dataset: Dataset, slice: QuestionSlice): { dataset: Dataset; ids: Set<string> } {
  const all = sliceQuestions(dataset);
  const ids = new Set(
    (typeof slice === "function" ? all.filter(slice) : all.filter((q) => slice.has(q.id))).map((q) => q.id),
  );
  if (!ids.size) {
    const asked = typeof slice === "function" ? "the slice's predicate" : `the ${slice.size} question id(s) given`;
    throw new BsaError(`${asked} select(s) none of the dataset's questions (${dataset.source})`);
  }
  // A membership test on a Set: escaped, as Arquero's expressions cannot call methods.
  const keep = (t: Dataset["questions"]) => t.filter(aq.escape((d: { id: string }) => ids.has(d.id)));
  return { dataset: { ...dataset, questions: keep(dataset.questions), risks: keep(dataset.risks) }, ids };
}
