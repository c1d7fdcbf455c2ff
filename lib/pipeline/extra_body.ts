/**
 * The request fields the toolkit owns: an `extra_body` may add fields to a request, never
 * replace these, or every request would ask something other than what the manifest records.
 * @module
 */

/**
 * The body fields the toolkit sets itself: the model asked, the prompt, the number of choices
 * (one per sample), and the non-streamed reply it reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TOOLKIT_BODY_KEYS } from "./extra_body.ts";
 * assert(TOOLKIT_BODY_KEYS.includes("messages"));
 * ```
 */
export const TOOLKIT_BODY_KEYS: readonly string[] = ["model", "messages", "n", "stream"];

/**
 * The fields of an extra body that the toolkit owns (see {@linkcode TOOLKIT_BODY_KEYS}).
 *
 * @param body An extra body (or none).
 * @returns The owned fields it sets, in the order of {@linkcode TOOLKIT_BODY_KEYS}.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ownedBodyKeys } from "./extra_body.ts";
 * assert.deepEqual(ownedBodyKeys({ n: 4, repetition_penalty: 1.05, model: "x" }), ["model", "n"]);
 * assert.deepEqual(ownedBodyKeys(undefined), []);
 * ```
 */
export function ownedBodyKeys(body: Record<string, unknown> | undefined | null): string[] {
  if (!body) return [];
  return TOOLKIT_BODY_KEYS.filter((k) => Object.hasOwn(body, k));
}
