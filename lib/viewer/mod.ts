/**
 * `bsa view`: read the samples of run folders in a browser. A byte-offset index of the run
 * files (the store's `lib/store/jsonl_index.ts`), the samples and their filters (`store.ts`, `page/filter.js`), the
 * server on 127.0.0.1 (`server.ts`), the static export (`export.ts`); the page itself is plain
 * HTML, CSS and ES modules in `page/`, served without a build step.
 * @module
 */
export { DEFAULT_EXPORT_LIMIT, exportViewer } from "./export.ts";
export { checkFilter, FilterError } from "./filter_check.ts";
export { PAGE_MODULES, type PageHtml, pageHtml } from "./page_html.ts";
export { type ServeOptions, serveViewer, type ViewerServer } from "./server.ts";
export {
  RunViewer,
  type ScoreStrip,
  type ViewerJudgment,
  type ViewerMeta,
  type ViewerPage,
  type ViewerQuestion,
  type ViewerQuestionPage,
  type ViewerRunInfo,
  type ViewerSample,
} from "./store.ts";
export {
  CELLS,
  describeProblems,
  DIFFER,
  FILTER_KEYS,
  filterProblems,
  formatFilter,
  judgeOf,
  judgesDiffer,
  matchesQuestion,
  matchesSample,
  matchesText,
  OUTCOME_FLAGS,
  parseFilter,
  runsDiffer,
  runShares,
  sampleFlags,
  SENTINELS,
  shownRuns,
  sortKey,
  SORTS,
  VIEWS,
} from "./page/filter.js";
export { type ExtraRoutes, reviewRoutes } from "./review_routes.ts";
