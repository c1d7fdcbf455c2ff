import { BsaError } from "../errors.ts";

/** How {@linkcode withRetry} retries. */
export interface RetryOptions {
  /** Attempts after the first (default 6). */
  retries?: number;
  /** First backoff in ms (default 500), doubled each attempt, with full jitter. */
  baseDelayMs?: number;
  /** Upper bound of one wait in ms (default 60 000). */
  maxDelayMs?: number;
  /** Which errors are worth another attempt (default: all but {@linkcode FatalRequestError}). */
  retryable?: (error: unknown) => boolean;
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
 * Run `fn`, retrying failures with exponential backoff and full jitter. A
 * {@linkcode FatalRequestError}, or an error `retryable` rejects, is rethrown at once.
 * HTTP failures are retried by the openai SDK itself (with `Retry-After`); this is for
 * what it leaves: a reply whose body is not a completion.
 *
 * @param fn The call; gets the attempt number (0 first).
 * @param options Attempts, backoff, which errors are retryable, a sleep and a log.
 * @returns What `fn` returns.
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
      if (options.retryable && !options.retryable(error)) throw error;
      const delayMs = random() * Math.min(max, base * 2 ** attempt);
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
