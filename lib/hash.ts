import { createHash } from "node:crypto";

/**
 * Hex SHA-256 of bytes or text, or of the concatenation of several parts (hashed one after
 * the other: no joined copy is made, which matters for the judge cache's keys of long prompts).
 * Text is hashed as UTF-8.
 *
 * @param data Bytes, or text hashed as its UTF-8 bytes.
 * @returns The SHA-256 digest as 64 lowercase hex digits.
 * @param data Bytes, text, or parts hashed as their concatenation.
 * @returns The lowercase hex digest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "./hash.ts";
 * assert((await sha256Hex("")).startsWith("e3b0c442"));
 * assert(await sha256Hex(["ab", "\u0000", "⟦c⟧"]) === await sha256Hex("ab\u0000⟦c⟧"));
 * ```
 */
export function sha256Hex(data: string | Uint8Array | readonly (string | Uint8Array)[]): Promise<string> {
  const hash = createHash("sha256");
  for (const part of Array.isArray(data) ? data : [data]) hash.update(part);
  return Promise.resolve(hash.digest("hex"));
}
