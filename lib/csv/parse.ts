import * as aq from "arquero";
import type { ColumnTable } from "arquero";
// The tokenizer is ours (speed: see its module); the width check too, so that an error
// names the source, the data row and the line where it starts.
import { CsvSyntaxError, CsvTokenizer } from "./_tokenizer.ts";
import { BsaError } from "../errors.ts";

/** A parsed CSV file: an all-string Arquero table plus the line where each row starts. */
export interface CsvTable {
  /** One column per header field; every value is a string (empty string for an empty field). */
  table: ColumnTable;
  /** Column names in file order. */
  columns: string[];
  /** `lines[i]` is the 1-based line of the file where data row `i` (0-based) starts. */
  lines: number[];
}

/** Options for {@linkcode parseCsv}. */
export interface ParseCsvOptions {
  /** Name of the file (or other source) used in error messages. */
  source: string;
  /** Columns that must be present in the header. */
  required?: readonly string[];
}

/**
 * A fast path of {@linkcode readCsvRows} for data rows on one line with no quote: the
 * chunk of text, the row's bounds in it (`end` before the line end), its row number, line
 * and the header. Return true to take the row over (`onRow` is then not called, and the
 * row's checks, its width first, are the handler's); false sends it to `onRow` split.
 */
export type RawRowHandler = (
  text: string,
  start: number,
  end: number,
  rowNumber: number,
  line: number,
  columns: string[],
) => boolean;

/** Options for {@linkcode readCsvRows}. */
export interface ReadCsvRowsOptions extends ParseCsvOptions {
  /** Looks at quote-free rows in place before they are split (see {@linkcode RawRowHandler}). */
  onRawRow?: RawRowHandler;
}

/**
 * Parse CSV text strictly: a header row, then rows with exactly as many fields as the header.
 *
 * Values stay strings (no type inference), so ids such as `1e5` survive intact.
 * A row with too few or too many fields, a duplicate header name, or a missing
 * required column is an error naming the source, the row and its line.
 *
 * @param text The CSV text.
 * @param options The source's name for errors, and the columns that must be present.
 * @returns The header and the rows, values as strings.
 * @throws {BsaError} A row with too few or too many fields, a duplicate header name or a missing required column.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsv } from "./parse.ts";
 * const { table, lines } = parseCsv('id,text\n1,"a\nb"\n2,c\n', { source: "x.csv" });
 * assert(table.numRows() === 2);
 * assert(lines[1] === 4);
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions): CsvTable {
  const { source } = options;
  let columns: string[] | null = null;
  let values: string[][] = [];
  const lines: number[] = [];
  const tokenizer = new CsvTokenizer((record, line) => {
    if (!columns) {
      columns = _header(record, options);
      values = columns.map(() => []);
      return;
    }
    _checkWidth(record, columns.length, columns, source, lines.length + 1, line);
    for (let c = 0; c < record.length; c++) values[c].push(record[c]);
    lines.push(line);
  });
  try {
    tokenizer.push(text);
    tokenizer.end();
  } catch (err) {
    throw _parseError(err, source);
  }
  if (!columns) throw new BsaError(`${source}: the file is empty (expected a CSV header row)`);
  const header: string[] = columns;
  const data: Record<string, string[]> = {};
  header.forEach((c, i) => (data[c] = values[i]));
  return { table: aq.table(data, header), columns: header, lines };
}

/**
 * Read a CSV file as a stream of rows, in bounded memory, with the same checks as
 * {@linkcode parseCsv}: `onRow` gets each data row (exactly as wide as the header), its
 * 1-based row number, the line where it starts, and the header. Errors thrown by `onRow` stop the read.
 *
 * @param path The CSV file.
 * @param options Source name for errors, the required columns, and an optional fast path
 *   for quote-free rows (`onRawRow`, for a reader that knows its format).
 * @param onRow Called once per data row (that `onRawRow` did not take).
 * @returns The header's column names.
 * @throws {BsaError} The file cannot be read, is empty, lacks a column, or a row's width differs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsvRows } from "./parse.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, 'id,text\n1,"a\nb"\n2,c\n');
 * const seen: string[] = [];
 * await readCsvRows(p, { source: p }, (row, n, line) => seen.push(`${n}@${line}:${row[1]}`));
 * assert.deepEqual(seen, ["1@2:a\nb", "2@4:c"]);
 * ```
 */
