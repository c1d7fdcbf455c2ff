import { BsaError } from "../errors.ts";

/**
 * Make a JSONL file safe to append to after a crash: a last line without its
 * newline (a write cut short by kill -9) is removed. Returns how many bytes were dropped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { repairJsonl } from "./jsonl.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"a":1}\n{"a":');
 * assert(await repairJsonl(p) === 5);
 * assert(await Deno.readTextFile(p) === '{"a":1}\n');
 * ```
 */
export async function repairJsonl(path: string): Promise<number> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return 0;
    throw err;
  }
  try {
    const size = (await file.stat()).size;
    if (size === 0) return 0;
    // Scan back from the end for the last newline, a block at a time.
    const block = 64 * 1024;
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - block);
      const buf = new Uint8Array(end - start);
      await file.seek(start, Deno.SeekMode.Start);
      let read = 0;
      while (read < buf.length) {
        const n = await file.read(buf.subarray(read));
        if (n === null) break;
        read += n;
      }
      const nl = buf.lastIndexOf(10);
      if (nl !== -1) {
        const keep = start + nl + 1;
        if (keep < size) await file.truncate(keep);
        return size - keep;
      }
      end = start;
    }
    await file.truncate(0);
    return size;
  } finally {
    file.close();
  }
}

/**
 * Stream a JSONL file record by record without holding it in memory. A line that is
 * not valid JSON is an error naming the file and line (after {@linkcode repairJsonl},
 * only real corruption remains).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJsonl } from "./jsonl.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"a":1}\n{"a":2}\n');
 * let sum = 0;
 * for await (const r of readJsonl<{ a: number }>(p)) sum += r.a;
 * assert(sum === 3);
 * ```
 */
export async function* readJsonl<T>(path: string): AsyncGenerator<T> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  const decoder = new TextDecoder();
  let rest = "";
  let line = 0;
  const parse = (text: string): T => {
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new BsaError(`${path} line ${line}: not valid JSON: ${text.slice(0, 80)}`);
    }
  };
  for await (const chunk of file.readable) {
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf("\n")) !== -1) {
      const text = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      line++;
      if (text.trim()) yield parse(text);
    }
  }
  rest += decoder.decode();
  line++;
  if (rest.trim()) yield parse(rest);
}

/**
 * An append-only JSONL writer: each record is one `write` of one whole line, writes are
 * serialised, and the file is opened in append mode so a crash loses at most the line
 * being written (which {@linkcode repairJsonl} then removes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JsonlAppender } from "./jsonl.ts";
 * const p = await Deno.makeTempFile();
 * const w = await JsonlAppender.open(p);
 * await w.append({ id: "q", sample: 0 });
 * await w.close();
 * assert(await Deno.readTextFile(p) === '{"id":"q","sample":0}\n');
 * ```
 */
export class JsonlAppender {
  #file: Deno.FsFile;
  #queue: Promise<void> = Promise.resolve();
  #encoder = new TextEncoder();

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Repair the file, then open it for appending. */
  static async open(path: string): Promise<JsonlAppender> {
    await repairJsonl(path);
    return new JsonlAppender(await Deno.open(path, { append: true, create: true }));
  }

  /** Append one record. */
  append(record: unknown): Promise<void> {
    const bytes = this.#encoder.encode(JSON.stringify(record) + "\n");
    this.#queue = this.#queue.then(async () => {
      let written = 0;
      while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
    });
    return this.#queue;
  }

  async close(): Promise<void> {
    await this.#queue;
    this.#file.close();
  }
}
