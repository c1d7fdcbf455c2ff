import { badLineExcerpt } from "./jsonl.ts";
import { BsaError } from "../errors.ts";

/** Where one record sits in a JSONL file, and the small fields picked from it. */
export interface IndexedRecord<M> {
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Bytes of the line, without its newline. */
  length: number;
  /** 1-based line number, for error messages. */
  line: number;
  meta: M;
}

/** What one {@linkcode JsonlIndex.refresh} found. */
export interface RefreshResult<M> {
  /** Records indexed by this refresh, in file order. */
  added: IndexedRecord<M>[];
  /** The file shrank or was replaced: every earlier record is gone and `added` starts from the top. */
  reset: boolean;
}

const CHUNK = 4 << 20;

/**
 * A byte-offset index of an append-only JSONL file that may still be growing: each
 * {@linkcode JsonlIndex.refresh} reads only the bytes appended since the last one and
 * indexes the complete lines among them (a last line without its newline is left for the
 * next refresh: it is still being written). Only `pick`'s small fields are kept per line;
 * the texts stay on disk and are read back by offset with {@linkcode JsonlIndex.read}, so
 * memory grows with the number of records, never with their size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JsonlIndex } from "./jsonl_index.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"id":"q","text":"long"}\n{"id":"r","te');
 * const index = new JsonlIndex(p, (r: { id: string }) => r.id);
 * const first = await index.refresh();
 * assert.deepEqual(first.added.map((e) => e.meta), ["q"]);
 * await Deno.writeTextFile(p, 'xt":"more"}\n', { append: true });
 * const second = await index.refresh();
 * assert.equal((await index.read<{ text: string }>(second.added[0])).text, "more");
 * ```
 */
export class JsonlIndex<M> {
  readonly path: string;
  #pick: (record: never, line: number) => M;
  #size = 0;
  #line = 0;
  #ino: number | null = null;
  #decoder = new TextDecoder();

  /**
   * @param path the JSONL file (a missing file is an empty one until it appears)
   * @param pick the fields to keep from each parsed record
   */
  constructor(path: string, pick: (record: never, line: number) => M) {
    this.path = path;
    this.#pick = pick;
  }

  /**
   * Read the indexed lines again, in file order, without decoding them (a search checks each
   * line's bytes before parsing the few that may match): `fn` gets each line's offset and the
   * line as `buf[start, end)`, a buffer reused across lines and valid only during the call.
   *
   * @param fn Called with each complete line up to what the last refresh indexed.
   * @returns The offset just past the last line read.
   */
  scanBytes(fn: (offset: number, buf: Uint8Array, start: number, end: number) => void): Promise<number> {
    return scanLineBytes(this.path, 0, this.indexedBytes, fn);
  }

  /** Bytes of the file indexed so far (complete lines only). */
  get indexedBytes(): number {
    return this.#size;
  }

