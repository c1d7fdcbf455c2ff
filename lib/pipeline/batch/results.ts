/**
 * Reading batch result lines: OpenAI's output and error files, and what `vllm run-batch`
 * writes (`{id, custom_id, response: {status_code, body}, error}`).
 * @module
 */
import { readNumberedJsonl } from "../../store/mod.ts";
import { BsaError } from "../../errors.ts";
import { redactSecrets } from "../../redact.ts";
import { type Completion, completionFrom, isPermanentStatus } from "../client.ts";
import type { BatchTarget } from "./requests.ts";

/** What one result line says about its request. */
export type ResultReading =
  /** `model`: the reply's `model` field, when it has one. */
  | { ok: true; completion: Completion; model?: string }
  /** `permanent`: the provider refused for good (recorded as failed); else asked again. */
  | { ok: false; permanent: boolean; error: string };

/**
 * Read one result line: a 200 response with a completion, a refusal for good (a 4xx other
 * than 408/429; 401, 403 and 404 are a setup problem, asked again rather than recorded), or
 * a failure worth asking again (5xx, 429, expired, no response).
 *
 * @param line One line of a result file.
 * @returns A completion, a refusal for good, or a failure to ask again.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readResultLine } from "./results.ts";
 * const ok = readResultLine({ custom_id: "g.0.q", response: { status_code: 200, body: { choices: [{ message: { content: "hi" }, finish_reason: "stop" }] } } });
 * assert(ok.ok && ok.completion.message.content === "hi");
 * const bad = readResultLine({ custom_id: "g.0.q", response: { status_code: 400, body: { error: { message: "context length", code: "context_length_exceeded" } } } });
 * assert(!bad.ok && bad.permanent);
 * const expired = readResultLine({ custom_id: "g.0.q", response: null, error: { code: "batch_expired", message: "not done in time" } });
 * assert(!expired.ok && !expired.permanent);
 * ```
 */
export function readResultLine(line: BatchResultLine): ResultReading {
  const res = line.response;
  const status = res?.status_code;
  if (res && status === 200) {
    try {
      const completion = completionFrom(res.body, `batch line ${line.custom_id}`);
      const model = (res.body as { model?: unknown } | null)?.model;
      return { ok: true, completion, ...(typeof model === "string" && { model }) };
    } catch (err) {
      return { ok: false, permanent: false, error: (err as Error).message };
    }
  }
  const e = (res?.body as { error?: { message?: string; code?: string } } | undefined)?.error ?? line.error;
  // A provider's text, stored with the sample: no secret it may quote (a key, a Bearer token) is kept.
  const what = redactSecrets(`${e?.message ?? "no response"}${e?.code ? ` (${e.code})` : ""}`);
  if (typeof status === "number") {
    const permanent = isPermanentStatus(status) && ![401, 403, 404].includes(status);
    return { ok: false, permanent, error: `HTTP ${status} ${what}` };
  }
  return { ok: false, permanent: false, error: what };
}

/** One line of a batch output or error file. */
export interface BatchResultLine {
  id?: string;
  custom_id: string;
  response?: { status_code?: number; body?: unknown; request_id?: string } | null;
  error?: { code?: string; message?: string } | null;
}

/**
 * Stream the lines of a result file with their line numbers; a line without a `custom_id`
 * is an error naming the file and line. A last line cut short (no newline, not JSON: a
 * download or copy interrupted) is not yielded: `cut` is called with its number.
 *
 * @param path The result file.
 * @param cut Called with the number of a last line cut short.
 * @returns Each line and its number (an async generator).
 * @throws {BsaError} The file cannot be read, or a line (other than a cut last one) is not JSON or has no `custom_id`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNumberedResults } from "./results.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"custom_id":"g.0.q"}\n\n{"custom_id":"g.1.q"}\n{"custom_');
 * const seen: number[] = [];
 * let cut = 0;
 * for await (const { n } of readNumberedResults(p, (line) => (cut = line))) seen.push(n);
 * assert.deepEqual([seen, cut], [[1, 3], 4]);
 * ```
 */
