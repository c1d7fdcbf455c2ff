// The tokenizer against csv-parse (the parser it replaced, kept as the oracle for tests only):
// same records, same start lines, same errors, on random CSV text with every hard case
// (quotes, doubled quotes, commas and newlines in quoted fields, CRLF, BOM, blank lines,
// malformed quotes), pushed whole and in random chunks.
import { parse } from "csv-parse/sync";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { CsvSyntaxError, CsvTokenizer } from "../../lib/csv/_tokenizer.ts";
import { parseCsv, readCsvRows } from "../../lib/csv/parse.ts";
import { BsaError } from "../../lib/errors.ts";

type Result = { records: [string[], number][] } | { error: string; records: number; column: number };

function oracle(text: string): Result {
  const records: [string[], number][] = [];
  try {
    const out = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: false,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    // csv-parse counts a CRLF inside quotes as two lines: take those back out of its count.
    let extra = 0;
    for (const { record, info } of out) {
      const newlines = record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
      extra += record.reduce((n, f) => n + (f.match(/\r\n/g)?.length ?? 0), 0);
      records.push([record, info.lines - extra - newlines]);
    }
    return { records };
  } catch (err) {
    const e = err as { code: string; records: number; column: number };
    return { error: e.code, records: e.records, column: e.column };
  }
}

function ours(text: string, chunks: number[] = []): Result {
  const records: [string[], number][] = [];
  const t = new CsvTokenizer((r, line) => records.push([r, line]));
  try {
    let at = 0;
    for (const size of chunks) {
      t.push(text.slice(at, at + size));
      at += size;
    }
    t.push(text.slice(at));
    t.end();
    return { records };
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    return { error: err.code, records: err.records, column: err.column };
  }
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

function randomCsv(rand: () => number, broken: boolean): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const eol = rand() < 0.5 ? "\n" : "\r\n";
  const field = () => {
    const kind = rand();
    if (kind < 0.5) return pick(["a", "bc", "", "x y", "1e5", "Safe", "Fully Covered", " sp "]);
    // Newlines inside quotes as the file's own (csv-parse counts lines differently in mixed files).
    const inner = pick(["a,b", 'say ""hi""', `two${eol}lines`, "", ",", '""', `end${eol}`]);
    return `"${inner}"`;
  };
  const lines: string[] = [];
  const n = 1 + Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) {
    if (rand() < 0.1) {
      lines.push(""); // a blank line
      continue;
    }
    const width = 1 + Math.floor(rand() * 4);
    lines.push(Array.from({ length: width }, field).join(","));
  }
  let text = (rand() < 0.2 ? "\ufeff" : "") + lines.join(eol) + (rand() < 0.7 ? eol : "");
  if (broken) {
    let at = Math.floor(rand() * (text.length + 1));
    // Not between \r and \n: that makes a file of mixed line ends, where csv-parse takes only the
    // first kind it meets as a line end and this tokenizer takes both.
    if (text[at - 1] === "\r") at++;
    text = text.slice(0, at) + pick(['"', 'x"', '"y', '""z']) + text.slice(at);
  }
  return text;
}

Deno.test("tokenizer: same records, start lines and errors as csv-parse on 4,000 random files", () => {
  const rand = rng(7);
  let errors = 0;
  for (let i = 0; i < 4000; i++) {
    const text = randomCsv(rand, i % 3 === 0);
    const want = oracle(text);
    const got = ours(text);
    if ("error" in want) errors++;
    assertEquals(got, want, `file ${i}: ${JSON.stringify(text)}`);
  }
  // The broken third must really exercise the error paths.
  assert(errors > 300, `only ${errors} files with a syntax error`);
});

Deno.test("tokenizer: a chunk may end anywhere (inside quotes, between \\r and \\n, in a doubled quote)", () => {
  const rand = rng(11);
  for (let i = 0; i < 1500; i++) {
    const text = randomCsv(rand, i % 4 === 0);
    const whole = ours(text);
    const chunks: number[] = [];
    for (let left = text.length; left > 0;) {
      const size = Math.min(left, 1 + Math.floor(rand() * 6));
      chunks.push(size);
      left -= size;
    }
    assertEquals(ours(text, chunks), whole, `file ${i} in chunks ${chunks}: ${JSON.stringify(text)}`);
  }
});

Deno.test("readCsvRows and parseCsv agree on a file larger than one read, CRLF and quoted newlines included", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  const rows = Array.from({ length: 60_000 }, (_, i) => `m${i % 7},q${i},"a ""quoted"", multi\r\nline ${i}",x`);
  await Deno.writeTextFile(path, "\ufeffmodel,id,text,v\r\n" + rows.join("\r\n") + "\r\n");
  const seen: { text: string; line: number }[] = [];
  const cols = await readCsvRows(path, { source: path }, (r, _n, line) => seen.push({ text: r[2], line }));
  const { table, lines } = parseCsv(await Deno.readTextFile(path), { source: path });
  assertEquals(cols, ["model", "id", "text", "v"]);
  assertEquals(seen.length, 60_000);
  assertEquals(seen.map((s) => s.line), lines);
  assertEquals(seen.map((s) => s.text), table.array("text"));
  assertEquals(seen[59_999], { text: 'a "quoted", multi\r\nline 59999', line: 2 + 2 * 59_999 });
});

Deno.test("readCsvRows names the file, row and line of a syntax error past the first read", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  const good = Array.from({ length: 100_000 }, (_, i) => `m,q${i},Risk Omission,Safe,True`).join("\n");
  await Deno.writeTextFile(
    path,
    `model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\n${good}\nm,q,Risk "Omission,Safe,True\n`,
  );
  const err = await readCsvRows(path, { source: path }, () => {}).then(() => null, (e) => e);
  assert(err instanceof BsaError, String(err));
  assert(
    err.message.includes(`${path} row 100001 (line 100002): field 3 has a '"' inside an unquoted value`),
    err.message,
  );
  assertThrows(
    () => parseCsv('a,b\n1,"x"y\n', { source: "s.csv" }),
    BsaError,
    "s.csv row 1 (line 2): field 2 has text after its closing quote",
  );
});