  /**
   * Index the complete lines appended since the last call.
   *
   * @throws {BsaError} a complete line that is not valid JSON (naming the file and line)
   */
  async refresh(): Promise<RefreshResult<M>> {
    let stat: Deno.FileInfo;
    try {
      stat = await Deno.stat(this.path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        const reset = this.#size > 0;
        this.#size = this.#line = 0;
        return { added: [], reset };
      }
      throw err;
    }
    let reset = false;
    if (stat.size < this.#size || (this.#ino !== null && stat.ino !== null && stat.ino !== this.#ino)) {
      reset = true;
      this.#size = this.#line = 0;
    }
    this.#ino = stat.ino;
    if (stat.size === this.#size) return { added: [], reset };
    const added: IndexedRecord<M>[] = [];
    const end = await scanLines(this.path, this.#size, stat.size, (offset, length, text) => {
      this.#line++;
      if (!text.trim()) return;
      let record: never;
      try {
        record = JSON.parse(text) as never;
      } catch {
        throw new BsaError(`${this.path} line ${this.#line}: not valid JSON: ${badLineExcerpt(text)}`);
      }
      added.push({ offset, length, line: this.#line, meta: this.#pick(record, this.#line) });
    });
    // The bytes after the last newline are a line still being written: read them next time.
    this.#size = end;
    return { added, reset };
  }

  /**
   * Read back one indexed record.
   *
   * @throws {BsaError} when the bytes at the offset are no longer that record (the file was replaced)
   */
  async read<T>(entry: { offset: number; length: number; line?: number }): Promise<T> {
    return (await this.readMany<T>([entry]))[0];
  }

  /**
   * Read back indexed records (in the order given), opening the file once.
   *
   * @throws {BsaError} when the bytes at an offset are no longer that record (the file was replaced)
   */
  async readMany<T>(entries: { offset: number; length: number; line?: number }[]): Promise<T[]> {
    if (!entries.length) return [];
    using file = await Deno.open(this.path, { read: true });
    const out: T[] = [];
    for (const entry of entries) {
      await file.seek(entry.offset, Deno.SeekMode.Start);
      const buf = new Uint8Array(entry.length);
      let got = 0;
      while (got < buf.length) {
        const n = await file.read(buf.subarray(got));
        if (n === null) break;
        got += n;
      }
      try {
        out.push(JSON.parse(this.#decoder.decode(buf.subarray(0, got))) as T);
      } catch {
        throw new BsaError(`${this.path}: the record at line ${entry.line ?? "?"} changed on disk; reload the viewer`);
      }
    }
    return out;
  }
}

/**
 * Call `fn` with each complete line between byte offsets `from` and `to` of a file (its byte
 * offset, its length in bytes and its text), reading a few MB at a time. Bytes after the
 * last newline are not a line yet. Returns the offset just past the last complete line.
 *
 * @param path The file.
 * @param from The byte offset to start at (a line start).
 * @param to The byte offset to stop at.
 * @param fn Called with each line's offset, byte length and text.
 * @returns The offset just past the last complete line.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanLines } from "./jsonl_index.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, "ab\ncd\nunfinished");
 * const seen: string[] = [];
 * const end = await scanLines(p, 0, 100, (offset, _length, text) => seen.push(`${offset}:${text}`));
 * assert.deepEqual(seen, ["0:ab", "3:cd"]);
 * assert.equal(end, 6);
 * ```
 */
export async function scanLines(
  path: string,
  from: number,
  to: number,
  fn: (offset: number, length: number, text: string) => void,
): Promise<number> {
  const decoder = new TextDecoder();
  return await scanLineBytes(
    path,
    from,
    to,
    (offset, buf, start, end) => fn(offset, end - start, decoder.decode(buf.subarray(start, end))),
  );
}

/**
 * {@linkcode scanLines} without decoding: `fn` gets each complete line as `buf[start, end)`
 * (a buffer reused from scan to scan, valid only during the call), so a scan that looks at
 * few lines allocates nothing per line or chunk and its memory stays a few MB whatever the
 * file's size and however often it runs.
 *
 * @param path The file.
 * @param from The byte offset to start at (a line start).
 * @param to The byte offset to stop at.
 * @param fn Called with each line's file offset, the buffer, and the line's start and end in it (newline excluded).
 * @returns The offset just past the last complete line.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanLineBytes } from "./jsonl_index.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, "ab\né\nunfinished");
 * const seen: string[] = [];
 * await scanLineBytes(p, 0, 100, (offset, _buf, start, end) => seen.push(`${offset}:${end - start}`));
 * assert.deepEqual(seen, ["0:2", "3:2"]);
 * ```
 */
export async function scanLineBytes(
  path: string,
  from: number,
  to: number,
  fn: (offset: number, buf: Uint8Array, start: number, end: number) => void,
): Promise<number> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return from;
    throw err;
  }
  using _file = file;
  await file.seek(from, Deno.SeekMode.Start);
  // One buffer for the whole scan: the unfinished line is moved to its front and the next
  // chunk read after it (it grows only for a line longer than a chunk), so a scan of any file
  // allocates nothing per chunk.
  let buf = _spare ?? new Uint8Array(2 * CHUNK);
  _spare = null; // a scan running at the same time takes a buffer of its own
  let kept = 0; // bytes of an unfinished line at the front of buf
  let pos = from; // file offset of the first byte not yet handed to fn
  let remaining = to - from;
  while (remaining > 0) {
    if (buf.length - kept < CHUNK) {
      const bigger = new Uint8Array(2 * buf.length);
      bigger.set(buf.subarray(0, kept));
      buf = bigger;
    }
    const n = await file.read(buf.subarray(kept, kept + Math.min(CHUNK, remaining)));
    if (n === null) break;
    remaining -= n;
    const end = kept + n;
    const data = buf.subarray(0, end);
    let start = 0;
    let nl: number;
    while ((nl = data.indexOf(10, start)) !== -1) {
      fn(pos + start, buf, start, nl);
      start = nl + 1;
    }
    pos += start;
    buf.copyWithin(0, start, end);
    kept = end - start;
  }
  if (buf.length === 2 * CHUNK) _spare = buf;
  return pos;
}

// The scan buffer kept for the next scan (none while a scan holds it).
let _spare: Uint8Array | null = null;
