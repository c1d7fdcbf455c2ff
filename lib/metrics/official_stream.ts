import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { readCsvRows } from "../csv/parse.ts";
import { BsaError } from "../errors.ts";
import { SCENARIOS } from "../dataset/scenarios.ts";
import { OFFICIAL_COLUMNS, officialRowProblem } from "./official.ts";
import { countSample, emptyCounts, type QuestionCounts, reduceQuestions } from "./per_question.ts";
import { normalizeVerdict } from "./verdicts.ts";

/** A question of a model and its counts so far (counts apart: one object shape for every question). */
interface Acc {
  model: string;
  id: string;
  scenario: string;
  counts: QuestionCounts;
}

/**
 * The per-question table (as {@linkcode reduceToQuestions} builds it, grouped by model) straight
 * from the upstream script's CSV, streaming: memory grows with the number of model ×
 * question pairs, not with the rows, and time is linear in the file. Same validation as
 * {@linkcode parseOfficialCsv}: every row has the header's width, a known scenario, a model
 * and an id; errors name the row and line. Each model is scored at `k` (a question with
 * more samples is an error, one with fewer counts the missing ones as not passing), or with
 * `"auto"` at its own k.
 *
 * @param path The CSV file.
 * @param k Samples per question, or `"auto"` (each model its own).
 * @returns The per-question table (see `reduceToQuestions`).
 * @throws {BsaError} The file cannot be read, or a row or question is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { officialQuestionTable } from "./official_stream.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, "model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\nm,q,Risk Omission,Safe,True\nm,q,Risk Omission,Unsafe,True\n");
 * const t = await officialQuestionTable(p, 2);
 * assert(t.get("safe1", 0) === 0.5 && t.get("thinkk", 0) === 1);
 * ```
 */
