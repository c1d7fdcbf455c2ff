import { BsaError } from "../errors.ts";

/**
 * Make a JSONL file safe to append to after a crash: a last line without its
 * newline (a write cut short by kill -9) is removed. Returns how many bytes were dropped.
 *
 * @param path The JSONL file (a missing file is left alone).
 * @returns The bytes dropped.
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

/** Options of {@linkcode readJsonl}. */
export interface ReadJsonlOptions {
  /**
   * Where to put a warning when the last line is cut short (no newline, not valid JSON: a
   * write interrupted by a crash or a full disk). That line is skipped, so a reader never
   * blocks on what the next `run` or `judge` repairs anyway.
   */
  warnings?: string[];
}

/**
 * Stream a JSONL file record by record without holding it in memory. A line that is
 * not valid JSON is an error naming the file and line, except a last line cut short
 * (no final newline), which is skipped with a warning (see {@linkcode ReadJsonlOptions}).
 *
 * @param path The JSONL file.
 * @param options Where to note a last line cut short.
 * @returns The records (an async generator).
 * @throws {BsaError} A line that is not JSON, other than a last line cut short.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJsonl } from "./jsonl.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"a":1}\n{"a":2}\n{"a":');
 * let sum = 0;
 * const warnings: string[] = [];
 * for await (const r of readJsonl<{ a: number }>(p, { warnings })) sum += r.a;
 * assert(sum === 3 && warnings.length === 1);
 * ```
 */
export async function* readJsonl<T>(path: string, options: ReadJsonlOptions = {}): AsyncGenerator<T> {
  const onCut = (line: number) =>
    options.warnings?.push(
      `${path} line ${line}: the last line is cut short (an interrupted write) and was skipped; the next run or judge repairs it`,
    );
  for await (const { value } of readNumberedJsonl<T>(path, { onCut })) yield value;
}

/** Options of {@linkcode readNumberedJsonl}. */
export interface ReadNumberedJsonlOptions {
  /** Called with the number of a last line cut short (not yielded). */
  onCut?: (line: number) => void;
  /** What the file is, for an error when it cannot be opened; without it a missing file reads as empty. */
  what?: string;
}

/**
 * The one JSONL line reader: each record with its 1-based line number, blank lines skipped, a
 * line that is not JSON an error naming the file and line, a last line cut short (no final
 * newline, not JSON) handed to `onCut` instead. {@linkcode readJsonl} and the batch result
 * reader are built on it.
 *
 * @param path The JSONL file.
 * @param options `onCut` for a last line cut short; `what` to make a file that cannot be opened an error.
 * @returns Each record and its line (an async generator).
 * @throws {BsaError} A line that is not JSON (other than a cut last one); the file cannot be opened (with `what`).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readNumberedJsonl } from "./jsonl.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"a":1}\n\n{"a":2}\n{"a":');
 * const seen: number[] = [];
 * let cut = 0;
 * for await (const { line } of readNumberedJsonl(p, { onCut: (n) => (cut = n) })) seen.push(line);
 * assert.deepEqual([seen, cut], [[1, 3], 4]);
 * const absent = readNumberedJsonl(`${p}.absent`, { what: "the result file" });
 * await assert.rejects(absent.next(), /cannot read the result file/);
 * ```
 */
export async function* readNumberedJsonl<T>(
  path: string,
  options: ReadNumberedJsonlOptions = {},
): AsyncGenerator<{ line: number; value: T }> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (options.what) throw new BsaError(`${path}: cannot read ${options.what}: ${(err as Error).message}`);
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
      throw new BsaError(`${path} line ${line}: not valid JSON: ${badLineExcerpt(text)}`);
    }
  };
  for await (const chunk of file.readable) {
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf("\n")) !== -1) {
      const text = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      line++;
      if (text.trim()) yield { line, value: parse(text) };
    }
  }
  rest += decoder.decode();
  line++;
  if (!rest.trim()) return;
  let last: T;
  try {
    last = JSON.parse(rest) as T;
  } catch {
    options.onCut?.(line);
    return;
  }
  yield { line, value: last };
}

/**
 * The key of one sample, `id` and `sample` joined by a NUL (which neither holds).
 *
 * @param r A record with `id` and `sample`.
 * @returns The key.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleKey } from "./jsonl.ts";
 * assert(sampleKey({ id: "q1", sample: 2 }) === "q1\u00002");
 * ```
 */
export function sampleKey(r: { id: string; sample: number }): string {
  return `${r.id}\u0000${r.sample}`;
}

