/**
 * A user-facing error: bad input, an unreachable endpoint, a run that cannot go on.
 *
 * Its message names the file, row, field or value at fault, never a command-line flag: the
 * CLI adds the flags that put it right (`cliMessage` in `lib/cli.ts`) and chooses the exit
 * code, so a notebook or script gets the same error without CLI words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BsaError } from "./errors.ts";
 * const err = new BsaError("data.csv row 3: column 'id' is empty");
 * assert(err instanceof Error && err.name === "BsaError" && err.message.startsWith("data.csv row 3"));
 * ```
 */
export class BsaError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "BsaError";
  }
}

/**
 * A bad command-line argument (the CLI exits with 2 for it, like most Unix tools; any other
 * {@linkcode BsaError} exits with 1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BsaError, UsageError } from "./errors.ts";
 * const e = new UsageError("--k must be an integer >= 1");
 * assert(e instanceof BsaError && e.name === "UsageError");
 * ```
 */
export class UsageError extends BsaError {
  constructor(message: string) {
    super(message);
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
 * import { BsaError, EndpointError } from "./errors.ts";
 * assert(new EndpointError("model unknown") instanceof BsaError);
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

/**
 * A run folder's judgments file (of one judge) holds nothing yet: the run is not judged.
 * Carries the run folder and judge label, so that a command can say what to run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NoJudgmentsError } from "./errors.ts";
 * const e = new NoJudgmentsError("runs/a", "runs/a/judgments-second.jsonl", "second");
 * assert(e.message === "runs/a/judgments-second.jsonl holds no judgments yet: runs/a is not judged by judge second");
 * assert(e.run === "runs/a" && e.judge === "second");
 * ```
 */
export class NoJudgmentsError extends BsaError {
  constructor(readonly run: string, readonly path: string, readonly judge?: string) {
    super(`${path} holds no judgments yet: ${run} is not judged${judge ? ` by judge ${judge}` : ""}`);
    this.name = "NoJudgmentsError";
  }
}

/**
 * A run folder has no generated sample yet (every request failed, or the run never started):
 * there is nothing to judge. Carries the run folder, so that a command can say what to run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NoGenerationsError } from "./errors.ts";
 * const e = new NoGenerationsError("runs/a", "runs/a/generations.jsonl");
 * assert(e.message === "runs/a/generations.jsonl holds no generated sample: runs/a has nothing to judge yet");
 * assert(e.run === "runs/a");
 * ```
 */
export class NoGenerationsError extends BsaError {
  constructor(readonly run: string, readonly path: string) {
    super(`${path} holds no generated sample: ${run} has nothing to judge yet`);
    this.name = "NoGenerationsError";
  }
}

/**
 * A run folder holds a run with other settings than those asked for; `conflicts` says which,
 * one line each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunSettingsError } from "./errors.ts";
 * const e = new RunSettingsError("runs/a", ["k: 5 here, 3 asked"]);
 * assert(e.message === "runs/a holds a run with other settings:\n  k: 5 here, 3 asked");
 * ```
 */
export class RunSettingsError extends BsaError {
  constructor(readonly out: string, readonly conflicts: string[]) {
    super(`${out} holds a run with other settings:\n  ${conflicts.join("\n  ")}`);
    this.name = "RunSettingsError";
  }
}

/**
 * A judgments file was written by another judge (model, endpoint, prompts or parameters)
 * than the one now asked to judge into it: one file holds one judge's verdicts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OtherJudgeError } from "./errors.ts";
 * const e = new OtherJudgeError("runs/a/judgments.jsonl", "gpt-4o", "o3", undefined);
 * assert(e.message.startsWith("runs/a/judgments.jsonl was judged by gpt-4o; this judge is o3."));
 * ```
 */
export class OtherJudgeError extends BsaError {
  constructor(readonly path: string, readonly previous: string, readonly current: string, readonly label?: string) {
    super(`${path} was judged by ${previous}; this judge is ${current}. A judgments file holds one judge's verdicts`);
    this.name = "OtherJudgeError";
  }
}

/**
 * A run records no judge (of this label) whose replies could be read in: its judge requests
 * were never written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NoJudgeRecordedError } from "./errors.ts";
 * const e = new NoJudgeRecordedError("runs/a", "second");
 * assert(e.message === "runs/a records no judge labelled second: its judge requests were never written");
 * ```
 */
export class NoJudgeRecordedError extends BsaError {
  constructor(readonly run: string, readonly label?: string) {
    super(`${run} records no judge${label ? ` labelled ${label}` : ""}: its judge requests were never written`);
    this.name = "NoJudgeRecordedError";
  }
}

/**
 * The judge prompts given are not the ones a run was judged with (their checksums differ).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JudgePromptsError } from "./errors.ts";
 * const e = new JudgePromptsError("runs/a", "mine/", "prompts/");
 * assert(e.message === "the judge prompts given (mine/) are not the ones runs/a was judged with (prompts/)");
 * ```
 */
export class JudgePromptsError extends BsaError {
  constructor(readonly run: string, readonly given: string, readonly recorded: string) {
    super(`the judge prompts given (${given}) are not the ones ${run} was judged with (${recorded})`);
    this.name = "JudgePromptsError";
  }
}

/**
 * A file that must not be replaced silently (a review plan, which labels may refer to) exists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileExistsError } from "./errors.ts";
 * const e = new FileExistsError("runs/a/review-plan.json", "labels may refer to it");
 * assert(e.message === "runs/a/review-plan.json exists: labels may refer to it");
 * ```
 */
export class FileExistsError extends BsaError {
  constructor(readonly path: string, readonly why: string) {
    super(`${path} exists: ${why}`);
    this.name = "FileExistsError";
  }
}

/**
 * A review plan was drawn for another judge than the one it is used with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlanJudgeError } from "./errors.ts";
 * const e = new PlanJudgeError("second", "default");
 * assert(e.message === "the review plan was drawn for judge second, not default");
 * ```
 */
export class PlanJudgeError extends BsaError {
  constructor(readonly planJudge: string, readonly judge: string) {
    super(`the review plan was drawn for judge ${planJudge}, not ${judge}`);
    this.name = "PlanJudgeError";
  }
}

/**
 * The notebooks were required to be executed, but cannot be (`reason`: what is missing).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotebooksUnavailableError } from "./errors.ts";
 * const e = new NotebooksUnavailableError("jupyter is not installed", "pip install nbconvert");
 * assert(e.message.startsWith("the notebooks cannot be executed, because jupyter is not installed."));
 * ```
 */
export class NotebooksUnavailableError extends BsaError {
  constructor(readonly reason: string, install: string) {
    super(`the notebooks cannot be executed, because ${reason}. Install Jupyter with the Deno kernel (${install})`);
    this.name = "NotebooksUnavailableError";
  }
}

/**
 * Notebooks asked for by name that the notebook folder does not hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnknownNotebookError } from "./errors.ts";
 * const e = new UnknownNotebookError(["02_x"], "notebooks", ["01_a.ipynb"]);
 * assert(e.message === "no notebook 02_x in notebooks/ (there are: 01_a.ipynb)");
 * ```
 */
export class UnknownNotebookError extends BsaError {
  constructor(readonly names: string[], readonly dir: string, readonly available: string[]) {
    super(`no notebook ${names.join(", ")} in ${dir}/ (there are: ${available.join(", ")})`);
    this.name = "UnknownNotebookError";
  }
}

/**
 * A slice of the viewer is too large to export as one file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ExportTooLargeError } from "./errors.ts";
 * const e = new ExportTooLargeError("category=Rumors", "3.0 MB", "1.0 MB");
 * assert(e.message === "the slice 'category=Rumors' holds 3.0 MB of samples, above the export limit of 1.0 MB");
 * ```
 */
export class ExportTooLargeError extends BsaError {
  constructor(readonly slice: string, readonly size: string, readonly limit: string) {
    super(`the slice ${slice ? `'${slice}' ` : ""}holds ${size} of samples, above the export limit of ${limit}`);
    this.name = "ExportTooLargeError";
  }
}

/**
 * A pinned upstream file could not be downloaded (no network, DNS, TLS...).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DownloadError } from "./errors.ts";
 * const e = new DownloadError("https://x/d.csv", "dns error", "BSA_DATASET");
 * assert(e.message === "download of https://x/d.csv failed: dns error. Without network access, point BSA_DATASET at a local copy.");
 * const p = new DownloadError("https://x/Prompt/Safe_Rules.md", "dns error", "BSA_PROMPTS_DIR");
 * assert(p.message.endsWith("point BSA_PROMPTS_DIR at a local copy of the upstream Prompt folder."));
 * ```
 */
export class DownloadError extends BsaError {
  constructor(
    readonly url: string,
    why: string,
    /** The variable that points at a local copy instead, when there is one. */
    readonly localCopy?: "BSA_DATASET" | "BSA_PROMPTS_DIR",
    cause?: unknown,
  ) {
    super(
      `download of ${url} failed: ${why}.${
        localCopy
          ? ` Without network access, point ${localCopy} at a local copy${
            localCopy === "BSA_PROMPTS_DIR" ? " of the upstream Prompt folder" : ""
          }.`
          : ""
      }`,
      { cause },
    );
    this.name = "DownloadError";
  }
}

/**
 * An output path inside a run folder: the run's files belong to the run store, and no
 * output of a command may replace or sit among them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InsideRunFolderError } from "./errors.ts";
 * const e = new InsideRunFolderError("runs/a/judgments.jsonl", "runs/a");
 * assert(e.message === "runs/a/judgments.jsonl is inside the run folder runs/a: a run's files are written only by bsa run and bsa judge");
 * ```
 */
export class InsideRunFolderError extends BsaError {
  constructor(readonly path: string, readonly run: string) {
    super(`${path} is inside the run folder ${run}: a run's files are written only by bsa run and bsa judge`);
    this.name = "InsideRunFolderError";
  }
}

/**
 * A line of a batch result file that is not of the run it is read into: another run, another
 * judge, another model, or a request line given as a result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResultIdentityError } from "./errors.ts";
 * const e = new ResultIdentityError("out.jsonl", 3, "answered by model \"x\", not \"m\"");
 * assert(e.message.startsWith("out.jsonl line 3: answered by model") && e.line === 3);
 * ```
 */
export class ResultIdentityError extends BsaError {
  constructor(readonly file: string, readonly line: number, readonly why: string) {
    super(`${file} line ${line}: ${why}; nothing was recorded`);
    this.name = "ResultIdentityError";
  }
}

/**
 * A pass asked to send by direct calls (or to write a request file) while batches of the same
 * kind are still in flight for the run: their samples would be asked, and paid for, twice.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BatchInFlightError } from "./errors.ts";
 * const e = new BatchInFlightError("runs/a", "generation", "api.openai.com", ["batch_1"]);
 * assert(e.message.startsWith("runs/a: 1 generation batch(es) submitted to api.openai.com are still in flight (batch_1)"));
 * ```
 */
export class BatchInFlightError extends BsaError {
  constructor(readonly run: string, readonly kind: string, readonly endpoint: string, readonly ids: string[]) {
    super(
      `${run}: ${ids.length} ${kind} batch(es) submitted to ${endpoint} are still in flight (${
        ids.join(", ")
      }); nothing was sent: asking their samples again would pay for them twice`,
    );
    this.name = "BatchInFlightError";
  }
}
