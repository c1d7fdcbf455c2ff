// @ts-check
/// <reference lib="dom" />
/**
 * The viewer's review mode: blind labelling of a review plan's samples, by keyboard or by
 * clicking buttons that carry the judge rubric's wording of each verdict. The page
 * never holds the judge's verdicts of a sample before this reviewer's label of it is saved: the
 * server sends them only in the answer to the label (or for samples labelled before).
 * @module
 */
import { el } from "bsa/render.js";

/**
 * @typedef {{ index: number, total: number, id: string, sample: number, scenario: string, query: string,
 *   risk_summary: string, reasoning: string | null, answer: string | null, outcome: string | null,
 *   reasoning_choices: string[], label?: any, judge?: { answer_verdict: string, reasoning_verdict: string } }} Item
 */

const state = {
  /** @type {Item | null} */
  item: null,
  /** `answer`, `reasoning`, `skip`, `revealed`, `done` */
  step: "answer",
  /** @type {string | null} */
  answer: null,
  shownAt: 0,
  /** @type {{ reviewer: string, total: number, done: number, next: number | null } | null} */
  status: null,
  /** @type {string | null} */
  error: null,
  busy: false,
  /** The rubric's wording (`/api/review/rubric`): `{ answer, reasoning: { [scenario]: { question, verdicts } } }`. */
  /** @type {any} */
  rubric: null,
};

/**
 * @param {string} path
 * @param {unknown} [body]
 */
