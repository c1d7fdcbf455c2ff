import { ExportTooLargeError } from "../errors.ts";
import { type Filter, formatFilter } from "./page/filter.js";
import { pageHtml } from "./page_html.ts";
import type { RunViewer } from "./store.ts";

/** The default largest slice a static export holds: 50 MB of run records. */
export const DEFAULT_EXPORT_LIMIT = 50 * 1024 * 1024;

/**
 * The viewer as one self-contained HTML file (scripts, styles and data inline; its policy
 * allows no network request) holding the questions a filter selects, with their matching
 * samples and the slice's scores as the toolkit computes them.
 *
 * @param viewer the runs
 * @param filter the slice (the same keys as the viewer's URL hash)
 * @param options `maxBytes`: refuse a slice whose run records exceed this (default {@linkcode DEFAULT_EXPORT_LIMIT})
 * @returns the HTML text
 * @throws {ExportTooLargeError} when the slice is larger than `maxBytes`, naming its size and the limit
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { exportViewer } from "./export.ts";
 * import { RunViewer } from "./store.ts";
 * import { loadDataset } from "../dataset/load.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
 * const viewer = await RunViewer.open([await judgedRun("m", 4)], await loadDataset());
 * const html = await exportViewer(viewer, { answer: "Unsafe" }); // the six unsafe answers
 * assert(html.includes("q9") && !html.includes('"q0"'));
 * await assert.rejects(exportViewer(viewer, {}, { maxBytes: 10 }), /above the export limit/);
 * ```
 */
export async function exportViewer(
  viewer: RunViewer,
  filter: Filter,
  options: { maxBytes?: number } = {},
): Promise<string> {
  const max = options.maxBytes ?? DEFAULT_EXPORT_LIMIT;
  const bytes = await viewer.bytes(filter);
  const slice = formatFilter(filter);
  if (bytes > max) {
    throw new ExportTooLargeError(slice, _mb(bytes), _mb(max));
  }
  const first = await viewer.query(filter, { offset: 0, limit: Number.MAX_SAFE_INTEGER });
  const data = {
    meta: viewer.meta(),
    filter: formatFilter({ ...filter, judge: undefined, runs: undefined }),
    items: first.items,
    scores: await viewer.scores(filter),
  };
  return (await pageHtml({ mode: "static", data })).text;
}

function _mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