export function readNumberedResults(
  path: string,
  cut?: (line: number) => void,
): AsyncGenerator<{ n: number; line: BatchResultLine }> {
  return resultLines(path, readNumberedJsonl<unknown>(path, { onCut: cut, what: "the result file" }));
}

/**
 * The numbered lines of a result file as read (by {@linkcode readNumberedResults}, or from a
 * live batch's file in the run through the store's `readBatchResult`), each checked to be a
 * result line: one without a `custom_id` is an error naming the file and line.
 *
 * @param file The result file's path (named in the error).
 * @param lines Its lines with their numbers.
 * @returns Each result line and its number (an async generator).
 * @throws {BsaError} A line has no `custom_id`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultLines } from "./results.ts";
 * const lines = async function* () { yield { line: 1, value: { custom_id: "g.0.q" } }; yield { line: 2, value: { id: "x" } }; };
 * const got = resultLines("out.jsonl", lines());
 * assert.equal((await got.next()).value?.line.custom_id, "g.0.q");
 * await assert.rejects(got.next(), /out\.jsonl line 2: no custom_id/);
 * ```
 */
export async function* resultLines(
  file: string,
  lines: AsyncIterable<{ line: number; value: unknown }>,
): AsyncGenerator<{ n: number; line: BatchResultLine }> {
  for await (const { line: n, value } of lines) {
    if (typeof (value as BatchResultLine | null)?.custom_id !== "string") {
      throw new BsaError(`${file} line ${n}: no custom_id (is this a batch result file?)`);
    }
    yield { n, line: value as BatchResultLine };
  }
}

/**
 * Stream the lines of a result file; a line without a `custom_id` is an error naming the
 * file and line.
 *
 * @param path The result file.
 * @param warnings Where a last line cut short is noted.
 * @returns The lines (an async generator).
 * @throws {BsaError} A line is not JSON or has no `custom_id` (naming the file and line).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readResultFile } from "./results.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"custom_id":"g.0.q","response":{"status_code":500}}\n');
 * let n = 0;
 * for await (const l of readResultFile(p)) n += l.custom_id === "g.0.q" ? 1 : 0;
 * assert(n === 1);
 * ```
 */
export async function* readResultFile(path: string, warnings?: string[]): AsyncGenerator<BatchResultLine> {
  const cut = (n: number) => warnings?.push(`${path} line ${n}: the last line is cut short and was not read`);
  for await (const { line } of readNumberedResults(path, cut)) yield line;
}

/**
 * What is wrong with a result line for a run, or `null`: a request line given as a result,
 * a custom id without the run's id (an older bsa) or of another run, a judge call of another
 * judge of the run, or a reply of another model than the one asked.
 *
 * @param line The result line.
 * @param target Its custom id read ({@linkcode parseCustomId}); `null` for one bsa did not write.
 * @param expect The run's id, and the model and judge tag of the line's kind.
 * @returns The reason the line is refused, or null.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { identityProblem } from "./results.ts";
 * import { parseCustomId } from "./requests.ts";
 * const id = "bsa.0123456789ab.g.0.q";
 * const line = (model: string) => ({ custom_id: id, response: { status_code: 200, body: { model } } });
 * const expect = { run: "0123456789ab", model: "m" };
 * assert(identityProblem(line("m"), parseCustomId(id), expect) === null);
 * assert(identityProblem(line("other"), parseCustomId(id), expect)?.includes('answered by model "other"'));
 * assert(identityProblem(line("m"), parseCustomId(id), { run: "ffffffffffff", model: "m" })?.includes("another run"));
 * ```
 */
export function identityProblem(
  line: BatchResultLine,
  target: BatchTarget | null,
  expect: { run: string; model?: string; judge?: string },
): string | null {
  const raw = line as unknown as Record<string, unknown>;
  if (!("response" in raw) && !("error" in raw) && "body" in raw) {
    return "is a request (custom_id, method, url, body), not a result: give the output file the batch wrote";
  }
  if (!target) return null;
  if (!target.run) {
    return `custom_id ${
      JSON.stringify(line.custom_id)
    } carries no run id (a request file of an older bsa): write the request file again and send that`;
  }
  if (target.run !== expect.run) {
    return `custom_id ${
      JSON.stringify(line.custom_id)
    } was written for another run (run id ${target.run}, not ${expect.run})`;
  }
  if (target.kind === "judge" && expect.judge !== undefined && target.judge !== expect.judge) {
    return `custom_id ${
      JSON.stringify(line.custom_id)
    } was written for another judge of this run (another label, judge model, endpoint, parameters or prompts)`;
  }
  const answered = (line.response?.body as { model?: unknown } | undefined)?.model;
  if (expect.model !== undefined && typeof answered === "string" && !sameModel(expect.model, answered)) {
    return `answered by model ${JSON.stringify(answered)}, not ${JSON.stringify(expect.model)} that the requests name`;
  }
  return null;
}

