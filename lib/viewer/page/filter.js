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
 * verdicts filter and score (`default`: judgments.jsonl); `runs` the runs shown (indexes, comma-separated).
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
]);

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
 * @typedef {{ outcome: string | null, verdicts: Record<string, Verdicts> }} SampleMeta
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
  return true;
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