export async function readCsvRows(
  path: string,
  options: ReadCsvRowsOptions,
  onRow: (row: string[], rowNumber: number, line: number, columns: string[]) => void,
): Promise<string[]> {
  const { source } = options;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (err) {
    throw new BsaError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  let columns: string[] | null = null;
  let n = 0;
  const raw = options.onRawRow;
  const tokenizer = new CsvTokenizer(
    (record, line) => {
      if (!columns) columns = _header(record, options);
      else {
        _checkWidth(record, columns.length, columns, source, ++n, line);
        onRow(record, n, line, columns);
      }
    },
    raw && ((text, start, end, line) => columns !== null && raw(text, start, end, n + 1, line, columns) && (++n, true)),
  );
  // 1 MiB synchronous reads into one buffer (an await per read left the loop idle a tenth
  // of the time); a record is handed on as soon as its line is complete.
  const buf = new Uint8Array(1 << 20);
  // A byte that is not UTF-8 decodes to U+FFFD and could merge two names into one, so the
  // file must be UTF-8. A fatal decoder checks it at a quarter of the speed (bench/RESULTS.md,
  // scoring); so text is decoded leniently and a file that shows a U+FFFD is checked again
  // strictly (a real U+FFFD in the file passes).
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let replaced = false;
  const decode = (bytes?: Uint8Array) => {
    const text = bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    if (!replaced && text.includes("\uFFFD")) replaced = true;
    return text;
  };
  try {
    for (;;) {
      const got = file.readSync(buf);
      if (got === null) break;
      tokenizer.push(decode(buf.subarray(0, got)));
    }
    tokenizer.push(decode());
    tokenizer.end();
  } catch (err) {
    if (replaced) _checkUtf8(path, source);
    if (err instanceof BsaError) throw err;
    throw _parseError(err, source);
  } finally {
    file.close();
  }
  if (replaced) _checkUtf8(path, source);
  if (!columns) throw new BsaError(`${source}: the file is empty (expected a CSV header row)`);
  return columns;
}

/**
 * A CSV syntax error in plain words, naming the source, the row and the line it starts on
 * (for an unclosed quote also the line where the file ends inside it). `err` is what the
 * tokenizer threw: its `code`, `records` (whole records before it, the header included) and
 * `column` (0-based field) say what and where.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsv } from "./parse.ts";
 * assert.throws(() => parseCsv('id,text\n1,a\n2,"b\n3,c\n', { source: "x.csv" }),
 *   /x.csv row 2 \(line 3\): field 2 opens a quote that is never closed/);
 * ```
 */
function _parseError(err: unknown, source: string): BsaError {
  if (!(err instanceof CsvSyntaxError)) {
    return new BsaError(`${source}: cannot read it as CSV text (${(err as Error).message ?? err})`, { cause: err });
  }
  const where = err.records ? `${source} row ${err.records} (line ${err.line})` : `${source} header (line ${err.line})`;
  const field = `field ${err.column + 1}`;
  const plain: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED:
      `${field} opens a quote that is never closed (the file ends inside it at line ${err.lastLine}); add the closing '"'`,
    INVALID_OPENING_QUOTE:
      `${field} has a '"' inside an unquoted value; quote the whole value and double the quotes inside it ("")`,
    CSV_INVALID_CLOSING_QUOTE:
      `${field} has text after its closing quote; a '"' inside a quoted value must be doubled ("")`,
  };
  return new BsaError(`${where}: ${plain[err.code]}`, { cause: err });
}

function _header(record: string[], options: ParseCsvOptions): string[] {
  const { source } = options;
  if (record.some((c) => c.includes("\r"))) {
    throw new BsaError(`${source}: its lines end in a lone carriage return (CR); save it with LF or CRLF line ends`);
  }
  const columns = record.map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new BsaError(`${source}: header names column '${c}' twice`);
    seen.add(c);
  }
  const missing = (options.required ?? []).filter((c) => !seen.has(c));
  if (missing.length) {
    throw new BsaError(
      `${source}: missing required column${missing.length > 1 ? "s" : ""} ${
        missing.map((c) => `'${c}'`).join(", ")
      } (found: ${_shown(columns)})`,
    );
  }
  return columns;
}

// deno-lint-ignore no-control-regex
const _PLAIN_NAME = /^[^\u0000-\u001f\u007f-\u009f]{0,40}$/;

/** Throws when the file is not UTF-8, naming the first bad byte's offset. */
function _checkUtf8(path: string, source: string): void {
  const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const buf = new Uint8Array(1 << 20);
  using file = Deno.openSync(path);
  let offset = 0;
  for (;;) {
    const got = file.readSync(buf);
    try {
      if (got === null) return void strict.decode();
      strict.decode(buf.subarray(0, got), { stream: true });
    } catch (err) {
      throw new BsaError(
        `${source}: not UTF-8 text (an invalid byte sequence in bytes ${offset}-${
          offset + (got ?? 0)
        }); save the file as UTF-8`,
        { cause: err },
      );
    }
    offset += got;
  }
}

/** Header names as a message may show them: control characters escaped, long names and lists cut. */
function _shown(columns: string[]): string {
  const plain = (c: string) => _PLAIN_NAME.test(c) ? c : JSON.stringify(c.slice(0, 40)) + (c.length > 40 ? "..." : "");
  const shown = columns.slice(0, 12).map(plain).join(", ");
  return columns.length > 12 ? `${shown}, ... (${columns.length} columns)` : shown;
}

function _checkWidth(
  record: string[],
  width: number,
  columns: string[],
  source: string,
  row: number,
  line: number,
): void {
  if (record.length !== width) {
    throw new BsaError(
      `${source} row ${row} (line ${line}): ${record.length} fields, expected ${width} (${columns.join(",")})`,
    );
  }
}
