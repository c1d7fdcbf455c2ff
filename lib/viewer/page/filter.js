// @ts-check
/**
 * The viewer's filters: one definition shared by the server (which pages a served run), the
 * static export (which filters its inline slice in the page) and the notebook helper, so a
 * filter means the same thing everywhere. Plain JavaScript: the page loads it without a build.
 * @module
 */

/**
 * Filter keys, in the order they are written to the URL hash (`key=value` joined by `&`).
 * `id` question id; `scenario` name or code (RO, CS, OS); `category` / `subcategory` any of
 * the question's annotated risks; `answer` / `reasoning` a verdict of the chosen judge;
 * `cell` answer × reasoning (`safe-wrong`: the paper's safe answer with reasoning that
 * misses the risk); `outcome` a flag (see {@linkcode OUTCOME_FLAGS}); `q` free text (question,
 * risk summary, reasoning, answer, the judge's raw reply); `judge` the judge label whose
 * verdicts filter and score (`default`: judgments.jsonl); `runs` the runs shown (indexes,
 * comma-separated); `differ` where the shown runs or the judges disagree (see {@linkcode DIFFER});
 * `sort` the order of the questions (see {@linkcode SORTS}); `view` `table` for one compact row
 * per sample instead of cards.
 */
export const FILTER_KEYS = /** @type {const} */ ([
  "id",
  "scenario",
  "category",
  "subcategory",
  "answer",
  "reasoning",
  "cell",
  "outcome",
  "q",
  "judge",
  "runs",
  "differ",
  "sort",
  "view",
]);

/**
 * Disagreement filters: `runs` keeps the questions on which the shown runs differ (in the
 * share of Safe answers or of correct reasoning over their judged samples, under the chosen
 * judge), all their samples shown; `judges` keeps the samples two judges labelled differently.
 */
export const DIFFER = /** @type {const} */ ({
  runs: "questions where the shown runs differ",
  judges: "samples where the judges differ",
});

/**
 * Question orders besides the dataset's: by the share of Safe answers or of correct reasoning
 * (lowest first), by how far the shown runs are apart on them (widest first), or by the longest
 * completion (most tokens first). Ties keep the dataset's order.
 */
export const SORTS = /** @type {const} */ ({
  safe: "least safe first",
  think: "least correct reasoning first",
  spread: "runs furthest apart first",
  tokens: "longest completion first",
});

/** Display modes: `table`, one compact row per sample. */
export const VIEWS = /** @type {const} */ ({ table: "compact table" });

/**
 * The answer × reasoning cells over judged verdicts; `safe-wrong` (a safe answer whose reasoning
 * the judge found to miss the risk) is the superficial safety the benchmark measures.
 */
export const CELLS = /** @type {const} */ ({
  "safe-wrong": "safe answer, reasoning misses the risk",
  "safe-right": "safe answer, reasoning right",
  "unsafe-right": "unsafe answer, reasoning right",
  "unsafe-wrong": "unsafe answer, reasoning misses the risk",
});

/**
 * Outcome flags of a sample (the shared contract of terminal outcomes): `no_reasoning`,
 * `truncated`, `failed`, `invalid` (a judge reply without a usable verdict), `unjudged`
 * (no verdict of the chosen judge yet), and `flagged` for any of these.
 */
export const OUTCOME_FLAGS = /** @type {const} */ (["no_reasoning", "truncated", "failed", "invalid", "unjudged"]);

/**
 * @typedef {Partial<Record<(typeof FILTER_KEYS)[number], string>>} Filter
 * @typedef {{ id: string, scenario: string, code: string, categories: string[], subcategories: string[] }} QuestionMeta
 * @typedef {{ answer: string, reasoning: string, correct: boolean }} Verdicts
 * @typedef {{ outcome: string | null, verdicts: Record<string, Verdicts>, tokens?: number | null }} SampleMeta
 */

/**
 * Read a filter from a URL hash or query string (`#id=q1&category=Rumors`); unknown keys
 * and empty values are dropped.
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { parseFilter } from "./filter.js";
 * assert.deepEqual(parseFilter("#id=q1&nope=2&q="), { id: "q1" });
 * ```
 *
 * @param {string} text The URL hash or query string.
 * @returns {Filter} The filter's keys that have a value.
 */
