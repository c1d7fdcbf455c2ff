/**
 * Notebook helpers: show tables and charts (interactive plus static images), load the paper,
 * the dataset and the user's runs in one call, draw the reproduction's figures by name.
 * @module
 */
export { type ShowComparisonOptions, showConditionComparison } from "./conditions.ts";
export { auditFindings, figure, noRunsNote, notebookContext, runsNote, showRuns } from "./context.ts";
export { chart, html, md, type MimeBundle, show } from "./display.ts";
export { SAMPLE_COLUMNS, type Samples, samples, type SamplesOptions, showSamples } from "./samples.ts";
export { metricView, subdomains } from "./slice.ts";
