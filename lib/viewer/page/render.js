// @ts-check
/// <reference lib="dom" />
/**
 * Drawing the viewer's parts. Every text from a run (model output, judge replies) and from the
 * dataset goes into the page as a text node, never as HTML: model output is untrusted.
 * A review mode adds to each sample card through {@linkcode sampleDecorators}.
 * @module
 */

/**
 * Make an element: `props` sets properties (className, title, tabIndex...) and `data-*` through
 * `dataset`; string children become text nodes.
 *
 * @param {string} tag
 * @param {Record<string, unknown> & { dataset?: Record<string, string> }} [props]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "dataset") Object.assign(node.dataset, v);
    else Reflect.set(node, k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return node;
}

/**
 * Functions called with each sample card after it is drawn (card, sample, context): the hook a
 * review mode uses to add its controls without touching the viewer's drawing.
 * @type {((card: HTMLElement, sample: any, ctx: any) => void)[]}
 */
export const sampleDecorators = [];

const FLAG_TEXT = /** @type {Record<string, string>} */ ({
  no_reasoning: "no reasoning",
  truncated: "truncated",
  failed: "failed",
  invalid: "invalid verdict",
  unjudged: "not judged yet",
});

/**
 * One question with its samples per shown run, side by side.
 *
 * @param {any} item a page item: `{ question, runs: [{ run, samples, total }] }`
 * @param {{ meta: any, judge: string }} ctx
 * @returns {HTMLElement}
 */
export function renderQuestion(item, ctx) {
  const q = item.question;
  const risks = q.risks.map((/** @type {any} */ r) => `${r.category} › ${r.subcategory}`).join(" · ");
  const head = el(
    "div",
    { className: "qhead" },
    el("a", { className: "qid", href: `#id=${encodeURIComponent(q.id)}`, title: "only this question" }, q.id),
    el("span", { className: `scenario s-${q.code}` }, q.scenario),
    el("span", { className: "risks" }, risks || "(not in the dataset)"),
  );
  const texts = el(
    "div",
    { className: "qtexts" },
    el("div", { className: "query" }, el("span", { className: "lab" }, "question"), q.query),
    el("div", { className: "risk" }, el("span", { className: "lab" }, "risk summary"), q.risk_summary),
  );
  const cols = el("div", { className: `runs n${item.runs.length}` });
  for (const r of item.runs) {
    const info = ctx.meta.runs[r.run];
    const col = el(
      "div",
      { className: "run", dataset: { run: String(r.run) } },
      el(
        "div",
        { className: "runhead" },
        el("span", { className: "runlabel" }, info.label),
        el("span", { className: "muted" }, ` ${r.samples.length} of ${r.total} samples match`),
      ),
    );
    if (!r.samples.length) {
      col.append(
        el(
          "p",
          { className: "muted none" },
          r.total ? "no sample of this run matches the filter" : "no sample of this question in this run",
        ),
      );
    }
    for (const s of r.samples) col.append(renderSample(s, { ...ctx, question: q }));
    cols.append(col);
  }
  return el("section", { className: "question", dataset: { id: q.id } }, head, texts, cols);
}

/**
 * One sample: flags, each judge's verdicts, the reasoning (collapsible), the answer and the
 * judges' raw replies when stored.
 *
 * @param {any} s
 * @param {{ meta: any, judge: string, question: any }} ctx
 * @returns {HTMLElement}
 */
export function renderSample(s, ctx) {
  const flags = el("span", { className: "flags" });
  for (const f of s.flags) flags.append(el("span", { className: `flag f-${f}` }, FLAG_TEXT[f] ?? f));
  const verdicts = el("div", { className: "verdicts" });
  for (const j of s.judgments) {
    const chosen = j.label === ctx.judge;
    verdicts.append(el(
      "span",
      { className: `judgment${chosen ? " chosen" : ""}`, title: j.model ? `judge model ${j.model}` : "judge" },
      el("span", { className: "jlabel" }, j.label),
      el("span", { className: `v ${_answerClass(j.answer_verdict)}` }, `answer ${j.answer_verdict}`),
      el("span", { className: `v ${j.correct ? "good" : "bad"}` }, `reasoning ${j.reasoning_verdict}`),
    ));
  }
  const card = el(
    "article",
    { className: "sample", tabIndex: -1, dataset: { run: String(s.run), id: s.id, sample: String(s.sample) } },
    el("div", { className: "shead" }, el("span", { className: "sno" }, `sample ${s.sample}`), flags, verdicts),
  );
  if (s.error) card.append(el("div", { className: "error" }, el("span", { className: "lab" }, "error"), s.error));
  const reasoning = s.reasoning === null
    ? el(
      "div",
      { className: "reasoning empty muted" },
      s.answer === null ? "(not generated yet)" : "(no reasoning shown)",
    )
    : el(
      "div",
      { className: "reasoning", title: "click or press r to expand" },
      el(
        "span",
        { className: "lab" },
        "reasoning",
        SOURCE_TEXT[s.reasoning_source]
          ? el("span", { className: "src" }, ` · ${SOURCE_TEXT[s.reasoning_source]}`)
          : null,
      ),
      s.reasoning,
    );
  reasoning.addEventListener("click", () => reasoning.classList.toggle("open"));
  const facts = sampleFacts(s);
  card.append(
    reasoning,
    el("div", { className: "answer" }, el("span", { className: "lab" }, "answer"), s.answer ?? ""),
  );
  if (facts) card.append(el("div", { className: "facts muted" }, facts));
  for (const j of s.judgments) {
    for (const [what, raw] of [["answer", j.answer_raw], ["reasoning", j.reasoning_raw]]) {
      if (raw === undefined) continue;
      card.append(
        el("details", { className: "raw" }, el("summary", {}, `${j.label}: raw ${what} reply`), el("pre", {}, raw)),
      );
    }
    if (j.error) {
      card.append(el("div", { className: "error" }, el("span", { className: "lab" }, `${j.label} error`), j.error));
    }
  }
  for (const d of sampleDecorators) d(card, s, ctx);
  return card;
}

