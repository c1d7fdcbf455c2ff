/**
 * A user-facing error: bad input, a bad flag, an unreachable endpoint.
 *
 * The CLI prints its message without a stack trace and exits non-zero, so the
 * message itself must name the file, row, field or flag at fault.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BsaError } from "./errors.ts";
 * const err = new BsaError("data.csv row 3: column 'id' is empty");
 * assert(err.exitCode === 1);
 * ```
 */
export class BsaError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "BsaError";
    this.exitCode = options.exitCode ?? 1;
  }
}

/**
 * A bad command-line flag or argument (exit code 2, like most Unix tools).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "./errors.ts";
 * assert(new UsageError("--k must be a positive integer").exitCode === 2);
 * ```
 */
export class UsageError extends BsaError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
    this.name = "UsageError";
  }
}
