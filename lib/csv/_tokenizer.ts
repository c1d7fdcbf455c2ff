/**
 * The one CSV tokenizer behind {@linkcode parseCsv} and {@linkcode readCsvRows}: RFC 4180
 * (fields quoted with `"`, a doubled `""` inside a quoted field, CRLF or LF line ends), a
 * leading UTF-8 BOM dropped, blank lines skipped, quotes strict (a `"` inside an unquoted
 * field, text after a closing quote and a quote never closed are errors).
 *
 * Why not csv-parse: its per-character streaming loop was 62% of scoring the upstream CSV
 * (bench/RESULTS.md). Here a line without a quote, the common case, is found with `indexOf`
 * and cut with `split`; only lines holding a quote walk character by character.
 * Its strictness is checked against csv-parse, field for field and error for error, in
 * tests/csv/tokenizer_test.ts.
 * @module
 */

/** What went wrong, in csv-parse's codes (so the messages stay one table in parse.ts). */
export type CsvSyntaxCode = "CSV_QUOTE_NOT_CLOSED" | "INVALID_OPENING_QUOTE" | "CSV_INVALID_CLOSING_QUOTE";

/** A syntax error at a place: `records` whole records before it (header included), 0-based `column`. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly code: CsvSyntaxCode,
    /** Whole records before the bad one, the header included. */
    readonly records: number,
    /** 0-based field of the bad record. */
    readonly column: number,
    /** 1-based line where the bad record starts. */
    readonly line: number,
    /** 1-based line where the tokenizer gave up (the end of the file for an unclosed quote). */
    readonly lastLine: number,
  ) {
    super(code);
    this.name = "CsvSyntaxError";
  }
}

/** Receives each record (the header first) and the 1-based line it starts on. */
export type RecordSink = (record: string[], line: number) => void;

/**
 * Offered each quote-free line before it is split: the text and the line's bounds
 * (`end` excludes the line end). Returning true takes the line over (its record is not
 * split nor sent to the {@linkcode RecordSink}); false lets it go the usual way.
 */
export type LineSink = (text: string, start: number, end: number, line: number) => boolean;

/**
 * Push text in chunks, then `end()`. Records spanning chunks are carried over whole, so a
 * chunk may end anywhere (inside a quoted field, between `\r` and `\n`).
 */
export class CsvTokenizer {
  #carry = "";
  #records = 0;
  /** Line where the carried text starts. */
  #line = 1;
  #first = true;
  #sink: RecordSink;
  #lineSink: LineSink | undefined;

  /**
   * @param sink Receives every record.
   * @param lineSink A fast path for quote-free lines: a reader that knows its format can
   *   look at a line's text in place instead of allocating its fields (see {@linkcode LineSink}).
   */
  constructor(sink: RecordSink, lineSink?: LineSink) {
    this.#sink = sink;
    this.#lineSink = lineSink;
  }

  /** Tokenize what whole records `chunk` (after any carried text) completes. */
  push(chunk: string): void {
    this.#run(this.#carry ? this.#carry + chunk : chunk, false);
  }

  /** Tokenize the rest: a last record without a line end, or the error of an open quote. */
  end(): void {
    this.#run(this.#carry, true);
    this.#carry = "";
  }