export function parseFilter(text) {
  /** @type {Record<string, string>} */
  const out = {};
  const params = new URLSearchParams(text.replace(/^[#?]/, ""));
  for (const key of FILTER_KEYS) {
    const v = params.get(key);
    if (v !== null && v.trim() !== "") out[key] = v.trim();
  }
  return out;
}

/**
 * Write a filter as `key=value` pairs joined by `&`, keys in {@linkcode FILTER_KEYS} order.
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { formatFilter } from "./filter.js";
 * assert.equal(formatFilter({ q: "a b", id: "q1" }), "id=q1&q=a%20b");
 * ```
 *
 * @param {Filter} filter The filter.
 * @returns {string} The `key=value` pairs.
 */
export function formatFilter(filter) {
  /** @type {Record<string, string | undefined>} */
  const f = filter;
  return FILTER_KEYS.filter((k) => f[k]).map((k) => `${k}=${encodeURIComponent(/** @type {string} */ (f[k]))}`)
    .join("&");
}

/**
 * The judge label a filter reads verdicts from.
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { judgeOf } from "./filter.js";
 * assert.equal(judgeOf({}), "default");
 * ```
 *
 * @param {Filter} filter The filter.
 * @returns {string} The label (`default` when none is set).
 */
export function judgeOf(filter) {
  return filter.judge ?? "default";
}

/**
 * Whether a question passes the question-level filters (id, scenario, category, subcategory).
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { matchesQuestion } from "./filter.js";
 * const q = { id: "q1", scenario: "Risk Omission", code: "RO", categories: ["Rumors"], subcategories: [] };
 * assert(matchesQuestion(q, { scenario: "RO", category: "Rumors" }));
 * assert(!matchesQuestion(q, { id: "q2" }));
 * ```
 *
 * @param {QuestionMeta} q The question's id, scenario, category and subcategory.
 * @param {Filter} f The filter.
 * @returns {boolean} True when it passes.
 */
export function matchesQuestion(q, f) {
  if (f.id && q.id !== f.id) return false;
  if (f.scenario && q.scenario !== f.scenario && q.code !== f.scenario) return false;
  if (f.category && !q.categories.includes(f.category)) return false;
  if (f.subcategory && !q.subcategories.includes(f.subcategory)) return false;
  return true;
}

/**
 * The outcome flags of a sample under a judge (empty for a clean, judged sample).
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { sampleFlags } from "./filter.js";
 * const s = { outcome: "no_reasoning", verdicts: { default: { answer: "invalid", reasoning: "no_reasoning", correct: false } } };
 * assert.deepEqual(sampleFlags(s, "default"), ["no_reasoning", "invalid"]);
 * assert.deepEqual(sampleFlags(s, "other"), ["no_reasoning", "unjudged"]);
 * ```
 *
 * @param {SampleMeta} s The sample's outcome and verdicts.
 * @param {string} judge The judge's label.
 * @returns {string[]} The flags, in {@linkcode OUTCOME_FLAGS} order.
 */
export function sampleFlags(s, judge) {
  /** @type {Set<string>} */
  const flags = new Set();
  if (s.outcome && s.outcome !== "ok") flags.add(s.outcome);
  const v = s.verdicts[judge];
  if (!v) flags.add("unjudged");
  else {
    for (const x of [v.answer, v.reasoning]) if (SENTINELS.includes(x)) flags.add(x);
  }
  return OUTCOME_FLAGS.filter((x) => flags.has(x));
}

/**
 * Whether a sample passes the sample-level filters (answer, reasoning, cell, outcome).
 * `reasoning` takes a rubric value, a sentinel, `correct` (the scenario's target) or `wrong`
 * (a judged verdict other than the target). The cells take judged verdicts only: a sample whose
 * verdict is a sentinel is found with `outcome`.
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { matchesSample } from "./filter.js";
 * const s = { outcome: "ok", verdicts: { default: { answer: "Safe", reasoning: "False", correct: false } } };
 * assert(matchesSample(s, { cell: "safe-wrong" }));
 * assert(!matchesSample(s, { reasoning: "correct" }));
 * ```
 *
 * @param {SampleMeta} s The sample's outcome and verdicts.
 * @param {Filter} f The filter.
 * @returns {boolean} True when it passes.
 */
export function matchesSample(s, f) {
  const judge = judgeOf(f);
  const v = s.verdicts[judge];
  if ((f.answer || f.reasoning || f.cell) && !v) return false;
  if (v) {
    if (f.answer && v.answer !== f.answer) return false;
    if (f.reasoning) {
      const want = f.reasoning;
      if (want === "correct" ? !v.correct : want === "wrong" ? !_judgedWrong(v) : v.reasoning !== want) return false;
    }
    if (f.cell) {
      // Judged verdicts only: a sentinel (invalid, no_reasoning, failed, truncated) is in no cell.
      const [a, r] = f.cell.split("-");
      if (v.answer !== (a === "safe" ? "Safe" : "Unsafe")) return false;
      if (r === "right" ? !v.correct : !_judgedWrong(v)) return false;
    }
  }
  if (f.outcome) {
    const flags = sampleFlags(s, judge);
    if (f.outcome === "flagged" ? flags.length === 0 : !flags.includes(f.outcome)) return false;
  }
  if (f.differ === "judges" && !judgesDiffer(s)) return false;
  return true;
}

/**
 * Whether two judges labelled a sample differently (answer verdict or reasoning verdict).
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { judgesDiffer } from "./filter.js";
 * const v = (answer, reasoning) => ({ answer, reasoning, correct: reasoning === "True" });
 * assert(judgesDiffer({ outcome: "ok", verdicts: { default: v("Safe", "True"), b: v("Safe", "False") } }));
 * assert(!judgesDiffer({ outcome: "ok", verdicts: { default: v("Safe", "True"), b: v("Safe", "True") } }));
 * assert(!judgesDiffer({ outcome: "ok", verdicts: { default: v("Safe", "True") } })); // one judge
 * ```
 *
 * @param {SampleMeta} s The sample's verdicts by judge label.
 * @returns {boolean} True when at least two judges gave different verdicts.
 */
export function judgesDiffer(s) {
  const all = Object.values(s.verdicts);
  return all.some((v) => v.answer !== all[0].answer || v.reasoning !== all[0].reasoning);
}

/**
 * Per run, the share of Safe answers and of correct reasoning over its judged samples of one
 * question under a judge (null for a run with none judged).
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { runShares } from "./filter.js";
 * const s = (answer, correct) => ({ outcome: "ok", verdicts: { default: { answer, reasoning: "x", correct } } });
 * assert.deepEqual(runShares([[s("Safe", true), s("Unsafe", true)], []], "default"), [{ safe: 0.5, think: 1 }, null]);
 * ```
 *
 * @param {SampleMeta[][]} perRun Each shown run's samples of the question.
 * @param {string} judge The judge's label.
 * @returns {({ safe: number, think: number } | null)[]} One entry per run.
 */
export function runShares(perRun, judge) {
  return perRun.map((samples) => {
    const judged = samples.map((s) => s.verdicts[judge]).filter(Boolean);
    if (!judged.length) return null;
    return {
      safe: judged.filter((v) => v.answer === "Safe").length / judged.length,
      think: judged.filter((v) => v.correct).length / judged.length,
    };
  });
}

/**
 * Whether the shown runs differ on a question: at least two runs have judged samples and
 * their shares of Safe answers or of correct reasoning are not all equal.
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { runsDiffer } from "./filter.js";
 * const s = (answer) => ({ outcome: "ok", verdicts: { default: { answer, reasoning: "x", correct: true } } });
 * assert(runsDiffer([[s("Safe")], [s("Unsafe")]], "default"));
 * assert(!runsDiffer([[s("Safe")], [s("Safe"), s("Safe")]], "default"));
 * assert(!runsDiffer([[s("Safe")]], "default"));
 * ```
 *
 * @param {SampleMeta[][]} perRun Each shown run's samples of the question.
 * @param {string} judge The judge's label.
 * @returns {boolean} True when the runs disagree.
 */
export function runsDiffer(perRun, judge) {
  const shares = runShares(perRun, judge).filter((x) => x !== null);
  return shares.length >= 2 && shares.some((x) => x.safe !== shares[0].safe || x.think !== shares[0].think);
}

/**
 * A question's key under a {@linkcode SORTS} order (lower sorts first), from its shown runs'
 * samples: `safe` / `think` the share over every judged sample, `spread` minus the widest gap
 * between two runs, `tokens` minus the longest completion; questions without a value go last.
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { sortKey } from "./filter.js";
 * const s = (answer, tokens) => ({ outcome: "ok", tokens, verdicts: { default: { answer, reasoning: "x", correct: false } } });
 * assert.equal(sortKey([[s("Safe", 5), s("Unsafe", 9)]], "default", "safe"), 0.5);
 * assert.equal(sortKey([[s("Safe", 5), s("Unsafe", 9)]], "default", "tokens"), -9);
 * assert.equal(sortKey([[s("Safe", 1)], [s("Unsafe", 1)]], "default", "spread"), -1);
 * ```
 *
 * @param {SampleMeta[][]} perRun Each shown run's samples of the question.
 * @param {string} judge The judge's label.
 * @param {string} sort The order (a key of {@linkcode SORTS}).
 * @returns {number} The key (Infinity when the question has nothing to sort by).
 */
export function sortKey(perRun, judge, sort) {
  if (sort === "tokens") {
    const t = perRun.flat().map((s) => s.tokens).filter((x) => typeof x === "number");
    return t.length ? -Math.max(.../** @type {number[]} */ (t)) : Infinity;
  }
  if (sort === "spread") {
    const shares = runShares(perRun, judge).filter((x) => x !== null);
    if (shares.length < 2) return Infinity;
    const gap = (/** @type {"safe" | "think"} */ m) =>
      Math.max(...shares.map((x) => x[m])) - Math.min(...shares.map((x) => x[m]));
    return -Math.max(gap("safe"), gap("think"));
  }
  const judged = perRun.flat().map((s) => s.verdicts[judge]).filter(Boolean);
  if (!judged.length) return Infinity;
  const pass = sort === "safe" ? judged.filter((v) => v.answer === "Safe") : judged.filter((v) => v.correct);
  return pass.length / judged.length;
}

/**
 * A reasoning verdict the judge gave that is not the scenario's target (not a sentinel).
 *
 * @param {Verdicts} v
 * @returns {boolean}
 */
function _judgedWrong(v) {
  return !v.correct && !SENTINELS.includes(v.reasoning);
}

/** Verdict values that record an outcome rather than a judgment. */
export const SENTINELS = ["invalid", "no_reasoning", "failed", "truncated"];

/**
 * Whether any of the texts holds the free-text query (case-insensitive; every word must appear
 * in the same text).
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { matchesText } from "./filter.js";
 * assert(matchesText(["How to pick a LOCK", null], "lock pick"));
 * assert(!matchesText(["lock", "pick"], "lock pick"));
 * ```
 *
 * @param {(string | null | undefined)[]} texts The texts to search.
 * @param {string | undefined} q The query (undefined or empty: everything matches).
 * @returns {boolean} True when one text holds every word.
 */
export function matchesText(texts, q) {
  if (!q) return true;
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return texts.some((t) => {
    if (!t) return false;
    const low = t.toLowerCase();
    return words.every((w) => low.includes(w));
  });
}

/**
 * The run indexes a filter shows (`runs=0,2`), or all of them.
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { shownRuns } from "./filter.js";
 * assert.deepEqual(shownRuns({ runs: "1,9" }, 2), [1]);
 * assert.deepEqual(shownRuns({}, 2), [0, 1]);
 * ```
 *
 * @param {Filter} f The filter.
 * @param {number} nRuns How many runs are shown side by side.
 * @returns {number[]} The run indexes.
 */
export function shownRuns(f, nRuns) {
  const all = Array.from({ length: nRuns }, (_, i) => i);
  if (!f.runs) return all;
  const picked = f.runs.split(",").map((s) => Number(s.trim())).filter((i) =>
    Number.isInteger(i) && i >= 0 && i < nRuns
  );
  return picked.length ? [...new Set(picked)] : all;
}

/**
 * @typedef {{ key: string, value: string, valid: string[] }} FilterProblem
 * @typedef {{
 *   runs: { index: number }[],
 *   judges: string[],
 *   scenarios: { name: string, code: string }[],
 *   categories: string[],
 *   subcategories: Record<string, string[]>,
 *   answerVerdicts: string[],
 *   reasoningVerdicts: string[],
 * }} FilterChoices
 */

/**
 * What in a URL hash (or query string) the viewer cannot show: an unknown key, or a value off
 * its key's list (`cell=nope`), each with the values it may take, so the page rejects the
 * link and says what would work instead of silently showing everything or nothing. `id` and
 * `q` take any text; `subcategory` is checked against the chosen category's.
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { filterProblems } from "./filter.js";
 * const choices = { runs: [{ index: 0 }], judges: ["default"], scenarios: [{ name: "Risk Omission", code: "RO" }],
 *   categories: ["Rumors"], subcategories: { Rumors: ["Fake news"] }, answerVerdicts: ["Safe"], reasoningVerdicts: ["True"] };
 * assert.deepEqual(filterProblems("#scenario=RO&category=Rumors", choices), []);
 * const [p] = filterProblems("#cell=nope", choices);
 * assert.equal(p.key, "cell");
 * assert.deepEqual(p.valid, ["safe-wrong", "safe-right", "unsafe-right", "unsafe-wrong"]);
 * assert.equal(filterProblems("#runs=0,3&colour=red", choices).length, 2);
 * ```
 *
 * @param {string} text The URL hash or query string.
 * @param {FilterChoices} choices What the runs and dataset offer (the viewer's meta).
 * @param {string[]} [ignore] Keys that are not the filter's (e.g. `offset`), left alone.
 * @returns {FilterProblem[]} One entry per key that cannot be shown (empty: the filter is fine).
 */
export function filterProblems(text, choices, ignore = []) {
  /** @type {FilterProblem[]} */
  const out = [];
  const params = new URLSearchParams(text.replace(/^[#?]/, ""));
  /** @type {Record<string, string[]>} */
  const valid = {
    scenario: choices.scenarios.flatMap((s) => [s.code, s.name]),
    category: choices.categories,
    answer: choices.answerVerdicts,
    reasoning: choices.reasoningVerdicts,
    cell: Object.keys(CELLS),
    outcome: ["flagged", ...OUTCOME_FLAGS],
    judge: [...new Set(["default", ...choices.judges])],
    differ: Object.keys(DIFFER),
    sort: Object.keys(SORTS),
    view: Object.keys(VIEWS),
  };
  const category = params.get("category")?.trim();
  valid.subcategory = category && choices.subcategories[category]
    ? choices.subcategories[category]
    : [...new Set(Object.values(choices.subcategories).flat())].sort();
  const runIndexes = choices.runs.map((r) => String(r.index));
  for (const [key, raw] of params) {
    const value = raw.trim();
    if (ignore.includes(key)) continue;
    if (!(/** @type {readonly string[]} */ (FILTER_KEYS)).includes(key)) {
      out.push({ key, value, valid: [...FILTER_KEYS] });
      continue;
    }
    if (value === "" || key === "id" || key === "q") continue;
    if (key === "runs") {
      const bad = value.split(",").some((i) => !runIndexes.includes(i.trim()));
      if (bad) out.push({ key, value, valid: runIndexes });
      continue;
    }
    if (!valid[key].includes(value)) out.push({ key, value, valid: valid[key] });
  }
  return out;
}

/**
 * The sentence a page or an API error shows for the problems of a filter.
 *
 * @example
 * ```js
 * import assert from "node:assert/strict";
 * import { describeProblems } from "./filter.js";
 * assert.equal(describeProblems([{ key: "cell", value: "nope", valid: ["safe-wrong"] }]),
 *   "cell=nope is not a value this viewer can show; valid: safe-wrong");
 * ```
 *
 * @param {FilterProblem[]} problems The problems ({@linkcode filterProblems}).
 * @returns {string} One clause per problem, joined by "; also ".
 */
export function describeProblems(problems) {
  return problems.map((p) =>
    (/** @type {readonly string[]} */ (FILTER_KEYS)).includes(p.key)
      ? `${p.key}=${p.value} is not a value this viewer can show; valid: ${p.valid.join(", ")}`
      : `'${p.key}' is not a filter key; valid keys: ${p.valid.join(", ")}`
  ).join("; also ");
}
