import { BsaError } from "../errors.ts";

/** How {@linkcode withRetry} retries. */
export interface RetryOptions {
  /** Attempts after the first (default 6). */
  retries?: number;
  /** First backoff in ms (default 500), doubled each attempt, with full jitter. */
  baseDelayMs?: number;
  /** Upper bound of one wait in ms (default 60 000); also caps `Retry-After`. */
  maxDelayMs?: number;
  /** Called before each wait, for progress and logs. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Random source in [0, 1) for jitter (tests pass a fixed one). */
  random?: () => number;
}

/**
 * An error that must not be retried (a rejected key, a bad request).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FatalRequestError, withRetry } from "./retry.ts";
 * let calls = 0;
 * await withRetry(() => (calls++, Promise.reject(new FatalRequestError("400")))).catch(() => {});
 * assert(calls === 1);
 * ```
 */
export class FatalRequestError extends BsaError {}

/**
 * The wait a server asked for through `Retry-After` (seconds or an HTTP date), in ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryAfterMs } from "./retry.ts";
 * assert(retryAfterMs(new Headers({ "retry-after": "2" })) === 2000);
 * assert(retryAfterMs(new Headers()) === undefined);
 * ```
 */
export function retryAfterMs(
  headers: Headers | Record<string, string> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const raw = headers instanceof Headers
    ? headers.get("retry-after-ms") ?? headers.get("retry-after")
    : headers["retry-after-ms"] ?? headers["retry-after"];
  if (raw == null) return undefined;
  const isMs = headers instanceof Headers ? headers.has("retry-after-ms") : "retry-after-ms" in headers;
  const n = Number(raw);
  if (Number.isFinite(n)) return Math.max(0, isMs ? n : n * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Run `fn`, retrying failures with exponential backoff and full jitter; a
 * `Retry-After` on the error's response wins over the backoff. A
 * {@linkcode FatalRequestError} is rethrown at once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withRetry } from "./retry.ts";
 * let n = 0;
 * const v = await withRetry(async () => { if (++n < 3) throw new Error("flaky"); return n; }, { baseDelayMs: 1 });
 * assert(v === 3);
 * ```
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 6;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 60_000;
  const random = options.random ?? Math.random;
  for (let attempt = 0;; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (error instanceof FatalRequestError || attempt >= retries) throw error;
      const asked = retryAfterMs((error as { headers?: Headers }).headers);
      const backoff = random() * Math.min(max, base * 2 ** attempt);
      const delayMs = asked !== undefined ? Math.min(max, asked) : backoff;
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
