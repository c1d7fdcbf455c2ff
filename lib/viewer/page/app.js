// @ts-check
/// <reference lib="dom" />
/**
 * The viewer page: filters (kept in the URL hash), the summary strip, and the list of
 * questions with their samples, loaded a page at a time as the reader scrolls; pages far
 * above the viewport are dropped (and fetched again when scrolled back to), so the page never
 * holds a whole large run. Keyboard: j/k sample, n/p question, r reasoning, / search.
 * @module
 */
import {
  CELLS,
  describeProblems,
  DIFFER,
  filterProblems,
  formatFilter,
  judgeOf,
  OUTCOME_FLAGS,
  parseFilter,
  SORTS,
  VIEWS,
} from "bsa/filter.js";
import { el, renderQuestion, renderRows, renderStrip, TABLE_HEAD } from "bsa/render.js";
import { HttpSource, InlineSource } from "bsa/source.js";

const PAGE = 4; // questions per request (a question holds k samples of each shown run)
const KEEP = 24; // questions kept in the page at most
const TABLE_PAGE = 25; // questions per request in the compact table
const TABLE_KEEP = 500; // questions the compact table holds at most (its rows are small)

const dataNode = document.getElementById("bsa-data");
const source = dataNode ? new InlineSource(JSON.parse(dataNode.textContent ?? "{}")) : new HttpSource();

/** The app's state, exposed as `window.bsaViewer` for tests and a review mode. */
export const state = {
  /** @type {any} */
  meta: null,
  /** @type {import("./filter.js").Filter} */
  filter: {},
  /** Questions matching the filter, and samples. */
  total: 0,
  samples: 0,
  /** Index of the first question drawn, and how many are drawn. */
  first: 0,
  count: 0,
  /** Heights of questions dropped from the top, by index, to scroll back smoothly. */
  /** @type {number[]} */
  heights: [],
  /** The generation a page request is in flight for (-1: none); an older one does not block a new query. */
  loading: -1,
  version: -1,
  /** Bumped by every new query so late answers of an old one are ignored. */
  generation: 0,
  /** What in the URL hash cannot be shown (see `filterProblems`). */
  /** @type {import("./filter.js").FilterProblem[]} */
  problems: [],
};
/** @type {any} */ (window).bsaViewer = state;

const list = /** @type {HTMLElement} */ (document.getElementById("list"));
const form = /** @type {HTMLFormElement} */ (document.getElementById("filters"));
const strip = /** @type {HTMLElement} */ (document.getElementById("strip"));
const topSpacer = el("div", { className: "spacer", id: "spacer-top" });
const items = el("div", { id: "items" });
const bottom = el("div", { className: "sentinel", id: "sentinel" });
const status = el("div", { className: "status muted", id: "status" });
list.append(topSpacer, items, bottom, status);

function ctx() {
  return { meta: state.meta, judge: judgeOf(state.filter) };
}

/** The compact table mode (`view=table`): one row per sample. */
function tableMode() {
  return state.filter.view === "table";
}

/** Draw page items at the end of the list (or in place of what it holds). */
function drawItems(/** @type {any[]} */ pageItems, replace = false) {
  if (tableMode()) {
    const body = /** @type {HTMLElement} */ (document.getElementById("rows"));
    const rows = renderRows(pageItems, ctx());
    if (replace) body.replaceChildren(...rows);
    else body.append(...rows);
    return;
  }
  const nodes = pageItems.map((item) => renderQuestion(item, ctx()));
  if (replace) items.replaceChildren(...nodes);
  else items.append(...nodes);
}

/** @param {HTMLSelectElement} select @param {[string, string][]} options */
function fill(select, options) {
  const value = /** @type {Record<string, string>} */ (state.filter)[select.name] ?? "";
  // A value from a link that the list lacks stays selectable, so the next change keeps it.
  if (value && !options.some(([v]) => v === value)) options = [...options, [value, value]];
  select.replaceChildren(el("option", { value: "" }, "any"), ...options.map(([v, t]) => el("option", { value: v }, t)));
  select.value = value;
}

