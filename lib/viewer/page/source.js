// @ts-check
/// <reference lib="dom" />
/**
 * Where the page's data comes from: the server (`/api/...`, paged from the runs' files) or,
 * in a static export, the slice written into the page. Both answer the same three calls.
 * @module
 */
import {
  formatFilter,
  judgeOf,
  matchesQuestion,
  matchesSample,
  matchesText,
  runsDiffer,
  sampleFlags,
  shownRuns,
  sortKey,
} from "bsa/filter.js";

/** The served viewer's data: every call asks the server, which reads what the runs gained. */
export class HttpSource {
  live = true;

  /** @returns {Promise<any>} */
  meta() {
    return _get("api/meta");
  }

  /**
   * @param {import("./filter.js").Filter} filter
   * @param {number} offset
   * @param {number} limit
   * @returns {Promise<any>}
   */
  query(filter, offset, limit) {
    return _get(`api/query?${formatFilter(filter)}&offset=${offset}&limit=${limit}`);
  }

  /**
   * @param {import("./filter.js").Filter} filter
   * @returns {Promise<any>}
   */
  scores(filter) {
    return _get(`api/scores?${formatFilter(filter)}`);
  }
}

/** @param {string} path */
async function _get(path) {
  const res = await fetch(new URL(path, document.baseURI));
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? res.statusText);
  return body;
}

/**
 * A static export's data: `{ meta, filter, items, scores }`, where `items` holds every
 * question of the exported slice with its samples, and `scores` the slice's scores as the
 * toolkit computed them when exporting. Filtering narrows the slice in the page with the
 * same filter functions the server uses; the scores stay those of the exported slice.
 */
export class InlineSource {
  live = false;

  /** @param {any} data */
  constructor(data) {
    this.data = data;
  }

  meta() {
    return Promise.resolve(this.data.meta);
  }

  /**
   * @param {import("./filter.js").Filter} filter
   * @param {number} offset
   * @param {number} limit
   */
  query(filter, offset, limit) {
    const judge = judgeOf(filter);
    const shown = new Set(shownRuns(filter, this.data.meta.runs.length));
    const items = [];
    let samples = 0;
    for (const item of this.data.items) {
      const q = item.question;
      if (!matchesQuestion(q, filter)) continue;
      const questionText = matchesText([q.query, q.risk_summary], filter.q);
      let any = false;
      const runs = [];
      for (const r of item.runs) {
        if (!shown.has(r.run)) continue;
        const picked = r.samples.filter((/** @type {any} */ s) =>
          matchesSample(_meta(s), filter) &&
          (questionText ||
            matchesText([
              s.answer,
              s.reasoning,
              ...s.judgments.flatMap((/** @type {any} */ j) => [j.answer_raw, j.reasoning_raw, j.error]),
            ], filter.q))
        ).map((/** @type {any} */ s) => ({ ...s, flags: sampleFlags(_meta(s), judge) }));
        if (picked.length) any = true;
        runs.push({ run: r.run, samples: picked, total: r.total });
      }
      if (!any) continue;
      // As the server decides them, over the samples the export holds of each shown run.
      const held = item.runs.filter((/** @type {any} */ r) => shown.has(r.run))
        .map((/** @type {any} */ r) => r.samples.map(_meta));
      if (filter.differ === "runs" && !runsDiffer(held, judge)) continue;
      for (const r of runs) samples += r.samples.length;
      items.push({ question: q, runs, key: filter.sort ? sortKey(held, judge, filter.sort) : 0 });
    }
    if (filter.sort) items.sort((a, b) => a.key - b.key);
    return Promise.resolve({
      version: 0,
      questions: items.length,
      samples,
      offset,
      items: items.slice(offset, offset + limit),
    });
  }

  /** @param {import("./filter.js").Filter} filter */
  scores(filter) {
    const exported = this.data.filter || "(everything)";
    const now = formatFilter({ ...filter, judge: undefined, runs: undefined });
    const same = now === "" || now === (this.data.filter ?? "");
    return Promise.resolve({
      ...this.data.scores,
      note: same
        ? `static export of ${exported}`
        : `scores of the exported slice (${exported}); narrowing it in this page does not rescore: use 'bsa view' for that`,
    });
  }
}

/** @param {any} s */
function _meta(s) {
  /** @type {Record<string, { answer: string, reasoning: string, correct: boolean }>} */
  const verdicts = {};
  for (const j of s.judgments) {
    verdicts[j.label] = { answer: j.answer_verdict, reasoning: j.reasoning_verdict, correct: j.correct };
  }
  return { outcome: s.outcome, verdicts, tokens: s.completion_tokens ?? null };
}
