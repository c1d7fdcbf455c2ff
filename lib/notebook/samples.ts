import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { Dataset } from "../dataset/load.ts";
import { loadDataset } from "../dataset/load.ts";
import { expandRunPaths } from "../store/mod.ts";
import { checkedColumns } from "../checked_table.ts";
import { checkFilter } from "../viewer/filter_check.ts";
import { type Filter, formatFilter, judgeOf } from "../viewer/page/filter.js";
import { RunViewer } from "../viewer/store.ts";
import { html as showHtml, type MimeBundle } from "./display.ts";
import { escapeHtml } from "../escape.ts";

/** What {@linkcode samples} reads. */
export interface SamplesOptions {
  /** Run folders (or folders of runs). */
  runs: string[];
  /** The slice: the viewer's filter keys, as an object or as a URL hash (`"category=Rumors&cell=safe-wrong"`). */
  filter?: Filter | string;
  /** At most this many samples (default 500); `warnings` says when more matched. */
  limit?: number;
  /** The dataset (default: BSA_DATASET or the pinned download). */
  dataset?: Dataset;
}

/**
 * The samples of a slice: an Arquero table, one row per sample, with the columns
 * {@linkcode SAMPLE_COLUMNS} (`categories` / `subcategories` hold all the question's annotated
 * risks, as arrays; `flags` its outcome flags), and what a reader must know about it:
 * `matched` (samples matching the filter, before `limit`) and `warnings`. Tables derived from
 * it (`filter`, `select`...) are plain tables; a wrong column name in their verbs lists the columns.
 */
export type Samples = ColumnTable & {
  /** Samples matching the filter, before `limit`. */
  readonly matched: number;
  /** What a reader must know (e.g. that `limit` cut the slice). */
  readonly warnings: string[];
};

/**
 * The columns of {@linkcode samples}' table, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SAMPLE_COLUMNS } from "./samples.ts";
 * assert(SAMPLE_COLUMNS.includes("categories") && SAMPLE_COLUMNS.includes("completion_tokens"));
 * ```
 */
export const SAMPLE_COLUMNS = [
  "run",
  "id",
  "sample",
  "scenario",
  "categories",
  "subcategories",
  "query",
  "risk_summary",
  "reasoning",
  "answer",
  "judge",
  "answer_verdict",
  "reasoning_verdict",
  "reasoning_correct",
  "flags",
  "finish_reason",
  "prompt_tokens",
  "completion_tokens",
] as const;

/**
 * The texts and verdicts of any slice of runs as an Arquero table, chosen with the same
 * filters as `bsa view` (and read the same way: the newest record of each sample wins).
 *
 * @param o Run folders, a filter (the viewer's URL hash or its object), a limit and the dataset.
 * @returns The samples' table (texts and verdicts), with `matched` and `warnings` on it.
 * @throws {FilterError} A filter key or value the viewer does not know (the message lists the valid ones).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { samples } from "./samples.ts";
 * import { newManifest, writeManifest } from "../store/mod.ts";
 * import { loadDataset } from "../dataset/load.ts";
 * const dataset = await loadDataset(); // BSA_DATASET
 * const ids = (dataset.questions.array("id") as string[]).slice(0, 3);
 * const run = await Deno.makeTempDir();
 * const source = { source: dataset.source, sha256: dataset.sha256, pinned: false };
 * await writeManifest(run, newManifest({ model: "m", endpoints: [], k: 1, dataset: source, subset: { ids, description: "" }, params: {}, tags: {} }));
 * const line = (id: string, r: Record<string, unknown>) => JSON.stringify({ id, sample: 0, scenario: "Risk Omission", ...r });
 * await Deno.writeTextFile(`${run}/generations.jsonl`, ids.map((id, i) => line(id, { answer: `answer ${i}`, reasoning: "r", outcome: "ok" })).join("\n") + "\n");
 * await Deno.writeTextFile(`${run}/judgments.jsonl`, ids.map((id, i) => line(id, { answer_verdict: i ? "Unsafe" : "Safe", reasoning_verdict: "False" })).join("\n") + "\n");
 * // Safe answers with wrong reasoning: the first question only.
 * const table = await samples({ runs: [run], filter: "cell=safe-wrong", dataset });
 * assert(table.matched === 1 && table.numRows() === 1 && table.get("answer", 0) === "answer 0" && table.get("id", 0) === ids[0]);
 * assert.throws(() => table.filter((d: { categry: string }) => d.categry === "x"), /no column 'categry' \(columns: run, id/);
 * ```
 */
