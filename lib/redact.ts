/**
 * Secrets out of every error text the toolkit stores or prints. A provider may echo the key it
 * was sent (`Incorrect API key provided: sk-…`, a proxy quoting the request's headers), a URL may
 * carry credentials or a key in its query: such text reaches `generations.jsonl`, judgments and
 * the terminal only through {@linkcode redactSecrets}.
 * @module
 */

/** What a redacted secret reads as. */
export const REDACTED = "[redacted]";

/**
 * `text` with secrets replaced by `[redacted]`: each of `secrets` given (the API key in use;
 * values shorter than 4 characters are not looked for, they would hit ordinary words), the
 * value of every `Bearer`/`Basic` authorization, every `api_key=`, `?key=`, `token=`,
 * `access_token=`, `secret=`, `password=` value (URL query or `name: value` text, quoted or not),
 * the credentials of every `scheme://user:pass@host` URL, and every OpenAI-style `sk-…` key.
 *
 * @param text An error text (a provider's message, a URL, a cause).
 * @param secrets Values to remove wherever they occur (undefined and empty ones are skipped).
 * @returns The text without them.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactSecrets } from "./redact.ts";
 * const key = "s3cr3t-key-value";
 * const said = `Incorrect API key provided: ${key}; Authorization: Bearer ${key}; see https://u:pw@h/v1?api_key=${key}`;
 * const r = redactSecrets(said, [key]);
 * assert(!r.includes(key) && !r.includes("pw@") && r.includes("Bearer [redacted]") && r.includes("api_key=[redacted]"));
 * assert(redactSecrets("HTTP 400 max_tokens too large") === "HTTP 400 max_tokens too large");
 * ```
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = String(text);
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  }
  return out
    .replace(/\b(Bearer|Basic)(\s+)[^\s"',;]+/gi, `$1$2${REDACTED}`)
    .replace(
      /\b((?:x-)?api[_-]?key|access[_-]?token|token|secret|password|passwd)(["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"'&,;)}]+/gi,
      `$1$2${REDACTED}`,
    )
    // A bare `key` only as a query parameter (`?key=…`, `&key=…`): "key: temperature" is prose.
    .replace(/([?&;]key=)(?!\[redacted\])[^\s"'&#]+/gi, `$1${REDACTED}`)
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi, `$1${REDACTED}@`)
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, `sk-${REDACTED}`);
}
