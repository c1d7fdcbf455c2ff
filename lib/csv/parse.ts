import * as aq from "arquero";
import type { ColumnTable } from "arquero";
// Arquero's own RFC 4180 tokenizer; we call it directly because aq.fromCSV
// silently ignores extra fields and pads short rows, and we must reject both.
import { delimitedTextTransformer } from "arquero/src/format/stream/delimited-text-stream.js";
import { pipelineSync } from "arquero/src/format/stream/pipeline.js";
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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: string[][] = text.length ? pipelineSync(text, [delimitedTextTransformer(",")]) : [];
  if (rows.length === 0 || (rows[0].length === 1 && rows[0][0] === "")) {
    throw new BsaError(`${source}: the file is empty (expected a CSV header row)`);
  }
  const columns = rows[0].map((c) => c.trim());
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
  const width = columns.length;
  const values: string[][] = columns.map(() => []);
  const lines: number[] = [];
  let line = 1 + _newlines(rows[0]);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const start = line + 1;
    line = start + _newlines(row);
    // A blank line carries no data; skipping it drops nothing.
    if (row.length === 1 && row[0] === "" && width > 1) continue;
    if (row.length !== width) {
      throw new BsaError(
        `${source} row ${lines.length + 1} (line ${start}): ${row.length} fields, expected ${width} (${
          columns.join(",")
        })`,
      );
    }
    for (let c = 0; c < width; c++) values[c].push(row[c]);
    lines.push(start);
  }
  const data: Record<string, string[]> = {};
  columns.forEach((c, i) => (data[c] = values[i]));
  return { table: aq.table(data, columns), columns, lines };
}

function _newlines(row: string[]): number {
  let n = 0;
  for (const field of row) {
    for (let i = field.indexOf("\n"); i !== -1; i = field.indexOf("\n", i + 1)) n++;
  }
  return n;
}
