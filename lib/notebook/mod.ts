/**
 * Notebook helpers: show tables and charts (interactive plus static images), load the paper,
 * the dataset and the user's runs in one call, draw the reproduction's figures by name.
 * @module
 */
export * from "./conditions.ts";
export * from "./context.ts";
export * from "./display.ts";
export * from "./samples.ts";
export * from "./slice.ts";
