/**
 * Base64 of bytes, in chunks so large PNGs do not overflow the argument limit of fromCharCode.
 *
 * @param bytes The bytes to encode.
 * @returns Their Base64 text (standard alphabet, `=` padding).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeBase64 } from "./base64.ts";
 * assert(encodeBase64(new TextEncoder().encode("hi")) === "aGk=");
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
