import * as aq from "arquero";
import type { ColumnTable } from "arquero";
// csv-parse tokenizes (RFC 4180, BOM, line counts); the width check is ours, so that an
// error names the source, the data row and the line where it starts.
import { parse } from "csv-parse/sync";
import { parse as parseStream } from "csv-parse/stream";
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
  let records: { record: string[]; info: { lines: number } }[];
  // The line the last whole record ended on: a record the parser refuses starts after it.
  let lastLine = 0;
  try {
    records = parse(text, {
      ..._OPTIONS,
      info: true,
      on_record: (record: string[], context: { lines: number }) => ((lastLine = context.lines), record),
    }) as unknown as typeof records;
  } catch (err) {
    throw _parseError(err, source, lastLine + 1);
  }
  if (records.length === 0) throw new BsaError(`${source}: the file is empty (expected a CSV header row)`);
  const columns = _header(records[0].record, options);
  const width = columns.length;
  const values: string[][] = columns.map(() => []);
  const lines: number[] = [];
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    const start = info.lines - _newlines(record);
    _checkWidth(record, width, columns, source, lines.length + 1, start);
    for (let c = 0; c < width; c++) values[c].push(record[c]);
    lines.push(start);
  }
  const data: Record<string, string[]> = {};
  columns.forEach((c, i) => (data[c] = values[i]));
  return { table: aq.table(data, columns), columns, lines };
}

/**
 * Read a CSV file as a stream of rows, in bounded memory, with the same checks as
 * {@linkcode parseCsv}: `onRow` gets each data row (exactly as wide as the header), its
 * 1-based row number, the line where it starts, and the header. Errors thrown by `onRow` stop the read.
 *
 * @param path The CSV file.
 * @param options Source name for errors and the required columns.
 * @param onRow Called once per data row.
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
  options: ParseCsvOptions,
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
  // The line the last whole record ended on: a record the parser refuses starts after it.
  let lastLine = 0;
  const rows = parseStream({
    ..._OPTIONS,
    // Rows are handled here and dropped (null), so nothing queues up behind the reader.
    on_record: (record: string[], context: { lines: number }) => {
      lastLine = context.lines;
      if (!columns) columns = _header(record, options);
      else {
        const start = context.lines - _newlines(record);
        _checkWidth(record, columns.length, columns, source, ++n, start);
        onRow(record, n, start, columns);
      }
      return null;
    },
  });
  try {
    await file.readable.pipeThrough(rows).pipeTo(new WritableStream());
  } catch (err) {
    if (err instanceof BsaError) throw err;
    throw _parseError(err, source, lastLine + 1);
  }
  if (!columns) throw new BsaError(`${source}: the file is empty (expected a CSV header row)`);
  return columns;
}

/**
 * A CSV syntax error in plain words, naming the source, the row and the line it starts on
 * (csv-parse names the line where it gave up, which for an unclosed quote is the end of the
 * file). `err` is what csv-parse threw: its `code`, `records` (whole records before it, the
 * header included) and `column` (0-based field) say what and where.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCsv } from "./parse.ts";
 * assert.throws(() => parseCsv('id,text\n1,a\n2,"b\n3,c\n', { source: "x.csv" }),
 *   /x.csv row 2 \(line 3\): field 2 opens a quote that is never closed/);
 * ```
 */
function _parseError(err: unknown, source: string, line: number): BsaError {
  const e = err as { code?: string; records?: number; column?: number; lines?: number; message?: string };
  const where = e.records ? `${source} row ${e.records} (line ${line})` : `${source} header (line ${line})`;
  const field = `field ${(e.column ?? 0) + 1}`;
  const said = (e.message ?? String(err)).replace(/:.*$/s, "");
  const plain: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED:
      `${field} opens a quote that is never closed (the file ends inside it at line ${e.lines}); add the closing '"'`,
    INVALID_OPENING_QUOTE:
      `${field} has a '"' inside an unquoted value; quote the whole value and double the quotes inside it ("")`,
    CSV_INVALID_CLOSING_QUOTE:
      `${field} has text after its closing quote; a '"' inside a quoted value must be doubled ("")`,
  };
  return new BsaError(`${where}: ${plain[e.code ?? ""] ?? `${said} (${e.message})`}`, { cause: err });
}

// Widths are checked by us (relax_column_count) so the error can name the row and its first line.
const _OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: false } as const;

function _header(record: string[], options: ParseCsvOptions): string[] {
  const { source } = options;
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
      } (found: ${columns.join(", ")})`,
    );
  }
  return columns;
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

function _newlines(row: string[]): number {
  let n = 0;
  for (const field of row) {
    for (let i = field.indexOf("\n"); i !== -1; i = field.indexOf("\n", i + 1)) n++;
  }
  return n;
}