/**
 * Where the reasoning was found in the reply, in words (the record's `reasoning_source`).
 * @type {Record<string, string>}
 */
export const SOURCE_TEXT = {
  reasoning_content: "from the reply's reasoning field",
  reasoning: "from the reply's reasoning field",
  think_tag: "from <think> tags in the reply",
  unterminated_think: "from a <think> tag the reply never closed",
};

/**
 * Why the reply ended, in words (the record's `finish_reason`).
 * @type {Record<string, string>}
 */
const FINISH_TEXT = {
  stop: "ended normally",
  length: "cut by the length limit",
  content_filter: "stopped by the provider's content filter",
  tool_calls: "ended in a tool call",
};

/**
 * A sample's recorded facts in one line: tokens, time taken, why the reply ended (only what the
 * record holds).
 *
 * @param {any} s A sample as the server sends it.
 * @returns {string} The line, or "" when nothing is recorded.
 */
export function sampleFacts(s) {
  const parts = [];
  if (typeof s.prompt_tokens === "number" || typeof s.completion_tokens === "number") {
    parts.push(`${s.prompt_tokens ?? "?"} prompt + ${s.completion_tokens ?? "?"} completion tokens`);
  }
  if (typeof s.latency_ms === "number") parts.push(`${(s.latency_ms / 1000).toFixed(2)} s`);
  if (s.finish_reason) parts.push(FINISH_TEXT[s.finish_reason] ?? `finish reason ${s.finish_reason}`);
  return parts.join(" · ");
}

/**
 * The compact table: one row per sample of the page's questions (question, scenario, run,
 * sample, each verdict of the chosen judge, flags, tokens, the answer's start); a row's id
 * opens the question.
 *
 * @param {any[]} pageItems Page items (`{ question, runs }`).
 * @param {{ meta: any, judge: string }} ctx
 * @returns {HTMLElement[]} The table's rows.
 */
export function renderRows(pageItems, ctx) {
  /** @type {HTMLElement[]} */
  const out = [];
  for (const item of pageItems) {
    const q = item.question;
    for (const r of item.runs) {
      for (const s of r.samples) {
        const j = s.judgments.find((/** @type {any} */ x) => x.label === ctx.judge);
        const answer = (s.answer ?? "").replace(/\s+/g, " ");
        out.push(el(
          "tr",
          { className: "row", dataset: { id: q.id, run: String(r.run), sample: String(s.sample) } },
          el("td", {}, el("a", { href: `#id=${encodeURIComponent(q.id)}`, title: "open this question" }, q.id)),
          el("td", {}, q.code || q.scenario),
          el("td", {}, ctx.meta.runs[r.run].label),
          el("td", { className: "num" }, String(s.sample)),
          el("td", { className: j ? _answerClass(j.answer_verdict) : "odd" }, j ? j.answer_verdict : "–"),
          el("td", { className: j ? (j.correct ? "good" : "bad") : "odd" }, j ? j.reasoning_verdict : "–"),
          el("td", {}, s.flags.map((/** @type {string} */ f) => FLAG_TEXT[f] ?? f).join(", ")),
          el("td", { className: "num" }, typeof s.completion_tokens === "number" ? String(s.completion_tokens) : "–"),
          el(
            "td",
            { className: "snippet", title: s.answer ?? "" },
            answer.length > 140 ? `${answer.slice(0, 140)}…` : answer,
          ),
        ));
      }
    }
  }
  return out;
}

/** The compact table's header row. */
export const TABLE_HEAD = [
  "question",
  "scenario",
  "run",
  "sample",
  "answer",
  "reasoning",
  "flags",
  "tokens",
  "answer text",
];

/** @param {string} v */
function _answerClass(v) {
  return v === "Safe" ? "good" : v === "Unsafe" ? "bad" : "odd";
}

// The paper's order; the server sends its own list with the scores (an older export may lack it).
const STRIP_METRICS = ["Safe@1", "Safe@k", "Think@1", "Think@k", "F-score", "OS@1", "CS@1", "RO@1"];

/**
 * The summary strip: per run, questions and samples scored, and the metrics.
 *
 * @param {{ rows: any[], warnings: string[], scope: string, metrics?: string[] }} strip
 * @param {string} [note] a line added under the table
 * @returns {HTMLElement}
 */
export function renderStrip(strip, note) {
  const fmt = (/** @type {unknown} */ v) => (typeof v === "number" ? v.toFixed(2) : "–");
  const table = el("table", { className: "scores" });
  const metrics = strip.metrics ?? STRIP_METRICS;
  table.append(el("tr", {}, ...["run", "questions", "samples", ...metrics].map((h) => el("th", {}, h))));
  for (const r of strip.rows) {
    table.append(el(
      "tr",
      {},
      el("td", {}, String(r.run)),
      el("td", {}, String(r.questions ?? 0)),
      el("td", {}, String(r.samples ?? 0)),
      ...metrics.map((m) => el("td", {}, fmt(r[m]))),
    ));
  }
  const box = el("div", {}, table, el("div", { className: "scope muted" }, strip.scope));
  for (const w of strip.warnings) box.append(el("div", { className: "warning" }, `warning: ${w}`));
  if (note) box.append(el("div", { className: "note" }, note));
  return box;
}
