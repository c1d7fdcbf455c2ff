/**
 * `bsa view`: read the samples of run folders in a browser. A byte-offset index of the run
 * files (the store's `lib/store/jsonl_index.ts`), the samples and their filters (`store.ts`, `page/filter.js`), the
 * server on 127.0.0.1 (`server.ts`), the static export (`export.ts`); the page itself is plain
 * HTML, CSS and ES modules in `page/`, served without a build step.
 * @module
 */
export * from "./export.ts";
export * from "./filter_check.ts";
export * from "./page_html.ts";
export * from "./server.ts";
export * from "./store.ts";
export * from "./page/filter.js";
export * from "./review_routes.ts";
