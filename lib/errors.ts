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

/**
 * What a number must be, for an error message: "an integer from 1 to 5", "a number >= 0",
 * "a number <= 1", "an integer". Flags and study files say it the same way.
 *
 * @param o Whether it must be an integer, and its bounds (either may be absent).
 * @returns The phrase, to follow "must be".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectedNumber } from "./errors.ts";
 * assert(expectedNumber({ integer: true, min: 1, max: 5 }) === "an integer from 1 to 5");
 * assert(expectedNumber({ min: 0 }) === "a number >= 0");
 * assert(expectedNumber({ max: 1 }) === "a number <= 1");
 * ```
 */
export function expectedNumber(o: { integer?: boolean; min?: number; max?: number }): string {
  const kind = o.integer ? "an integer" : "a number";
  if (o.min !== undefined && o.max !== undefined) return `${kind} from ${o.min} to ${o.max}`;
  if (o.min !== undefined) return `${kind} >= ${o.min}`;
  if (o.max !== undefined) return `${kind} <= ${o.max}`;
  return kind;
}

/**
 * A grouping names columns the data does not have; says which, and which it has, so the
 * caller (a command naming its flag) can say what to give instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnknownColumnError } from "./errors.ts";
 * const e = new UnknownColumnError(["nope"], ["model", "scenario"]);
 * assert(e.message === "no column 'nope' to group by (available: model, scenario)");
 * ```
 */
export class UnknownColumnError extends BsaError {
  constructor(readonly columns: string[], readonly available: string[]) {
    super(
      `no column ${columns.map((c) => `'${c}'`).join(", ")} to group by (available: ${available.join(", ")})`,
    );
    this.name = "UnknownColumnError";
  }
}

/**
 * The run cannot go on (key rejected, model unknown, endpoint unreachable): abort everything,
 * write nothing more.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EndpointError } from "./errors.ts";
 * assert(new EndpointError("model unknown").exitCode === 1);
 * ```
 */
export class EndpointError extends BsaError {}

/**
 * An endpoint refused the request for its credentials (HTTP 401 or 403). `key` says whether a
 * key was sent: when none was (`keyVar` unset or empty), the message says so plainly instead
 * of "rejected the key", and a command can add how to give one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ApiKeyError } from "./errors.ts";
 * const e = new ApiKeyError("https://api.example.com/v1", 401, "OPENAI_API_KEY", "unset");
 * assert(e.message === "https://api.example.com/v1 refused the request (HTTP 401): no API key was sent (OPENAI_API_KEY is not set)");
 * assert(new ApiKeyError("h", 401, "MY_KEY", "set").message === "h rejected the API key in MY_KEY (HTTP 401)");
 * ```
 */
export class ApiKeyError extends EndpointError {
  constructor(
    readonly host: string,
    readonly status: number | undefined,
    readonly keyVar: string,
    readonly key: "set" | "unset" | "empty",
  ) {
    super(
      key === "set"
        ? `${host} rejected the API key in ${keyVar} (HTTP ${status})`
        : `${host} refused the request (HTTP ${status}): no API key was sent (${keyVar} is ${
          key === "unset" ? "not set" : "empty"
        })`,
    );
    this.name = "ApiKeyError";
  }
}