function drawControls() {
  const m = state.meta;
  const f = state.filter;
  const sel = (/** @type {string} */ name) => /** @type {HTMLSelectElement} */ (form.elements.namedItem(name));
  fill(sel("scenario"), m.scenarios.map((/** @type {any} */ s) => [s.code, `${s.code} ${s.name}`]));
  fill(sel("category"), m.categories.map((/** @type {string} */ c) => [c, c]));
  const subs = f.category ? (m.subcategories[f.category] ?? []) : Object.values(m.subcategories).flat();
  fill(sel("subcategory"), [...new Set(/** @type {string[]} */ (subs))].sort().map((s) => [s, s]));
  fill(sel("answer"), m.answerVerdicts.map((/** @type {string} */ v) => [v, v]));
  fill(sel("reasoning"), m.reasoningVerdicts.map((/** @type {string} */ v) => [v, v]));
  fill(sel("cell"), Object.entries(CELLS));
  fill(sel("outcome"), [
    ["flagged", "any flag"],
    ...OUTCOME_FLAGS.map((o) => /** @type {[string, string]} */ ([o, o])),
  ]);
  fill(
    sel("judge"),
    m.judges.filter((/** @type {string} */ j) => j !== "default").map((/** @type {string} */ j) => [j, j]),
  );
  sel("judge").options[0].textContent = "default";
  const runOpts = m.runs.map((/** @type {any} */ r) => [String(r.index), r.label]);
  if (m.runs.length > 2) {
    for (let a = 0; a < m.runs.length; a++) {
      for (let b = a + 1; b < m.runs.length; b++) {
        runOpts.push([`${a},${b}`, `${m.runs[a].label} | ${m.runs[b].label}`]);
      }
    }
  }
  fill(sel("runs"), runOpts);
  fill(sel("differ"), Object.entries(DIFFER));
  fill(sel("sort"), Object.entries(SORTS));
  sel("sort").options[0].textContent = "dataset order";
  fill(sel("view"), Object.entries(VIEWS));
  sel("view").options[0].textContent = "cards";
  sel("runs").options[0].textContent = m.runs.length > 1 ? "all, side by side" : "all";
  for (const el_ of /** @type {any} */ (form.elements)) {
    if (el_.name) el_.value = /** @type {Record<string, string>} */ (f)[el_.name] ?? "";
  }
  const runs = /** @type {HTMLElement} */ (document.getElementById("runs"));
  runs.textContent = m.runs.map((/** @type {any} */ r) =>
    `${r.label}: ${r.generated} generated, ${
      Object.entries(r.judged).map(([l, n]) => `${n} judged (${l})`).join(", ") || "not judged"
    }${r.finished ? "" : " (in progress)"}`
  ).join(" · ");
}

function readForm() {
  /** @type {Record<string, string>} */
  const f = {};
  for (const e of /** @type {any} */ (form.elements)) if (e.name && e.value.trim()) f[e.name] = e.value.trim();
  return f;
}

