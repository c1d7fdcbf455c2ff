/**
 * Hex SHA-256 of bytes or text.
 *
 * @param data Bytes, or text hashed as its UTF-8 bytes.
 * @returns The SHA-256 digest as 64 lowercase hex digits.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "./hash.ts";
 * assert((await sha256Hex("")).startsWith("e3b0c442"));
 * ```
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