export async function samples(o: SamplesOptions): Promise<Samples> {
  const dataset = o.dataset ?? await loadDataset();
  // Read strictly: a key or value the viewer does not know would silently select everything or nothing.
  const filter: Filter = checkFilter(typeof o.filter === "string" ? o.filter : formatFilter(o.filter ?? {}), dataset);
  const limit = o.limit ?? 500;
  const viewer = await RunViewer.open(await expandRunPaths(o.runs), dataset);
  const judge = judgeOf(filter);
  const out: Record<string, unknown>[] = [];
  let matched = 0;
  const pageSize = 50;
  for (let offset = 0;; offset += pageSize) {
    const page = await viewer.query(filter, { offset, limit: pageSize });
    matched = page.samples;
    for (const item of page.items) {
      const q = item.question;
      for (const r of item.runs) {
        for (const s of r.samples) {
          if (out.length >= limit) break;
          const j = s.judgments.find((x) => x.label === judge);
          out.push({
            run: viewer.runs[r.run].info.label,
            id: q.id,
            sample: s.sample,
            scenario: q.scenario,
            categories: q.categories,
            subcategories: q.subcategories,
            query: q.query,
            risk_summary: q.risk_summary,
            reasoning: s.reasoning,
            answer: s.answer,
            judge,
            answer_verdict: j?.answer_verdict ?? null,
            reasoning_verdict: j?.reasoning_verdict ?? null,
            reasoning_correct: j ? j.correct : null,
            flags: s.flags.join(", "),
            finish_reason: s.finish_reason,
            prompt_tokens: s.prompt_tokens,
            completion_tokens: s.completion_tokens,
          });
        }
      }
    }
    if (out.length >= limit || offset + pageSize >= page.questions) break;
  }
  const warnings = matched > out.length
    ? [`${matched} samples match; the first ${out.length} are shown (raise limit for more)`]
    : [];
  const columns = [...SAMPLE_COLUMNS];
  const table = out.length ? aq.from(out).select(columns) : aq.table(Object.fromEntries(columns.map((c) => [c, []])));
  return Object.assign(checkedColumns(table), { matched, warnings });
}

/**
 * Show a table of samples readably: one row per sample, long texts cut to `chars` characters
 * (with the full length noted), line breaks kept, every text escaped (model output is not HTML).
 *
 * @param table A table of samples ({@linkcode samples}).
 * @param options `chars`: most characters of a text; `limit`: most rows; `columns`: which to show.
 * @returns The bundle.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { showSamples } from "./samples.ts";
 * const b = await showSamples(aq.from([{ id: "q", answer: "<b>x</b>", reasoning: "y".repeat(900) }]), { chars: 100 });
 * assert(String(b["text/html"]).includes("&lt;b&gt;x&lt;/b&gt;"));
 * assert(String(b["text/html"]).includes("of 900 characters"));
 * ```
 */
export async function showSamples(
  table: ColumnTable,
  options: { chars?: number; limit?: number; columns?: string[] } = {},
): Promise<MimeBundle> {
  const chars = options.chars ?? 600;
  const columns = options.columns ??
    [
      "run",
      "id",
      "sample",
      "categories",
      "subcategories",
      "query",
      "reasoning",
      "answer",
      "answer_verdict",
      "reasoning_verdict",
      "flags",
    ]
      .filter((c) => table.columnNames().includes(c));
  const cut = (v: unknown) => {
    const text = v == null ? "–" : Array.isArray(v) ? v.join(" / ") : String(v);
    return text.length > chars ? `${text.slice(0, chars)}… (${chars} of ${text.length} characters)` : text;
  };
  const rows = table.objects({ limit: options.limit ?? 50 }) as Record<string, unknown>[];
  const head = columns.map((c) => `<th style="text-align:left">${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) =>
    `<tr>${
      columns.map((c) =>
        `<td style="text-align:left;vertical-align:top;white-space:pre-wrap;max-width:${
          ["query", "reasoning", "answer", "risk_summary"].includes(c) ? "32em" : "12em"
        }">${escapeHtml(cut(r[c]))}</td>`
      ).join("")
    }</tr>`
  ).join("\n");
  const more = table.numRows() > rows.length ? `<p>${rows.length} of ${table.numRows()} samples shown.</p>` : "";
  const html = `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}`;
  const text = rows.map((r) => columns.map((c) => `${c}: ${cut(r[c])}`).join("\n")).join("\n\n");
  return await showHtml(html, text);
}