/** Show the filter in the hash (one entry per change, so Back returns to the last slice). */
function setFilter(/** @type {import("./filter.js").Filter} */ f) {
  const hash = formatFilter(f);
  if (location.hash.replace(/^#/, "") !== hash) location.hash = hash;
  else void reload();
}

async function reload() {
  state.filter = parseFilter(location.hash);
  state.generation++;
  state.first = 0;
  state.count = 0;
  state.heights = [];
  topSpacer.style.height = "0px";
  items.replaceChildren();
  drawControls();
  // A link with a value no sample can have: say so and what would work, show nothing else.
  state.problems = filterProblems(location.hash, state.meta);
  const alert = /** @type {HTMLElement} */ (document.getElementById("problems"));
  alert.hidden = !state.problems.length;
  alert.textContent = state.problems.length ? `This link cannot be shown: ${describeProblems(state.problems)}.` : "";
  if (state.problems.length) {
    strip.replaceChildren();
    status.textContent = "";
    return;
  }
  if (tableMode()) {
    items.append(el(
      "table",
      { className: "compact", id: "compact" },
      el("thead", {}, el("tr", {}, ...TABLE_HEAD.map((h) => el("th", {}, h)))),
      el("tbody", { id: "rows" }),
    ));
  }
  // Samples first, then the scores (on a large run they take longer).
  await loadMore();
  await loadStrip();
}

async function loadStrip() {
  const gen = state.generation;
  try {
    const s = await source.scores(state.filter);
    if (gen !== state.generation) return;
    strip.replaceChildren(renderStrip(s, s.note));
  } catch (err) {
    strip.replaceChildren(el("div", { className: "warning" }, `scores: ${/** @type {Error} */ (err).message}`));
  }
}

/** Append the next page of questions, then drop questions far above the viewport. */
async function loadMore() {
  if (state.problems.length) return;
  const gen = state.generation;
  if (state.loading === gen) return;
  const offset = state.first + state.count;
  if (state.count > 0 && offset >= state.total) return;
  if (tableMode() && state.count >= TABLE_KEEP) return;
  state.loading = gen;
  try {
    const page = await source.query(state.filter, offset, tableMode() ? TABLE_PAGE : PAGE);
    if (gen !== state.generation) return;
    state.total = page.questions;
    state.samples = page.samples;
    state.version = page.version;
    drawItems(page.items);
    state.count += page.items.length;
    if (!tableMode()) trimTop();
    drawStatus();
  } catch (err) {
    status.textContent = `error: ${/** @type {Error} */ (err).message}`;
  } finally {
    if (state.loading === gen) state.loading = -1;
  }
  if (
    gen === state.generation && nearBottom() && state.first + state.count < state.total &&
    !(tableMode() && state.count >= TABLE_KEEP)
  ) void loadMore();
}

function drawStatus() {
  const shown = state.count ? `${state.first + 1}–${state.first + state.count}` : "0";
  const capped = tableMode() && state.count >= TABLE_KEEP && state.count < state.total;
  status.textContent = `${state.total} questions, ${state.samples} samples match; showing questions ${shown}` +
    (state.first + state.count >= state.total
      ? " (end)"
      : capped
      ? ` (the table holds ${TABLE_KEEP} questions at most: narrow the filter, or switch to cards to scroll on)`
      : " (scroll for more)");
  document.title = `bsa view: ${state.total} questions`;
}

function nearBottom() {
  return bottom.getBoundingClientRect().top < innerHeight * 2;
}

/** Keep at most KEEP questions in the page: drop the ones far above, remembering their height. */
function trimTop() {
  while (state.count > KEEP) {
    const node = /** @type {HTMLElement} */ (items.firstElementChild);
    if (node.getBoundingClientRect().bottom > -innerHeight) break;
    const h = node.getBoundingClientRect().height;
    state.heights[state.first] = h;
    topSpacer.style.height = `${parseFloat(topSpacer.style.height || "0") + h}px`;
    node.remove();
    state.first++;
    state.count--;
  }
}

/** Scrolled back into the dropped part: fetch the questions just above what is drawn. */
async function loadAbove() {
  if (tableMode()) return;
  const gen = state.generation;
  if (state.loading === gen || state.first === 0) return;
  const start = Math.max(0, state.first - PAGE);
  state.loading = gen;
  try {
    const page = await source.query(state.filter, start, state.first - start);
    if (gen !== state.generation) return;
    const nodes = page.items.map((/** @type {any} */ item) => renderQuestion(item, ctx()));
    items.prepend(...nodes);
    let removed = 0;
    for (let i = start; i < state.first; i++) removed += state.heights[i] ?? 0;
    topSpacer.style.height = `${Math.max(0, parseFloat(topSpacer.style.height || "0") - removed)}px`;
    state.count += state.first - start;
    state.first = start;
    // Drop from the bottom so the page stays bounded while scrolling up.
    while (state.count > KEEP && items.lastElementChild) {
      items.lastElementChild.remove();
      state.count--;
    }
    drawStatus();
  } finally {
    if (state.loading === gen) state.loading = -1;
  }
  if (gen === state.generation && nearTop()) void loadAbove();
}

function nearTop() {
  return state.first > 0 && topSpacer.getBoundingClientRect().bottom > -innerHeight / 2;
}

addEventListener("scroll", () => {
  if (nearBottom()) void loadMore();
  if (nearTop()) void loadAbove();
}, { passive: true });

/** A run still being written: look for new records and redraw what is shown. */
async function poll() {
  if (!source.live || document.hidden || state.problems.length) return;
  try {
    const m = await source.meta();
    const live = /** @type {HTMLElement} */ (document.getElementById("live"));
    live.textContent = m.runs.some((/** @type {any} */ r) => !r.finished)
      ? "live: new samples appear as the run writes them"
      : "";
    if (m.version === state.meta.version) return;
    state.meta = m;
    const gen = ++state.generation;
    const page = await source.query(state.filter, state.first, Math.max(state.count, tableMode() ? TABLE_PAGE : PAGE));
    if (gen !== state.generation) return;
    state.total = page.questions;
    state.samples = page.samples;
    state.version = page.version;
    const y = scrollY;
    drawItems(page.items, true);
    state.count = page.items.length;
    scrollTo(0, y);
    drawControls();
    drawStatus();
    await loadStrip();
  } catch { /* the server is gone or busy: try again on the next tick */ }
}

// Keyboard: moving between samples and questions, toggling reasoning.
/** @param {string} selector @param {number} dir */
function move(selector, dir) {
  const all = /** @type {HTMLElement[]} */ ([...items.querySelectorAll(selector)]);
  if (!all.length) return;
  const current = document.activeElement?.closest(selector);
  let i = current ? all.indexOf(/** @type {HTMLElement} */ (current)) : -1;
  if (i === -1) {
    // From the first card at or below the top of the window.
    i = all.findIndex((n) => n.getBoundingClientRect().bottom > 80) - (dir > 0 ? 1 : 0);
  }
  const next = all[Math.max(0, Math.min(all.length - 1, i + dir))];
  if (!next) return;
  if (selector === ".question") next.tabIndex = -1;
  next.focus({ preventScroll: true });
  next.scrollIntoView({ block: "start" });
  scrollBy(0, -(/** @type {HTMLElement} */ (document.getElementById("top")).offsetHeight + 8));
  if (nearBottom()) void loadMore();
}

addEventListener("keydown", (e) => {
  const target = /** @type {HTMLElement} */ (e.target);
  if (target.matches("input, select, textarea")) {
    if (e.key === "Escape") target.blur();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const keys = /** @type {Record<string, () => void>} */ ({
    j: () => move(".sample", 1),
    k: () => move(".sample", -1),
    n: () => move(".question", 1),
    p: () => move(".question", -1),
    r: () => document.body.classList.toggle("show-reasoning"),
    "/": () => /** @type {HTMLInputElement} */ (form.elements.namedItem("q")).focus(),
  });
  if (keys[e.key]) {
    e.preventDefault();
    keys[e.key]();
  }
});

form.addEventListener("change", (e) => {
  const t = /** @type {HTMLInputElement} */ (e.target);
  const f = readForm();
  if (t.name === "category") delete f.subcategory;
  setFilter(f);
});
form.addEventListener("submit", (e) => {
  e.preventDefault();
  setFilter(readForm());
});
/** @type {HTMLButtonElement} */ (document.getElementById("clear")).addEventListener("click", () => setFilter({}));
addEventListener("hashchange", () => void reload());

state.meta = await source.meta();
await reload();
if (source.live) setInterval(poll, 1000);
