/**
 * Batch request lines (`{custom_id, method, url, body}`, the format of the OpenAI Batch API
 * and of `vllm run-batch`), the custom ids that tie a result back to its sample, and the
 * split of a request stream into files under a provider's limits.
 * @module
 */
import { BsaError } from "../../errors.ts";

/** The endpoint every request line targets. */
export const BATCH_URL = "/v1/chat/completions";

/** One line of a batch input file. */
export interface BatchRequestLine {
  custom_id: string;
  method: "POST";
  url: typeof BATCH_URL;
  body: Record<string, unknown>;
}

/** What a custom id names: generation samples, or one judge call of one sample. */
export type BatchTarget =
  | { kind: "generation"; id: string; samples: number[] }
  | {
    kind: "judge";
    id: string;
    sample: number;
    /** `a` answer safety, `r` reasoning. */
    part: "a" | "r";
    /** How many judgment records the sample had when this was asked (a newer round ignores older replies). */
    round: number;
    /** 0 for the first ask; n for the n-th retry after a reply without a verdict. */
    attempt: number;
  };

/**
 * The custom id of a request: what it asks, with the question id last (ids may hold any character).
 *
 * @param t What the request asks (generation or judge call, sample, question).
 * @returns The custom id.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { customId, parseCustomId } from "./requests.ts";
 * const t = { kind: "judge", id: "q.1", sample: 2, part: "r", round: 0, attempt: 1 } as const;
 * assert.deepEqual(parseCustomId(customId(t)), t);
 * assert(customId({ kind: "generation", id: "q", samples: [0, 1] }) === "g.0,1.q");
 * ```
 */
export function customId(t: BatchTarget): string {
  return t.kind === "generation"
    ? `g.${t.samples.join(",")}.${t.id}`
    : `j${t.part}.${t.round}.${t.attempt}.${t.sample}.${t.id}`;
}

/**
 * Read a custom id back; `null` for one this toolkit did not write.
 *
 * @param s A custom id.
 * @returns What it asks, or null.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCustomId } from "./requests.ts";
 * assert(parseCustomId("request-1") === null);
 * ```
 */
export function parseCustomId(s: string): BatchTarget | null {
  let m = /^g\.(\d+(?:,\d+)*)\.(.+)$/s.exec(s);
  if (m) return { kind: "generation", id: m[2], samples: m[1].split(",").map(Number) };
  m = /^j([ar])\.(\d+)\.(\d+)\.(\d+)\.(.+)$/s.exec(s);
  if (m) {
    return {
      kind: "judge",
      id: m[5],
      sample: Number(m[4]),
      part: m[1] as "a" | "r",
      round: Number(m[2]),
      attempt: Number(m[3]),
    };
  }
  return null;
}

/**
 * A request line for a chat completion body.
 *
 * @param custom_id The request's custom id.
 * @param body The chat completion body.
 * @returns The request line (`custom_id`, `method`, `url`, `body`).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestLine } from "./requests.ts";
 * assert(requestLine("g.0.q", { model: "m" }).url === "/v1/chat/completions");
 * ```
 */
export function requestLine(custom_id: string, body: Record<string, unknown>): BatchRequestLine {
  return { custom_id, method: "POST", url: BATCH_URL, body };
}

/** Provider limits of one batch input file. */
export interface BatchLimits {
  /** Lines per file (OpenAI: 50,000). */
  maxLines: number;
  /** Bytes per file (OpenAI: 200 MB). */
  maxBytes: number;
}

/** OpenAI's limits of a batch input file. */
export const OPENAI_BATCH_LIMITS: BatchLimits = { maxLines: 50_000, maxBytes: 200 * 1024 * 1024 };

/**
 * Stream request lines into `path`; past `limits`, into further files named with `.2`,
 * `.3`, ... before the extension. Each file is written to a temporary name and renamed
 * when complete, so nothing half-written looks finished. A single line over `maxBytes` is
 * an error naming its custom id. Returns the files and their line counts, in order.
 *
 * @param path The first file's path.
 * @param lines The request lines.
 * @param limits The most lines and bytes per file.
 * @returns Each file written, with its line and byte counts.
 * @throws {BsaError} One line alone is larger than `limits.maxBytes`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestLine, writeRequestFiles } from "./requests.ts";
 * const dir = await Deno.makeTempDir();
 * const lines = [0, 1, 2].map((i) => requestLine(`g.${i}.q`, {}));
 * const files = await writeRequestFiles(`${dir}/req.jsonl`, lines, { maxLines: 2, maxBytes: 1e6 });
 * assert.deepEqual(files.map((f) => [f.path, f.lines]), [[`${dir}/req.jsonl`, 2], [`${dir}/req.2.jsonl`, 1]]);
 * ```
 */
export async function writeRequestFiles(
  path: string,
  lines: Iterable<BatchRequestLine> | AsyncIterable<BatchRequestLine>,
  limits: BatchLimits,
): Promise<{ path: string; lines: number; bytes: number }[]> {
  const out: { path: string; lines: number; bytes: number }[] = [];
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  const [stem, ext] = dot > slash + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ""];
  const enc = new TextEncoder();
  let file: Deno.FsFile | null = null;
  let current = { path: "", lines: 0, bytes: 0 };
  const close = async () => {
    if (!file) return;
    file.close();
    file = null;
    await Deno.rename(`${current.path}.partial`, current.path);
    out.push(current);
  };
  try {
    for await (const line of lines) {
      const bytes = enc.encode(JSON.stringify(line) + "\n");
      if (bytes.length > limits.maxBytes) {
        throw new BsaError(
          `batch request ${line.custom_id} is ${bytes.length} bytes, over the ${limits.maxBytes}-byte file limit`,
        );
      }
      if (file && (current.lines >= limits.maxLines || current.bytes + bytes.length > limits.maxBytes)) await close();
      if (!file) {
        current = { path: out.length === 0 ? path : `${stem}.${out.length + 1}${ext}`, lines: 0, bytes: 0 };
        file = await Deno.open(`${current.path}.partial`, { write: true, create: true, truncate: true });
      }
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      current.lines++;
      current.bytes += bytes.length;
    }
    await close();
  } catch (err) {
    if (file) {
      (file as Deno.FsFile).close();
      await Deno.remove(`${current.path}.partial`).catch(() => {});
    }
    throw err;
  }
  return out;
}
