/**
 * Tables: one model (columns with a kind, intervals, best values; rows) and one renderer per
 * format (aligned text, CSV, JSON, Markdown, LaTeX with booktabs, HTML), each escaping for its
 * own context. The CLI prints, `deno task reproduce` exports and the report shows tables
 * through these, so every path gives the same digits.
 * @module
 */
export * from "./model.ts";
export * from "./text.ts";
export * from "./csv.ts";
export * from "./json.ts";
export * from "./markdown.ts";
export * from "./latex.ts";
export * from "./html.ts";
export * from "./render.ts";
