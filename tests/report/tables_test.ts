import { assert, assertEquals } from "../helpers/assert.ts";
import { DATASET_CSV, tempDir } from "../helpers/paths.ts";
import { parseCsv } from "../../lib/csv/parse.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import { loadPaper } from "../../lib/paper/load.ts";
import { writeTables } from "../../lib/report/tables.ts";
import { renderCsv } from "../../lib/tables/csv.ts";
import { renderLatex } from "../../lib/tables/latex.ts";
import type { Table } from "../../lib/tables/model.ts";
import { METRIC_ORDER } from "../../lib/metrics/metric_table.ts";

/** LaTeX text-mode escapes back to the characters they stand for (a decoder written apart from the encoder). */
const DECODE: [RegExp, string][] = [
  [/\\textbackslash\{\}/g, "\\"],
  [/\\textasciitilde\{\}/g, "~"],
  [/\\textasciicircum\{\}/g, "^"],
  [/\\textless\{\}/g, "<"],
  [/\\textgreater\{\}/g, ">"],
  [/\\textbar\{\}/g, "|"],
  [/\\ldots\{\}/g, "…"],
  [/\{\[\}/g, "["],
  [/\{\]\}/g, "]"],
  [/\$\\pm\$/g, "±"],
  [/\$\\times\$/g, "×"],
  [/\$\\leq\$/g, "≤"],
  [/\$\\geq\$/g, "≥"],
  [/\$\\in\$/g, "∈"],
  [/\$\\neq\$/g, "≠"],
  [/\$\\rightarrow\$/g, "→"],
  [/\$\\alpha\$/g, "α"],
  [/\$\\kappa\$/g, "κ"],
  [/\$\\tau\$/g, "τ"],
  [/\$-\$/g, "−"],
  [/\$<\$/g, "<"],
  [/---/g, "—"],
  [/--/g, "–"],
  [/\\([&%$#_{}])/g, "$1"],
];

function _decode(cell: string): string {
  let s = cell.replace(/\\textbf\{([^}]*)\}/g, "$1");
  for (const [re, to] of DECODE) s = s.replace(re, to);
  return s;
}

/** The tabular of a LaTeX file, checked for form, as its header and rows of raw cells. */
function _parseTabular(tex: string): { spec: string; header: string[]; rows: string[][] } {
  const body = tex.split("\n").filter((l) => !l.startsWith("%"));
  // Environments balanced and nested.
  const stack: string[] = [];
  for (const m of body.join("\n").matchAll(/\\(begin|end)\{(\w+)\}/g)) {
    if (m[1] === "begin") stack.push(m[2]);
    else assertEquals(stack.pop(), m[2], "\\end matches the last \\begin");
  }
  assertEquals(stack, [], "every environment is closed");
  for (const line of body) {
    // Braces balance once escaped braces are set aside; math shifts come in pairs.
    const bare = line.replace(/\\[{}$%&#_]/g, "");
    assertEquals([...bare].filter((c) => c === "{").length, [...bare].filter((c) => c === "}").length, line);
    assertEquals([...bare].filter((c) => c === "$").length % 2, 0, line);
    // No unescaped special is left: %, #, _ only escaped; ~ and ^ only inside their commands.
    assert(!/[%#_~^]/.test(bare), `unescaped special in: ${line}`);
  }
  const spec = /\\begin\{tabular\}\{([lrc]+)\}/.exec(tex)![1];
  const top = body.indexOf("\\toprule"), mid = body.indexOf("\\midrule"), bottom = body.indexOf("\\bottomrule");
  assert(
    top >= 0 && mid === top + 2 && bottom > mid,
    "booktabs rules: \\toprule, header, \\midrule, rows, \\bottomrule",
  );
  const split = (line: string) => {
    assert(line.endsWith(" \\\\"), line);
    const cells = line.slice(0, -3).split(/(?<!\\)&/).map((c) => c.trim());
    assertEquals(cells.length, spec.length, `one cell per column: ${line}`);
    return cells;
  };
  return { spec, header: split(body[top + 1]), rows: body.slice(mid + 1, bottom).map(split) };
}

/** Check a LaTeX table against its CSV cell for cell: each LaTeX cell is the CSV's value (and interval). */
function _matchesCsv(tex: string, csv: string, where: string): number {
  const { header, rows } = _parseTabular(tex);
  const table = parseCsv(csv, { source: where }).table;
  const names = table.columnNames();
  const data = table.objects() as Record<string, string>[];
  const columns = header.map(_decode);
  assertEquals(names.filter((n) => !/_(lo|hi)$/.test(n) || !columns.includes(n.replace(/_(lo|hi)$/, ""))), columns);
  assertEquals(rows.length, data.length, `${where}: rows`);
  let cells = 0;
  for (const [i, row] of rows.entries()) {
    for (const [j, raw] of row.entries()) {
      const name = columns[j];
      const v = data[i][name] ?? "";
      const given = v === "" ? "–" : v;
      const expected = names.includes(`${name}_lo`) && v !== ""
        ? `${given} [${data[i][`${name}_lo`]}, ${data[i][`${name}_hi`]}]`
        : given;
      // A minus in a number is typeset as a true minus ($-$).
      assertEquals(_decode(raw).replace(/−/g, "-"), expected.replace(/^</, "<"), `${where} row ${i + 1}, ${name}`);
      cells++;
    }
  }
  return cells;
}

Deno.test("reproduce's paper tables: well-formed booktabs LaTeX that matches its CSV cell for cell", async () => {
  await using dir = await tempDir();
  const r = await writeTables(dir.path, await loadPaper(), await loadDataset({ path: DATASET_CSV }));
  assertEquals(Object.keys(r.tables).sort(), ["audit", "dataset_stats", "leaderboard", "safety_rules", "star1"]);
  let cells = 0;
  for (const name of Object.keys(r.tables)) {
    const tex = await Deno.readTextFile(`${dir.path}/tables/${name}.tex`);
    const csv = await Deno.readTextFile(`${dir.path}/tables/${name}.csv`);
    cells += _matchesCsv(tex, csv, name);
  }
  assert(cells > 500, `${cells} cells compared`);
  const board = await Deno.readTextFile(`${dir.path}/tables/leaderboard.tex`);
  const { header, rows } = _parseTabular(board);
  assertEquals(header.filter((h) => METRIC_ORDER.includes(h as never)), [...METRIC_ORDER]);
  assertEquals(rows.length, 23);
  // The audit's notes carry α: written as math, never as a raw character LaTeX's default fonts lack.
  const audit = await Deno.readTextFile(`${dir.path}/tables/audit.tex`);
  assert(audit.includes("$\\alpha$") && !/^[^%].*α/m.test(audit));
});

Deno.test("LaTeX escapes every special, keeps intervals and bold best values, and matches the CSV", () => {
  const hostile = "R&D 50% $x #1 a_b {c} ~d ^e \\f <g> |h| [i] – α";
  const table: Table = {
    columns: [
      { key: "name", kind: "text" },
      { key: "Safe@1", kind: "number", best: "max", interval: { lo: "lo", hi: "hi" } },
      { key: "diff", kind: "number" },
      { key: "p", kind: "p" },
    ],
    rows: [
      { name: hostile, "Safe@1": 70.1, lo: 68.3, hi: 71.9, diff: -1.5, p: 0.0001 },
      { name: "[starts with a bracket", "Safe@1": null, lo: null, hi: null, diff: 0.25, p: 0.2 },
      { name: "plain", "Safe@1": 60, lo: 55, hi: 65, diff: NaN, p: 1 },
    ],
  };
  const tex = renderLatex(table, { boldBest: true });
  const { rows } = _parseTabular(tex);
  assertEquals(_decode(rows[0][0]), hostile);
  assertEquals(rows[0][1], "\\textbf{70.10} [68.30, 71.90]");
  assertEquals(rows[1][0].startsWith("{[}"), true, "a row cannot begin with [ after \\\\");
  assertEquals(rows[1][1], "--");
  assertEquals(rows[0][2], "$-$1.50");
  assertEquals(rows[0][3], "$<$0.001");
  assertEquals(_matchesCsv(tex, renderCsv(table), "synthetic"), 12);
  const pm = renderLatex(table, { interval: "pm" });
  assert(pm.includes("70.10 $\\pm$ 1.80") && !pm.includes("\\textbf"), pm);
  const float = renderLatex(table, { caption: "Scores (in %)", label: "tab:scores" });
  assert(float.includes("\\caption{Scores (in \\%)}") && float.includes("\\label{tab:scores}"));
  _parseTabular(float);
});
