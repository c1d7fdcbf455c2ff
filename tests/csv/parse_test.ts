import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { parseCsv } from "../../lib/csv/parse.ts";
import { stringifyCsv } from "../../lib/csv/stringify.ts";
import { BsaError } from "../../lib/errors.ts";

Deno.test("parseCsv keeps quoted newlines, commas and quotes, and tracks the line each row starts on", () => {
  const text = 'id,text\n1,"a\nb, ""c"""\n2,plain\n';
  const { table, lines, columns } = parseCsv(text, { source: "t.csv" });
  assertEquals(columns, ["id", "text"]);
  assertEquals(table.array("text"), ['a\nb, "c"', "plain"]);
  assertEquals(lines, [2, 4]);
});

Deno.test("parseCsv keeps every value a string (no type inference)", () => {
  const { table } = parseCsv("id,n\n1e5,007\n", { source: "t.csv" });
  assertEquals(table.get("id", 0), "1e5");
  assertEquals(table.get("n", 0), "007");
});

Deno.test("parseCsv rejects a row with too many or too few fields, naming row and line", () => {
  const e1 = assertThrows(() => parseCsv("a,b\n1,2\n3,4,5\n", { source: "x.csv" }), BsaError);
  assert(e1.message.includes("x.csv row 2 (line 3): 3 fields, expected 2"), e1.message);
  const e2 = assertThrows(() => parseCsv("a,b\n1\n", { source: "x.csv" }), BsaError);
  assert(e2.message.includes("row 1 (line 2): 1 fields, expected 2"), e2.message);
});

Deno.test("parseCsv names missing required columns, duplicate headers and empty files", () => {
  const e = assertThrows(() => parseCsv("a,b\n1,2\n", { source: "x.csv", required: ["a", "c", "d"] }), BsaError);
  assert(e.message.includes("missing required columns 'c', 'd'"), e.message);
  assertThrows(() => parseCsv("a,a\n1,2\n", { source: "x.csv" }), BsaError, "column 'a' twice");
  assertThrows(() => parseCsv("", { source: "x.csv" }), BsaError, "x.csv: the file is empty");
});

Deno.test("parseCsv strips a UTF-8 BOM and skips blank lines, handles CRLF", () => {
  const { table, columns, lines } = parseCsv("\ufeffa,b\r\n1,2\r\n\r\n3,4\r\n", { source: "x.csv" });
  assertEquals(columns, ["a", "b"]);
  assertEquals(table.array("a"), ["1", "3"]);
  assertEquals(lines, [2, 4]);
});

Deno.test("stringifyCsv round-trips through parseCsv", () => {
  const text = 'id,text\n1,"a\nb, ""c"""\n';
  const { table } = parseCsv(text, { source: "t.csv" });
  assertEquals(stringifyCsv(table), text);
});