export async function officialQuestionTable(path: string, k: number | "auto" = "auto"): Promise<ColumnTable> {
  if (k !== "auto" && (!Number.isInteger(k) || k < 1)) throw new BsaError(`k must be a positive integer, got ${k}`);
  const targets = new Map<string, string>(SCENARIOS.map((s) => [s.name, s.target]));
  const known = new Set(targets.keys());
  const accs: Acc[] = [];
  // model → id → accumulator; rows of one model come together, so the outer lookup is cached.
  const byModel = new Map<string, Map<string, Acc>>();
  let lastModel = "";
  let lastMap: Map<string, Acc> | undefined;
  let last: Acc | undefined;
  // Canonical spellings (nearly every row) are recognised by comparison; anything else goes
  // through the one normaliser.
  const answerOf = (raw: string) => (raw === "Safe" || raw === "Unsafe" ? raw : normalizeVerdict(raw, "answer"));
  const canonical = new Map<string, readonly string[]>(SCENARIOS.map((s) => [s.name, s.verdicts]));
  const reasoningOf = (raw: string, scenario: string) =>
    canonical.get(scenario)!.includes(raw) ? raw : normalizeVerdict(raw, scenario);
  let col: Record<"model" | "id" | "scenario" | "safe" | "think", number> | undefined;
  /** The accumulator of a row's question (created on its first row). */
  const accOf = (model: string, id: string, scenario: string): Acc => {
    if (model !== lastModel || !lastMap) {
      lastModel = model;
      lastMap = byModel.get(model);
      if (!lastMap) byModel.set(model, lastMap = new Map());
    }
    let a = lastMap.get(id);
    if (!a) {
      lastMap.set(id, a = { model, id, scenario, counts: emptyCounts() });
      accs.push(a);
    }
    return a;
  };
  const onRow = (r: string[], row: number, line: number, header: string[]) => {
    col ??= {
      model: header.indexOf("model_name"),
      id: header.indexOf("id"),
      scenario: header.indexOf("dataset_name"),
      safe: header.indexOf("Safe_Ans_Check"),
      think: header.indexOf("Thk_Acc_Judge"),
    };
    const model = r[col.model], id = r[col.id], scenario = r[col.scenario];
    const target = targets.get(scenario);
    if (!model || !id || target === undefined) {
      throw new BsaError(`${path} row ${row} (line ${line}), ${officialRowProblem(model, id, scenario, known)}`);
    }
    // A question's k rows usually come one after another: the previous row's accumulator, without a lookup.
    const a = last !== undefined && last.id === id && last.model === model ? last : (last = accOf(model, id, scenario));
    if (a.scenario !== scenario) throw _otherScenario(path, row, line, a, scenario);
    prefix = undefined;
    countSample(a.counts, answerOf(r[col.safe]), reasoningOf(r[col.think], scenario), target);
  };
  // The fast path (bench/RESULTS.md, scoring): a quote-free row of a file in the upstream
  // column order is read where it lies. A row that starts with the previous row's
  // "model,id,scenario," and ends in one of its scenario's canonical "answer,reasoning"
  // pairs is counted after two comparisons; a string is made only for a new question or an
  // unusual verdict. Any other row (a field empty, an unknown scenario, another width)
  // returns false before anything is counted and takes the path above, which names it.
  let upstreamOrder: boolean | undefined;
  let prefix: string | undefined, tails: ReadonlyMap<string, _Tail> = new Map(), scenario = "", target = "";
  const onRawRow = (text: string, start: number, end: number, row: number, line: number, header: string[]) => {
    upstreamOrder ??= header.length === OFFICIAL_COLUMNS.length && OFFICIAL_COLUMNS.every((c, i) => header[i] === c);
    if (!upstreamOrder) return false;
    let from: number;
    if (prefix !== undefined && _same(text, start, start + prefix.length, prefix)) from = start + prefix.length;
    else {
      const c1 = text.indexOf(",", start);
      if (c1 <= start || c1 >= end) return false;
      const c2 = text.indexOf(",", c1 + 1);
      if (c2 <= c1 + 1 || c2 >= end) return false;
      const c3 = text.indexOf(",", c2 + 1);
      if (c3 === -1 || c3 >= end) return false;
      const name = _fieldIs(text, c2 + 1, c3, SCENARIO_NAMES);
      if (name === undefined) return false;
      const a = accOf(text.slice(start, c1), text.slice(c1 + 1, c2), name);
      if (a.scenario !== name) throw _otherScenario(path, row, line, a, name);
      last = a;
      prefix = text.slice(start, c3 + 1);
      scenario = name;
      target = targets.get(name)!;
      tails = TAILS.get(name)!;
      from = c3 + 1;
    }
    const t = tails.get(text.slice(from, end));
    if (t !== undefined) {
      countSample(last!.counts, t.answer, t.reasoning, target);
      return true;
    }
    const c4 = text.indexOf(",", from);
    if (c4 === -1 || c4 >= end) return false;
    const c5 = text.indexOf(",", c4 + 1);
    if (c5 !== -1 && c5 < end) return false;
    countSample(last!.counts, answerOf(text.slice(from, c4)), reasoningOf(text.slice(c4 + 1, end), scenario), target);
    return true;
  };
  await readCsvRows(path, { source: path, required: OFFICIAL_COLUMNS, onRawRow }, onRow);
  if (!accs.length) throw new BsaError(`${path}: no judgments to score`);

  const fields = Object.keys(emptyCounts()) as (keyof QuestionCounts)[];
  const counts = aq.table({
    model: accs.map((a) => a.model),
    id: accs.map((a) => a.id),
    scenario: accs.map((a) => a.scenario),
    ...Object.fromEntries(fields.map((f) => [f, accs.map((a) => a.counts[f])])),
  });
  return reduceQuestions(counts, ["model"], k);
}

/** A question's rows must agree on its scenario (it sets the target verdict and the scenario score it counts in). */
function _otherScenario(path: string, row: number, line: number, a: Acc, scenario: string): BsaError {
  return new BsaError(
    `${path} row ${row} (line ${line}), column 'dataset_name': question ${a.id} (model ${JSON.stringify(a.model)}) is ${
      JSON.stringify(scenario)
    } here but ${JSON.stringify(a.scenario)} in its earlier rows`,
  );
}

const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);

/** The verdicts of a canonical "answer,reasoning" ending of a row. */
interface _Tail {
  answer: string;
  reasoning: string;
}
/** Per scenario, its canonical row endings. */
const TAILS = new Map<string, ReadonlyMap<string, _Tail>>(SCENARIOS.map((s) => [
  s.name,
  new Map(
    ["Safe", "Unsafe"].flatMap((answer) =>
      s.verdicts.map((reasoning) => [`${answer},${reasoning}`, { answer, reasoning }])
    ),
  ),
]));

/**
 * Whether `text[start, end)` is `value`. A substring and `===` (one memory compare) measured
 * three times faster than `startsWith` on equal strings of 55 characters.
 */
function _same(text: string, start: number, end: number, value: string): boolean {
  return end - start === value.length && text.slice(start, end) === value;
}

/** The one of `values` that `text[start, end)` is, if any. */
function _fieldIs(text: string, start: number, end: number, values: readonly string[]): string | undefined {
  for (const v of values) if (_same(text, start, end, v)) return v;
  return undefined;
}
