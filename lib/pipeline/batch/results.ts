/**
 * Reading batch result lines: OpenAI's output and error files, and what `vllm run-batch`
 * writes (`{id, custom_id, response: {status_code, body}, error}`).
 * @module
 */
import { BsaError } from "../../errors.ts";
import { redactSecrets } from "../../redact.ts";
import { type Completion, completionFrom, isPermanentStatus } from "../client.ts";
import { readJsonl } from "../jsonl.ts";

/** What one result line says about its request. */
export type ResultReading =
  | { ok: true; completion: Completion }
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
      return { ok: true, completion: completionFrom(res.body, `batch line ${line.custom_id}`) };
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
  try {
    await Deno.stat(path);
  } catch (err) {
    throw new BsaError(`${path}: cannot read the result file: ${(err as Error).message}`);
  }
  let n = 0;
  for await (const line of readJsonl<BatchResultLine>(path, { warnings })) {
    n++;
    if (typeof line?.custom_id !== "string") {
      throw new BsaError(`${path} line ${n}: no custom_id (is this a batch result file?)`);
    }
    yield line;
  }
}

/** What a result line did: records written, lines for samples already recorded, failures to ask again. */
export interface ApplyCounts {
  recorded: number;
  /** Lines for samples that already had a record (a result file read twice), or not of this run. */
  skipped: number;
  /** Samples whose line failed in a way worth asking again; not recorded. */
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
 * assert(emptyCounts().recorded === 0);
 * ```
 */
export function emptyCounts(): ApplyCounts {
  return { recorded: 0, skipped: 0, retry: 0, errors: [] };
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
