/**
 * Batch request files: request lines (`{custom_id, method, url, body}`) streamed into JSONL
 * files under a provider's limits, each written under a temporary name and renamed when
 * complete. The run's own request files go into its batch folder (./batch_files.ts); the
 * files of `--batch-file` go where the user points, after the output guard (./output_path.ts).
 * @module
 */
import { BsaError } from "../errors.ts";

/** Provider limits of one batch input file. */
export interface BatchLimits {
  /** Lines per file (OpenAI: 50,000). */
  maxLines: number;
  /** Bytes per file (OpenAI: 200 MB). */
  maxBytes: number;
}

/** A request file written: its path, and how many lines and bytes it holds. */
export interface WrittenRequestFile {
  path: string;
  lines: number;
  bytes: number;
}

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
 * import { writeRequestFiles } from "./request_files.ts";
 * const dir = await Deno.makeTempDir();
 * const lines = [0, 1, 2].map((i) => ({ custom_id: `g.${i}.q`, method: "POST", url: "/v1/chat/completions", body: {} }));
 * const files = await writeRequestFiles(`${dir}/req.jsonl`, lines, { maxLines: 2, maxBytes: 1e6 });
 * assert.deepEqual(files.map((f) => [f.path, f.lines]), [[`${dir}/req.jsonl`, 2], [`${dir}/req.2.jsonl`, 1]]);
 * ```
 */
export async function writeRequestFiles(
  path: string,
  lines: Iterable<{ custom_id: string }> | AsyncIterable<{ custom_id: string }>,
  limits: BatchLimits,
): Promise<WrittenRequestFile[]> {
  const out: WrittenRequestFile[] = [];
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
