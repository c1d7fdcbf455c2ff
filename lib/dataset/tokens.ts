import { Tiktoken } from "js-tiktoken/lite";
import cl100k from "js-tiktoken/ranks/cl100k_base";

let _encoder: Tiktoken | undefined;

/**
 * Count tokens with the cl100k_base BPE, the tokenizer whose counts match the
 * paper's dataset statistics (max 312, min 5, mean 73 query tokens).
 *
 * @param text The text to tokenize.
 * @returns Its number of cl100k_base tokens.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countTokens } from "./tokens.ts";
 * assert(countTokens("hello world") === 2);
 * ```
 */
export function countTokens(text: string): number {
  _encoder ??= new Tiktoken(cl100k);
  return _encoder.encode(text).length;
}
