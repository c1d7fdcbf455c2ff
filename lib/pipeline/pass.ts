/**
 * One pass of `generate` or `judge` over a run folder: what both do alike while they append
 * records, count the client's failed attempts and close the pass.
 * @module
 */
import type { JsonlAppender } from "../store/mod.ts";
import type { Progress } from "./progress.ts";

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
 * assert.equal(progress.state.failures, 2);
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

  /** Tick the display with the client's failed attempts (each retried or given up) since the last call. */
  syncFailures(): void {
    const now = this.#client?.failures ?? 0;
    this.#progress.tick({ failures: now - this.#seenFailures });
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