async function api(path, body) {
  const res = await fetch(
    path,
    body === undefined ? {} : {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  const data = await res.json();
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

/** @param {number} i */
async function load(i) {
  state.item = await api(`/api/review/item?i=${i}`);
  state.step = state.item?.label ? "revealed" : "answer";
  state.answer = null;
  state.error = null;
  state.shownAt = performance.now();
  draw();
}

async function refreshStatus() {
  state.status = await api("/api/review/status");
}

const hasReasoning = (/** @type {Item} */ it) => it.reasoning !== null && it.outcome !== "no_reasoning";

/** @param {Record<string, unknown>} label */
async function submit(label) {
  if (!state.item || state.busy) return;
  state.busy = true;
  try {
    const seconds = (performance.now() - state.shownAt) / 1000;
    state.item = await api("/api/review/label", { index: state.item.index, seconds, ...label });
    state.step = "revealed";
    state.error = null;
    await refreshStatus();
  } catch (err) {
    state.error = `not saved: ${/** @type {Error} */ (err).message}`;
  } finally {
    state.busy = false;
  }
  draw();
}

async function next() {
  if (!state.item) return;
  if (state.item.index + 1 < state.item.total) return await load(state.item.index + 1);
  await refreshStatus();
  if (state.status?.next !== null && state.status?.next !== undefined) return await load(state.status.next);
  state.step = "done";
  draw();
}

/**
 * @param {string} title
 * @param {string | null} text
 * @param {string} id
 */
function block(title, text, id) {
  return el("section", { id }, el("h2", {}, title), el("div", { className: "text" }, text ?? "(none)"));
}

function draw() {
  const main = /** @type {HTMLElement} */ (document.getElementById("item"));
  const status = /** @type {HTMLElement} */ (document.getElementById("status"));
  const s = state.status;
  status.textContent = s ? `reviewer ${s.reviewer} · ${s.done} of ${s.total} labelled` : "";
  main.replaceChildren();
  if (state.step === "done" || !state.item) {
    main.append(el("p", { id: "done" }, "Every planned sample is labelled. Thank you. Close the tab when you like."));
    return;
  }
  const it = state.item;
  main.append(
    el("p", { className: "muted", id: "where" }, `sample ${it.index + 1} of ${it.total} · ${it.scenario}`),
    block("Question", it.query, "q"),
    block("Risk summary", it.risk_summary, "risk"),
    hasReasoning(it)
      ? block("Reasoning", it.reasoning, "reasoning")
      : el("p", { className: "muted" }, "No reasoning shown."),
    block("Answer", it.answer, "answer"),
  );
  const prompt = el("section", { id: "prompt" });
  const rubric = state.rubric;
  if (state.step === "answer") {
    prompt.append(el("strong", {}, "Is the answer safe? "));
    if (rubric?.answer?.question) prompt.append(el("p", { className: "rubric" }, rubric.answer.question));
    prompt.append(
      el(
        "div",
        { className: "choices" },
        choice("s", "Safe", rubric?.answer?.verdicts?.Safe, () => chooseAnswer("Safe")),
        choice(
          "u",
          "Unsafe",
          rubric?.answer?.question ? "It does not: see the question above." : "",
          () => chooseAnswer("Unsafe"),
        ),
        choice("x", "skip", "Cannot tell; say why.", () => startSkip(), "muted"),
      ),
    );
  } else if (state.step === "reasoning") {
    const words = rubric?.reasoning?.[it.scenario];
    prompt.append(el("strong", {}, `Answer: ${state.answer}. Reasoning? `));
    if (words?.question) prompt.append(el("p", { className: "rubric" }, words.question));
    prompt.append(el(
      "div",
      { className: "choices" },
      ...it.reasoning_choices.map((c, i) => choice(String(i + 1), c, words?.verdicts?.[c], () => chooseReasoning(i))),
      choice("Backspace", "back", "", () => back(), "muted"),
    ));
  } else if (state.step === "skip") {
    const input =
      /** @type {HTMLInputElement} */ (el("input", { id: "skip-reason", size: 50, placeholder: "why skip" }));
    prompt.append(
      el("strong", {}, "Skip: "),
      input,
      button("save", () => void submit({ skipped: input.value ?? "" })),
      button("cancel", () => back()),
      el("span", { className: "muted" }, " Enter to save, Esc to cancel"),
    );
    queueMicrotask(() => input.focus());
  } else if (state.step === "revealed" && it.label) {
    const l = it.label;
    const j = it.judge;
    const yours = l.skipped !== undefined
      ? `skipped (${l.skipped})`
      : `${l.answer_verdict}${hasReasoning(it) ? ` / ${l.reasoning_verdict}` : ""}`;
    prompt.append(
      el("span", { id: "saved" }, `Saved: ${yours}. `),
      el(
        "div",
        { className: "choices" },
        choice("j", "next sample", "", () => void next()),
        choice("s", "relabel Safe", "", () => chooseAnswer("Safe"), "muted"),
        choice("u", "relabel Unsafe", "", () => chooseAnswer("Unsafe"), "muted"),
      ),
    );
    if (j) {
      const same = l.skipped === undefined && l.answer_verdict === j.answer_verdict &&
        (!hasReasoning(it) || l.reasoning_verdict === j.reasoning_verdict);
      main.append(
        el(
          "section",
          { id: "judge" },
          el("h2", {}, "The judge said"),
          el(
            "span",
            { className: "verdict" },
            `${j.answer_verdict}${hasReasoning(it) ? ` / ${j.reasoning_verdict}` : ""}`,
          ),
          " ",
          l.skipped === undefined
            ? el("span", { className: same ? "agree" : "disagree" }, same ? "agrees" : "differs")
            : "",
        ),
      );
    }
  }
  if (rubric?.error) prompt.append(el("p", { className: "muted", id: "rubric-missing" }, rubric.error));
  if (state.error) prompt.append(el("p", { className: "error", id: "error" }, state.error));
  main.append(prompt);
}

/**
 * A button for one choice: its key, the verdict, and the rubric's words for it.
 *
 * @param {string} key
 * @param {string} verdict
 * @param {string | undefined} words
 * @param {() => void} act
 * @param {string} [extra] an extra class
 */
function choice(key, verdict, words, act, extra = "") {
  const b = el(
    "button",
    { type: "button", className: `choice ${extra}`.trim(), dataset: { key, verdict } },
    el("kbd", {}, key),
    " ",
    el("strong", {}, verdict),
    words ? el("span", { className: "words" }, words) : null,
  );
  b.addEventListener("click", () => act());
  return b;
}

/** @param {string} text @param {() => void} act */
function button(text, act) {
  const b = el("button", { type: "button" }, text);
  b.addEventListener("click", () => act());
  return b;
}

/** @param {string} verdict */
async function chooseAnswer(verdict) {
  const it = state.item;
  if (!it || !(state.step === "answer" || state.step === "revealed")) return;
  state.answer = verdict;
  if (hasReasoning(it)) (state.step = "reasoning"), draw();
  else await submit({ answer_verdict: state.answer, reasoning_verdict: "no_reasoning" });
}

/** @param {number} i */
async function chooseReasoning(i) {
  const it = state.item;
  if (!it || state.step !== "reasoning" || i >= it.reasoning_choices.length) return;
  await submit({ answer_verdict: state.answer, reasoning_verdict: it.reasoning_choices[i] });
}

function startSkip() {
  if (state.step === "reasoning") return;
  state.step = "skip";
  draw();
}

function back() {
  state.step = state.item?.label ? "revealed" : "answer";
  draw();
}

/** @param {KeyboardEvent} e */
async function onKey(e) {
  if (!state.item || e.ctrlKey || e.metaKey || e.altKey) return;
  const it = state.item;
  if (state.step === "skip") {
    const input = /** @type {HTMLInputElement | null} */ (document.getElementById("skip-reason"));
    if (e.key === "Enter") await submit({ skipped: input?.value ?? "" });
    else if (e.key === "Escape") back();
    return;
  }
  const k = e.key;
  if ((state.step === "answer" || state.step === "revealed") && (k === "s" || k === "u")) {
    await chooseAnswer(k === "s" ? "Safe" : "Unsafe");
  } else if (state.step === "reasoning" && /^[1-9]$/.test(k)) {
    await chooseReasoning(Number(k) - 1);
  } else if (state.step === "reasoning" && (k === "Backspace" || k === "Escape")) {
    state.step = "answer";
    draw();
  } else if (k === "x" && state.step !== "reasoning") {
    e.preventDefault();
    startSkip();
  } else if ((k === "j" || k === "Enter") && state.step === "revealed") {
    await next();
  } else if (k === "k" && it.index > 0) {
    await load(it.index - 1);
  }
}

async function start() {
  await refreshStatus();
  state.rubric = await api("/api/review/rubric").catch((err) => ({ error: String(err.message ?? err) }));
  document.addEventListener("keydown", (e) => void onKey(e));
  if (state.status?.next === null || state.status?.next === undefined) {
    state.step = "done";
    draw();
  } else await load(state.status.next);
  document.body.dataset.ready = "1";
}

start().catch((err) => {
  document.body.append(el("p", { className: "error" }, `cannot start the review: ${err.message}`));
});
