/**
 * Strict CSV reading and writing on top of Arquero's tokenizer and formatter.
 * @module
 */
export * from "./parse.ts";
export * from "./stringify.ts";