/**
 * Stream the records of an append-only JSONL file of samples, keeping only the LAST record
 * of each sample (`id`, `sample`): a newer record supersedes an older one. This is the one
 * reading rule of run folders: `--retry-failed` and `--retry-invalid` append a new record
 * rather than edit the file, and every reader sees only the newest. Records come in the
 * order of their last appearance. Two passes over the file: memory holds one line number
 * per sample, never the texts.
 *
 * @param path The JSONL file of samples.
 * @param options Where to note a last line cut short.
 * @returns The newest record of each sample (an async generator).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLatest } from "./jsonl.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"id":"q","sample":0,"v":"failed"}\n{"id":"q","sample":1,"v":"ok"}\n{"id":"q","sample":0,"v":"ok"}\n');
 * const seen: string[] = [];
 * for await (const r of readLatest<{ id: string; sample: number; v: string }>(p)) seen.push(`${r.sample}:${r.v}`);
 * assert.deepEqual(seen, ["1:ok", "0:ok"]);
 * ```
 */
export async function* readLatest<T extends { id: string; sample: number }>(
  path: string,
  options: ReadJsonlOptions = {},
): AsyncGenerator<T> {
  const last = new Map<string, number>();
  let n = 0;
  for await (const r of readJsonl<T>(path)) last.set(sampleKey(r), n++);
  const keep = new Set(last.values());
  if (keep.size === n) {
    yield* readJsonl<T>(path, options);
    return;
  }
  n = 0;
  for await (const r of readJsonl<T>(path, options)) if (keep.has(n++)) yield r;
}

/**
 * A record could not be written (a full disk, a removed folder, an I/O error). Whoever
 * writes a run stops at the first one: no new request is sent, since its paid reply could
 * not be kept. A line cut short by it is removed on the next open.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WriteError } from "./jsonl.ts";
 * const e = new WriteError("r/generations.jsonl", new Error("No space left on device (os error 28)"));
 * assert(e.message.startsWith("cannot write r/generations.jsonl: No space left"));
 * ```
 */
export class WriteError extends BsaError {
  constructor(path: string, cause: unknown) {
    super(
      `cannot write ${path}: ${(cause as Error)?.message ?? cause}; stopped sending requests ` +
        `(replies already received were written where possible). Free space or fix the folder, then run the same command again to resume`,
      { cause },
    );
    this.name = "WriteError";
  }
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
  readonly path: string;
  #file: Deno.FsFile;
  #queue: Promise<void> = Promise.resolve();
  #encoder = new TextEncoder();
  /** One buffer the queued lines are encoded into in turn (writes are serialised). */
  #buffer = new Uint8Array(64 * 1024);

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#file = file;
  }

  /** Repair the file, then open it for appending. */
  static async open(path: string): Promise<JsonlAppender> {
    await repairJsonl(path);
    return new JsonlAppender(path, await Deno.open(path, { append: true, create: true }));
  }

  /** Append one record; a failed write rejects with a {@linkcode WriteError}. */
  append(record: unknown): Promise<void> {
    const text = JSON.stringify(record);
    // Each append waits for the one before, whether it succeeded or not, so an error is
    // reported to the caller whose line it was and the next line still gets its chance.
    const next = this.#queue.catch(() => {}).then(async () => {
      // Encoded into the shared buffer, newline included, only when its turn comes: no
      // per-line copy of the text with its newline, and no per-line byte array (a run's
      // largest allocations after the replies themselves).
      if (this.#buffer.length < text.length * 3 + 1) this.#buffer = new Uint8Array(text.length * 3 + 1);
      const n = this.#encoder.encodeInto(text, this.#buffer).written;
      this.#buffer[n] = 10;
      const bytes = this.#buffer.subarray(0, n + 1);
      let written = 0;
      try {
        while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
      } catch (err) {
        throw new WriteError(this.path, err);
      }
    });
    this.#queue = next;
    return next;
  }

  /** Wait for pending appends (their errors went to their callers), then close the file. */
  async close(): Promise<void> {
    await this.#queue.catch(() => {});
    this.#file.close();
  }
}

/**
 * What a line that is not JSON shows of itself in an error: a short excerpt quoted (so control
 * characters cannot reach the terminal), or, for binary data, what it looks like instead.
 *
 * @param text The line as read.
 * @returns The words to put after "not valid JSON: ".
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { badLineExcerpt } from "./jsonl.ts";
 * assert.equal(badLineExcerpt("{oops"), '"{oops"');
 * assert.match(badLineExcerpt("PK\u0003\u0004\u0014\u0000"), /zip archive/);
 * assert(!badLineExcerpt("\u001b[31mred").includes("\u001b"));
 * ```
 */
export function badLineExcerpt(text: string): string {
  if (text.startsWith("PK\u0003\u0004")) return "binary data: a zip archive (an inspect .eval log?), not JSON lines";
  if (text.startsWith("\u001f\u008b") || text.startsWith("\u001f\ufffd")) {
    return "binary data: a gzip file, not JSON lines (unpack it first)";
  }
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(text.slice(0, 80))) return "binary data, not JSON lines";
  return JSON.stringify(text.slice(0, 80));
}
