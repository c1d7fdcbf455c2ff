/**
 * One pass of `generate` or `judge` over a run folder: the skeleton both share (batch first,
 * then direct calls for what is left, under one stop rule) and what both do alike while they
 * append records, count the client's failed attempts and close the pass.
 * @module
 */
import { BsaError } from "../errors.ts";
import { type JsonlAppender, WriteError } from "../store/mod.ts";
import type { BatchMode } from "./batch/phase.ts";
import { EndpointError } from "./client.ts";
import { runPool } from "./pool.ts";
import type { Progress } from "./progress.ts";
import { FatalRequestError } from "./retry.ts";

/**
 * The one stop rule of `generate` and `judge`: a rejected key or unknown model
 * ({@linkcode EndpointError}), a write error, or bad run data stops the pass; one request that
 * failed (even for good: {@linkcode FatalRequestError}, recorded as `failed`) does not.
 *
 * @param err What a request or a write threw.
 * @returns True when nothing more may be sent.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stopsPass } from "./pass.ts";
 * import { FatalRequestError } from "./retry.ts";
 * import { BsaError } from "../errors.ts";
 * assert(stopsPass(new BsaError("question q9 is not in the dataset")));
 * assert(!stopsPass(new FatalRequestError("HTTP 400")) && !stopsPass(new Error("timeout")));
 * ```
 */
export function stopsPass(err: unknown): boolean {
  return err instanceof EndpointError || err instanceof WriteError ||
    (err instanceof BsaError && !(err instanceof FatalRequestError));
}

/**
 * Whether a pass in `batch` mode (or none) sends direct calls: without a batch, or for what a
 * live batch left missing when it falls back to direct calls.
 *
 * @param batch The pass's batch mode, if any.
 * @returns True when the pass makes direct calls.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sendsDirect } from "./pass.ts";
 * assert(sendsDirect(undefined));
 * assert(!sendsDirect({ mode: "ingest", file: "out.jsonl" }));
 * ```
 */
export function sendsDirect(batch: BatchMode | undefined): boolean {
  return !batch || (batch.mode === "live" && batch.fallback === "direct");
}

/**
 * The writing side of a pass: appends records, remembers the first write error (after it
 * nothing new is sent, since its reply could not be kept), shows the client's failed
 * attempts on the progress display, and closes the pass with its manifest update.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JsonlAppender } from "../store/mod.ts";
 * import { Progress } from "./progress.ts";
 * import { RunPass } from "./pass.ts";
 * const path = await Deno.makeTempFile();
 * const client = { failures: 0 };
 * const progress = new Progress("judge m", 1, { write: () => {} });
 * const pass = new RunPass(await JsonlAppender.open(path), progress, client);
 * await pass.append({ id: "q", sample: 0 });
 * client.failures += 2; // two attempts failed since the pass began
 * pass.syncFailures();
 * await pass.finish(async () => {});
 * pass.throwManifestError();
 * assert.equal(progress.state.retries, 2); // attempts retried, not samples failed
 * assert.equal(progress.state.failures, 0);
 * assert.equal(pass.stopped, undefined);
 * assert.equal(await Deno.readTextFile(path), '{"id":"q","sample":0}\n');
 * ```
 */
export class RunPass {
  /** The first write error of the pass (undefined while every write succeeded). */
  stopped: unknown = undefined;
  #appender: JsonlAppender;
  #progress: Progress;
  #client?: { failures: number } | null;
  #seenFailures: number;
  #manifestError: unknown = undefined;

  /**
   * @param appender The run file the pass appends to.
   * @param progress The pass's display.
   * @param client The client whose `failures` count the display shows (none for a batch-only pass).
   */
  constructor(appender: JsonlAppender, progress: Progress, client?: { failures: number } | null) {
    this.#appender = appender;
    this.#progress = progress;
    this.#client = client;
    this.#seenFailures = client?.failures ?? 0;
  }

  /**
   * Append one record; a failed write is remembered in {@linkcode RunPass.stopped} (the first
   * one only) and rethrown.
   *
   * @throws {WriteError} The record could not be written.
   */
  async append(record: unknown): Promise<void> {
    try {
      await this.#appender.append(record);
    } catch (err) {
      this.stopped ??= err;
      throw err;
    }
  }

  /**
   * The direct calls of the pass: `worker` for each item, `concurrency` at a time, under the
   * one stop rule ({@linkcode stopsPass}); after a write error nothing new is sent (its reply
   * could not be kept).
   *
   * @param items The work items (one request each).
   * @param concurrency How many at once.
   * @param worker Sends one item's request and writes its records.
   * @throws The first error that stops the pass.
   */
  async direct<T>(
    items: Iterable<T> | AsyncIterable<T>,
    concurrency: number,
    worker: (item: T) => Promise<void>,
  ): Promise<void> {
    await runPool(items, concurrency, async (item) => {
      if (this.stopped !== undefined) return;
      await worker(item);
    }, stopsPass);
  }

  /** Tick the display's retries with the client's failed attempts (each retried or given up) since the last call. */
  syncFailures(): void {
    const now = this.#client?.failures ?? 0;
    this.#progress.tick({ retries: now - this.#seenFailures });
    this.#seenFailures = now;
  }

  /**
   * Close the file (after its pending appends) and the display, then update the manifest. A
   * failed update is kept for {@linkcode RunPass.throwManifestError}, so that from a `finally`
   * block it does not replace the error that ended the pass.
   *
   * @param updateManifest Writes the pass's manifest section (called after the file is closed,
   *   so `stopped` is final).
   */
  async finish(updateManifest: () => Promise<unknown>): Promise<void> {
    await this.#appender.close();
    this.#progress.finish();
    try {
      await updateManifest();
    } catch (err) {
      this.#manifestError = err;
    }
  }

  /**
   * Throw the manifest update's error, unless a write error stopped the pass: the write error,
   * being thrown, says more than a manifest that failed too.
   */
  throwManifestError(): void {
    if (this.#manifestError !== undefined && this.stopped === undefined) throw this.#manifestError;
  }
}