  #run(text: string, final: boolean): void {
    let pos = 0;
    if (this.#first && text.length) {
      if (text.charCodeAt(0) === 0xfeff) pos = 1;
      this.#first = false;
    }
    const n = text.length;
    const sink = this.#sink;
    const lineSink = this.#lineSink;
    let line = this.#line;
    // The next quote at or after pos (-1: none left in this text): lines before it take the fast path.
    let quote = text.indexOf('"', pos);
    while (pos < n) {
      let nl = text.indexOf("\n", pos);
      if (quote === -1 || (nl !== -1 && quote > nl)) {
        // Fast path: the whole line is free of quotes.
        if (nl === -1) {
          if (!final) break;
          nl = n;
        }
        const stop = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (stop > pos) {
          if (lineSink === undefined || !lineSink(text, pos, stop, line)) sink(text.slice(pos, stop).split(","), line);
          this.#records++;
        }
        pos = nl + 1;
        line++;
        continue;
      }
      // Slow path: the record holds a quote; it may run over several lines.
      const r = this.#quoted(text, pos, line, final);
      if (!r) break; // the record is not complete in this chunk
      if (r.record) {
        sink(r.record, line);
        this.#records++;
      }
      pos = r.next;
      line = r.line;
      quote = text.indexOf('"', pos);
    }
    this.#line = line;
    this.#carry = pos < n ? text.slice(pos) : "";
  }

  /**
   * One record starting at `start` that holds a quote: its fields, where the next record
   * starts and its line; null when the text ends first and more may come.
   */
  #quoted(
    text: string,
    start: number,
    startLine: number,
    final: boolean,
  ): { record: string[] | null; next: number; line: number } | null {
    const n = text.length;
    const fields: string[] = [];
    let pos = start;
    let line = startLine;
    for (;;) {
      // At the start of a field.
      if (pos < n && text.charCodeAt(pos) === 34) {
        let value = "";
        let from = pos + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) {
            if (!final) return null;
            const lines = line + _count(text, "\n", from, n);
            throw new CsvSyntaxError("CSV_QUOTE_NOT_CLOSED", this.#records, fields.length, startLine, lines);
          }
          line += _count(text, "\n", from, q);
          if (q + 1 < n && text.charCodeAt(q + 1) === 34) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          if (q + 1 >= n && !final) return null; // a "" may be split across chunks
          value += text.slice(from, q);
          pos = q + 1;
          break;
        }
        fields.push(value);
        const c = pos < n ? text.charCodeAt(pos) : -1;
        if (c === 44) {
          pos++;
          continue;
        }
        const end = _lineEnd(text, pos, final);
        if (end === null) return null;
        if (end === -1) {
          throw new CsvSyntaxError("CSV_INVALID_CLOSING_QUOTE", this.#records, fields.length - 1, startLine, line);
        }
        return { record: fields, next: end, line: line + (end > pos ? 1 : 0) };
      }
      // An unquoted field: up to the next comma or line end; a quote inside it is an error.
      let stop = pos;
      while (stop < n) {
        const c = text.charCodeAt(stop);
        if (c === 44 || c === 10 || (c === 13 && stop + 1 < n && text.charCodeAt(stop + 1) === 10)) break;
        if (c === 13 && stop + 1 >= n && !final) return null;
        if (c === 34) {
          throw new CsvSyntaxError("INVALID_OPENING_QUOTE", this.#records, fields.length, startLine, line);
        }
        stop++;
      }
      if (stop >= n && !final) return null;
      fields.push(text.slice(pos, stop));
      if (stop < n && text.charCodeAt(stop) === 44) {
        pos = stop + 1;
        continue;
      }
      const end = stop >= n ? n : text.charCodeAt(stop) === 13 ? stop + 2 : stop + 1;
      const empty = fields.length === 1 && fields[0] === "";
      return { record: empty ? null : fields, next: end, line: line + (stop < n ? 1 : 0) };
    }
  }
}

/** Where the next record starts after a line end at `pos` (`pos` itself at the end of the text); -1: not a line end; null: undecided until more text comes. */
function _lineEnd(text: string, pos: number, final: boolean): number | null {
  const n = text.length;
  if (pos >= n) return final ? n : null;
  const c = text.charCodeAt(pos);
  if (c === 10) return pos + 1;
  if (c === 13) {
    if (pos + 1 >= n) return final ? -1 : null;
    return text.charCodeAt(pos + 1) === 10 ? pos + 2 : -1;
  }
  return -1;
}

function _count(text: string, ch: string, from: number, to: number): number {
  let k = 0;
  for (let i = text.indexOf(ch, from); i !== -1 && i < to; i = text.indexOf(ch, i + 1)) k++;
  return k;
}