/**
 * Whether a reply's `model` is the model asked: the same name, or the name with a dated
 * snapshot suffix (OpenAI answers `gpt-4o` with `gpt-4o-2024-08-06`).
 *
 * @param asked The model the request named.
 * @param answered The `model` of the reply.
 * @returns True when the reply is of the model asked.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameModel } from "./results.ts";
 * assert(sameModel("gpt-4o", "gpt-4o-2024-08-06") && sameModel("m", "m"));
 * assert(!sameModel("gpt-4o", "gpt-4o-mini-2024-07-18") && !sameModel("m", "n"));
 * ```
 */
export function sameModel(asked: string, answered: string): boolean {
  if (asked === answered) return true;
  return answered.startsWith(`${asked}-`) && /^\d{4}(-\d{2}-\d{2})?$/.test(answered.slice(asked.length + 1));
}

/**
 * What the result lines did, one count per line: every line read ends in exactly one of
 * `recorded`, `failed`, `invalid`, `duplicate` and `unknown` (a cut last line is counted by
 * the reader that found it).
 */
export interface ApplyCounts {
  /** Lines whose answer was recorded (a generation, or a judge reply with a verdict). */
  recorded: number;
  /** Lines of a provider's error: `refused` of them recorded as failed for good, the rest to ask again. */
  failed: number;
  /** Of `failed`: refused for good and recorded as such. */
  refused: number;
  /** Judge replies holding no verdict (asked again while retries last, then recorded as invalid). */
  invalid: number;
  /** Lines for what already had a result (a file read twice, a reply to an older round). */
  duplicate: number;
  /** Lines naming a question or sample the run does not hold. */
  unknown: number;
  /** Samples (or judge calls) still to ask: failures to ask again, choices an `n` request did not return. */
  retry: number;
  /** The first few reasons of `retry`, for the log. */
  errors: string[];
}

/**
 * Empty counts for applying result lines.
 *
 * @returns Zero counts.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyCounts } from "./results.ts";
 * assert(emptyCounts().recorded === 0 && emptyCounts().duplicate === 0);
 * ```
 */
export function emptyCounts(): ApplyCounts {
  return { recorded: 0, failed: 0, refused: 0, invalid: 0, duplicate: 0, unknown: 0, retry: 0, errors: [] };
}

/**
 * Add counts into a total (the first few reasons kept).
 *
 * @param total The counts added into.
 * @param c The counts to add.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addCounts, emptyCounts } from "./results.ts";
 * const t = emptyCounts();
 * addCounts(t, { ...emptyCounts(), recorded: 2, errors: ["e"] });
 * assert(t.recorded === 2 && t.errors.length === 1);
 * ```
 */
export function addCounts(total: ApplyCounts, c: ApplyCounts): void {
  for (const k of ["recorded", "failed", "refused", "invalid", "duplicate", "unknown", "retry"] as const) {
    total[k] += c[k];
  }
  for (const e of c.errors) noteRetry(total, e);
}

/**
 * Count a sample to ask again, keeping the first few reasons: enough to diagnose, not a flood.
 *
 * @param counts The counts to update.
 * @param error Why the sample is asked again.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyCounts, noteRetry } from "./results.ts";
 * const c = emptyCounts();
 * for (let i = 0; i < 9; i++) noteRetry(c, `e${i}`);
 * assert(c.retry === 0 && c.errors.length === 5);
 * ```
 */
export function noteRetry(counts: ApplyCounts, error: string): void {
  if (counts.errors.length < 5) counts.errors.push(error);
}
