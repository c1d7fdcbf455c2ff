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
      el("span", { className: "lab" }, `reasoning${s.reasoning_source ? ` (${s.reasoning_source})` : ""}`),
      s.reasoning,
    );
  reasoning.addEventListener("click", () => reasoning.classList.toggle("open"));
  card.append(
    reasoning,
    el(
      "div",
      { className: "answer" },
      el(
        "span",
        { className: "lab" },
        `answer${s.finish_reason && s.finish_reason !== "stop" ? ` (finish: ${s.finish_reason})` : ""}`,
      ),
      s.answer ?? "",
    ),
  );
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

/** @param {string} v */
function _answerClass(v) {
  return v === "Safe" ? "good" : v === "Unsafe" ? "bad" : "odd";
}

const STRIP_METRICS = ["Safe@1", "Safe@k", "Think@1", "Think@k", "F-score", "RO@1", "CS@1", "OS@1"];

/**
 * The summary strip: per run, questions and samples scored, and the metrics.
 *
 * @param {{ rows: any[], warnings: string[], scope: string }} strip
 * @param {string} [note] a line added under the table
 * @returns {HTMLElement}
 */
export function renderStrip(strip, note) {
  const fmt = (/** @type {unknown} */ v) => (typeof v === "number" ? v.toFixed(2) : "–");
  const table = el("table", { className: "scores" });
  table.append(el("tr", {}, ...["run", "questions", "samples", ...STRIP_METRICS].map((h) => el("th", {}, h))));
  for (const r of strip.rows) {
    table.append(el(
      "tr",
      {},
      el("td", {}, String(r.run)),
      el("td", {}, String(r.questions ?? 0)),
      el("td", {}, String(r.samples ?? 0)),
      ...STRIP_METRICS.map((m) => el("td", {}, fmt(r[m]))),
    ));
  }
  const box = el("div", {}, table, el("div", { className: "scope muted" }, strip.scope));
  for (const w of strip.warnings) box.append(el("div", { className: "warning" }, `warning: ${w}`));
  if (note) box.append(el("div", { className: "note" }, note));
  return box;
}
